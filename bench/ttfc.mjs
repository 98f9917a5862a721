// Time to first chunk under load: keeps CONNECTIONS streamed chat requests in flight for DURATION
// seconds against each URL given, and prints the p50/p90/p99 time from sending a request to receiving
// its first content chunk, and the stream count and errors. Run it against the fake upstream directly
// and through a gateway, one after the other, to get the time a gateway adds before the first token.
//
//   node bench/ttfc.mjs http://127.0.0.1:18081/v1/chat/completions http://127.0.0.1:18090/v1/chat/completions
//
// Environment: CONNECTIONS (64), DURATION (15), WARMUP (5) seconds per URL, WARMUP_CONNECTIONS (as
// CONNECTIONS): the warm-up's concurrency. At one connection a 30 s warm-up is ~300 streams, far fewer calls
// than the JVM's JIT needs to compile the streaming path (measured: +1.38 ms at p50 cold, +0.36 ms after
// 40 s at 64 streams), so a gateway on the JVM is warmed up at 64 and then measured at 1 or 8.
import http from 'node:http';
import { readFileSync } from 'node:fs';

const connections = Number(process.env.CONNECTIONS || 64);
const duration = Number(process.env.DURATION || 15) * 1000;
const warmup = Number(process.env.WARMUP || 5) * 1000;
const warmupConnections = Number(process.env.WARMUP_CONNECTIONS || connections);
const request = JSON.parse(readFileSync(new URL('./.harness/request.json', import.meta.url), 'utf8'));
request.stream = true;
const body = JSON.stringify(request);

function stream(url, agent) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let first = null;
    const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (bytes) => {
        text += bytes;
        if (first === null && text.includes('"content":"') && !text.includes('"content":""}')) first = process.hrtime.bigint();
        else if (first === null && /"delta":\{"content":"[^"]/.test(text)) first = process.hrtime.bigint();
      });
      res.on('end', () => resolve({ ok: res.statusCode === 200 && text.includes('[DONE]') && first !== null,
        ttfc: first === null ? null : Number(first - started) / 1e6 }));
      res.on('error', () => resolve({ ok: false }));
    });
    req.on('error', () => resolve({ ok: false }));
    req.end(body);
  });
}

async function load(url, streams, millis, samples) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: streams });
  const stopAt = Date.now() + millis;
  let errors = 0;
  await Promise.all(Array.from({ length: streams }, async () => {
    while (Date.now() < stopAt) {
      const result = await stream(url, agent);
      if (!samples) continue;
      if (result.ok) samples.push(result.ttfc); else errors++;
    }
  }));
  agent.destroy();
  return errors;
}

async function measure(url) {
  const samples = [];
  if (warmup > 0) await load(url, warmupConnections, warmup, null);
  const errors = await load(url, connections, duration, samples);
  samples.sort((a, b) => a - b);
  const pct = (p) => samples.length ? samples[Math.min(samples.length - 1, Math.floor(samples.length * p))].toFixed(2) : '-';
  console.log(`${url}: streams ${samples.length}, errors ${errors}, time to first chunk p50 ${pct(0.5)} ms, p90 ${pct(0.9)} ms, p99 ${pct(0.99)} ms`);
}

for (const url of process.argv.slice(2)) await measure(url);
