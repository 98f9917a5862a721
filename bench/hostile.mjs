// The edge checked from outside, as an attacker and an SRE would (README: "Limits and protections"):
// each check drives a running gateway and prints one line of figures. Used by bench/hostile.sh, which
// starts the packaged jar with the README's flags under a 1024 open-file limit.
//
//   node bench/hostile.mjs <gateway url> <master key> [checks...]
//   checks: stalled idle fuzz labels (default: all)
import http from 'node:http';
import net from 'node:net';

const [base, key, ...wanted] = process.argv.slice(2);
const url = new URL(base);
const checks = wanted.length ? wanted : ['stalled', 'idle', 'fuzz', 'labels'];
const auth = { Authorization: `Bearer ${key}` };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function request(path, { method = 'POST', body, headers = {}, timeout = 10_000, agent = false } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request({ host: url.hostname, port: url.port, path, method, agent, timeout,
      headers: body === undefined ? headers : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers } },
    (res) => {
      const parts = [];
      res.on('data', (part) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts).toString(),
        ms: performance.now() - started }));
      res.on('error', (error) => resolve({ status: 0, error: error.code || error.message, ms: performance.now() - started }));
    });
    req.on('timeout', () => { req.destroy(new Error('timeout')); });
    req.on('error', (error) => resolve({ status: 0, error: error.code || error.message, ms: performance.now() - started }));
    req.end(body);
  });
}

const chat = (model, extra = {}) => JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }], ...extra });

/** Holds a socket open that declared a 16 MB body and sent a few bytes of it. */
function stalledUpload(withKey) {
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port), url.hostname, () => {
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n`
        + `Content-Length: 16777216\r\n${withKey ? `Authorization: Bearer ${key}\r\n` : ''}\r\n{"model":"gpt-4o-mini","messages":[`);
      resolve(socket);
    });
    socket.on('data', (bytes) => { socket.answer = (socket.answer || '') + bytes; });
    socket.on('error', () => {});
  });
}

async function stalled() {
  const pad = 'x'.repeat(200 * 1024);
  for (const withKey of [false, true]) {
    const held = await Promise.all(Array.from({ length: 12 }, () => stalledUpload(withKey)));
    let answered = 0; let failed = 0; let slowest = 0; let health = 0;
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(Array.from({ length: 40 }, () =>
        request('/v1/chat/completions', { body: chat('openai/gpt-4o-mini', { user: pad }), headers: auth })));
      for (const result of results) {
        if (result.status === 200) answered++; else failed++;
        slowest = Math.max(slowest, result.ms);
      }
      if ((await request('/healthz', { method: 'GET' })).status === 200) health++;
    }
    const refused = held.filter((socket) => /^HTTP\/1.1 401/.test(socket.answer || '')).length;
    held.forEach((socket) => socket.destroy());
    console.log(`stalled: 12 stalled "16 MB" uploads ${withKey ? 'with' : 'without'} a key (${refused} answered 401 at once), `
      + `200 requests of 200 KB, 40 at a time: ${answered} answered 200, ${failed} failed, slowest ${slowest.toFixed(0)} ms; `
      + `/healthz ${health}/5`);
  }
}

async function idle() {
  const sockets = [];
  for (let i = 0; i < 1100; i++) {
    const socket = net.connect(Number(url.port), url.hostname);
    socket.on('error', () => {});
    sockets.push(socket);
    if (i % 100 === 99) await sleep(20);
  }
  await sleep(500);
  const result = await request('/v1/chat/completions', { body: chat('openai/gpt-4o-mini'), headers: auth, timeout: 5_000 });
  const open = sockets.filter((socket) => !socket.destroyed && socket.readyState === 'open').length;
  sockets.forEach((socket) => socket.destroy());
  await sleep(200);
  const after = await request('/v1/chat/completions', { body: chat('openai/gpt-4o-mini'), headers: auth });
  console.log(`idle: 1100 idle sockets opened (${open} still open when measured); a fresh client got ${result.status || result.error} `
    + `in ${result.ms.toFixed(1)} ms; after they left: ${after.status} in ${after.ms.toFixed(1)} ms`);
}

/** Bad requests of every kind a fuzzer throws: broken JSON, wrong types, hostile model names and headers. */
function fuzzed(i, random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const junk = () => Array.from({ length: 1 + Math.floor(random() * 40) }, () => String.fromCharCode(Math.floor(random() * 0x2000))).join('');
  const models = ['openai/gpt-4o-mini?retries=100000', 'openai/gpt#x', 'openai/a&b', 'openai/\u0000x', 'openai/' + 'm'.repeat(300),
    'openai/gpt%2D4o', junk(), '', 'nobody/x', 'gpt-4o-mini', 'claude-haiku-4-5', 'openai/\u202egpt', 42, null, ['x'], { a: 1 }];
  const values = [1e308, -1, 'warm', null, true, [], {}, 'x'.repeat(1000), 0.5, 99999999999999999999];
  const fields = ['temperature', 'top_p', 'max_tokens', 'n', 'stream', 'stop', 'tools', 'tool_choice', 'messages', 'fallbacks', 'metadata', 'user', 'response_format', 'seed'];
  const valid = { model: 'openai/gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
  switch (i % 6) {
    case 0: return JSON.stringify({ ...valid, model: pick(models) });
    case 1: return JSON.stringify({ ...valid, [pick(fields)]: pick(values) });
    case 2: { const text = JSON.stringify(valid); const at = Math.floor(random() * text.length); return text.slice(0, at) + junk() + text.slice(at + 1); }
    case 3: return JSON.stringify(valid).slice(0, Math.floor(random() * 60));
    case 4: return '['.repeat(2000 + Math.floor(random() * 5000));
    default: return JSON.stringify({ ...valid, messages: [{ role: pick(['user', 'robot', 7, null]), content: pick(values) }] }) + (random() < 0.3 ? junk() : '');
  }
}

async function fuzz() {
  let seed = 42;
  const random = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const stats = { total: 0, byStatus: {}, gateway5xx: 0, upstream5xx: 0, notJson: 0, javaNames: 0, hung: 0 };
  const samples = [];
  const javaName = /\b(com|org|java|io|caravan)\.[a-z]+\.|Exception\b|`/;
  const paths = ['/v1/chat/completions', '/v1/messages'];
  const queue = Array.from({ length: 20_000 }, (_, i) => i);
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
      const headers = { ...auth };
      if (i % 7 === 0) headers['CamelHttpResponseCode'] = i % 2 ? '503' : 'abc';
      if (i % 11 === 0) headers['x-caravan-timeout-ms'] = String(Math.floor(random() * 1e6) - 1000);
      const body = fuzzed(i, random);
      const result = await request(paths[i % 2], { body, headers: { ...headers, 'anthropic-version': '2023-06-01' }, agent });
      stats.total++;
      stats.byStatus[result.status] = (stats.byStatus[result.status] || 0) + 1;
      if (result.status === 0) { stats.hung++; continue; }
      // a provider that cannot be reached (the machine has no network) is an upstream's 5xx, not the gateway's
      const upstream = result.status >= 500 && /"type":"upstream_error"/.test(result.body);
      if (upstream) stats.upstream5xx++; else if (result.status >= 500) stats.gateway5xx++;
      let bad = result.status >= 500 && !upstream;
      if (result.status >= 400) {
        try { JSON.parse(result.body); } catch { stats.notJson++; bad = true; }
        if (javaName.test(result.body)) { stats.javaNames++; bad = true; }
      }
      if (bad && samples.length < 5) samples.push(`${paths[i % 2]} ${body.slice(0, 160)} -> ${result.status} ${result.body.slice(0, 200)}`);
    }
  }));
  console.log(`fuzz: ${stats.total} bad requests on /v1/chat/completions and /v1/messages: statuses ${JSON.stringify(stats.byStatus)}; `
    + `gateway-made 5xx ${stats.gateway5xx} (upstream_error ${stats.upstream5xx}), non-JSON errors ${stats.notJson}, Java names ${stats.javaNames}, no answer ${stats.hung}`);
  samples.forEach((sample) => console.log(`  e.g. ${sample}`));
}

function series(scrape) {
  return (scrape || '').split('\n').filter((line) => line.startsWith('caravan_') || line.startsWith('gen_ai_')).length;
}

async function labels() {
  const before = await request('/metrics', { method: 'GET', headers: auth });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const statuses = {};
  const queue = Array.from({ length: 3000 }, (_, i) => i);
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
      const model = i % 2 ? `openai/unknown-model-${i}` : `made-up-${i}`;
      const result = await request('/v1/chat/completions', { body: chat(model), headers: auth, agent });
      statuses[result.status] = (statuses[result.status] || 0) + 1;
    }
  }));
  const after = await request('/metrics', { method: 'GET', headers: auth });
  console.log(`labels: 3000 distinct unknown model names (${JSON.stringify(statuses)}): /metrics ${before.status} with `
    + `${series(before.body)} gateway series before, ${after.status} with ${series(after.body)} after, `
    + `${after.body.includes('unknown-model-') || after.body.includes('made-up-') ? 'SOME' : 'no'} series named after them, ${(after.body.length / 1024).toFixed(0)} KB`);
}

for (const check of checks) {
  await ({ stalled, idle, fuzz, labels })[check]();
}
