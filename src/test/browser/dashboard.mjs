// Drives the gateway's live dashboard (/ui) in headless Chromium and checks the figures it shows.
//
//   node dashboard.mjs <gatewayBaseUrl> <key> <expectationsJsonFile> <screenshotPath>
//
// The expectations file (every key optional):
//   {
//     "totalRequests": 5,                          // the total-requests card, exactly
//     "errorRateNonZero": true,                    // the error-rate card shows more than 0 (false: exactly 0 or —)
//     "unavailable": ["cache-hit-rate"],           // these cards show — (a null rate)
//     "providers": {"echo": {"requests": 4}},      // provider rows by name, the given cells exactly
//     "spend": [{"tenant": "default", "model": "echo/echo-1", "requests": 4}],
//                                                  // a spend row for each tenant and model, the given cells exactly
//     "recentRows": 5,                             // the number of recent rows
//     "recent": [{"stream": true}, {"status": 404}] // each must match at least one recent row
//   }
// Cells are compared by their data-value (the JSON value as the page received it), so 4 matches "4" and
// null matches an empty data-value. The figures are read after each refresh of the page until they match
// or 30 s have passed. Besides the expectations it checks that the key does not stay in the URL, that
// the page fetches nothing but itself and the stats, shows no script error, formats rates as percentages,
// and that a page opened without a key (or with a wrong one) asks for the key and then shows the stats.
//
// Exit codes: 0 all good, 1 a figure or check does not match (a diff is printed), 2 wrong usage,
// 3 the browser could not be driven. The full-page screenshot is saved in every case that got a page.

import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const MATCH_DEADLINE_MS = 30_000;
const FIRST_RENDER_MS = 30_000;
const DASH = '\u2014';
const RATE_TEXT = /^(\d+\.\d%|\u2014)$/;

const [baseArg, key, expectationsFile, screenshotArg] = process.argv.slice(2);
if (!baseArg || !key || !expectationsFile || !screenshotArg) {
  console.error('usage: node dashboard.mjs <gatewayBaseUrl> <key> <expectationsJsonFile> <screenshotPath>');
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, '');
const origin = new URL(base).origin;
const screenshotPath = resolve(screenshotArg);
let expected;
try {
  expected = JSON.parse(readFileSync(expectationsFile, 'utf8'));
} catch (e) {
  console.error(`dashboard: cannot read the expectations in ${expectationsFile}: ${e.message}`);
  process.exit(2);
}

const log = (line) => console.log(`dashboard: ${line}`);

/** Reads every figure the page shows, by data-testid and data-field. Runs in the page. */
function readFigures() {
  const figure = (id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    return el ? { text: el.textContent.trim(), value: el.getAttribute('data-value') } : null;
  };
  const cells = (row) => {
    const out = {};
    for (const td of row.querySelectorAll('[data-field]')) {
      out[td.getAttribute('data-field')] = { text: td.textContent.trim(), value: td.getAttribute('data-value') };
    }
    return out;
  };
  const banner = document.querySelector('[data-testid="error-banner"]');
  return {
    updated: document.querySelector('[data-testid="updated"]')?.getAttribute('data-value') ?? null,
    status: document.querySelector('[data-testid="status"]')?.getAttribute('data-state') ?? null,
    errorBanner: banner && !banner.hidden ? banner.textContent.trim() : null,
    figures: Object.fromEntries(['rps', 'error-rate', 'fallback-rate', 'cache-hit-rate', 'guardrail-block-rate',
      'total-spend', 'total-requests'].map((id) => [id, figure(id)])),
    providers: [...document.querySelectorAll('[data-testid="provider-row"]')]
      .map((row) => ({ provider: row.getAttribute('data-provider'), cells: cells(row) })),
    spend: [...document.querySelectorAll('[data-testid="spend-row"]')]
      .map((row) => ({ tenant: row.getAttribute('data-tenant'), model: row.getAttribute('data-model'), cells: cells(row) })),
    recent: [...document.querySelectorAll('[data-testid="recent-row"]')]
      .map((row) => ({ id: row.getAttribute('data-id'), cells: cells(row) })),
  };
}

const asValue = (v) => (v === null || v === undefined ? '' : String(v));
const show = (v) => (v === undefined ? 'nothing' : JSON.stringify(v));

/** Compares what the page shows with the expectations; returns the differences, one line each. */
function compare(seen) {
  const diff = [];
  const mismatch = (what, want, got) => diff.push(`${what}: expected ${show(want)}, the page shows ${show(got)}`);

  for (const [id, fig] of Object.entries(seen.figures)) {
    if (!fig) diff.push(`card [data-testid=${id}] is missing`);
  }
  for (const id of ['error-rate', 'fallback-rate', 'cache-hit-rate', 'guardrail-block-rate']) {
    const fig = seen.figures[id];
    if (fig && !RATE_TEXT.test(fig.text)) mismatch(`${id} text (a percentage with 1 decimal or —)`, 'e.g. "12.5%"', fig.text);
  }
  if (seen.errorBanner) diff.push(`the error banner is shown: ${seen.errorBanner}`);
  if (seen.status !== 'live') mismatch('status indicator', 'live', seen.status);

  if ('totalRequests' in expected) {
    const got = seen.figures['total-requests']?.value;
    if (got !== asValue(expected.totalRequests)) mismatch('total-requests', expected.totalRequests, got);
  }
  if ('errorRateNonZero' in expected) {
    const value = seen.figures['error-rate']?.value;
    const nonZero = value !== '' && value !== undefined && Number(value) > 0;
    if (nonZero !== expected.errorRateNonZero) {
      mismatch('error-rate above 0', expected.errorRateNonZero, `${seen.figures['error-rate']?.text} (data-value ${show(value)})`);
    }
  }
  for (const id of expected.unavailable ?? []) {
    const fig = seen.figures[id];
    if (!fig || fig.text !== DASH || fig.value !== '') mismatch(`${id} (null, shown as —)`, DASH, fig?.text);
  }
  for (const [name, fields] of Object.entries(expected.providers ?? {})) {
    const row = seen.providers.find((p) => p.provider === name);
    if (!row) {
      mismatch(`provider row ${name}`, 'a row', `rows for ${show(seen.providers.map((p) => p.provider))}`);
      continue;
    }
    for (const [field, want] of Object.entries(fields)) {
      const got = row.cells[field]?.value;
      if (got !== asValue(want)) mismatch(`provider ${name} ${field}`, want, got);
    }
  }
  for (const want of expected.spend ?? []) {
    const label = `spend row ${want.tenant} / ${want.model}`;
    const row = seen.spend.find((s) => s.tenant === want.tenant && s.model === want.model);
    if (!row) {
      mismatch(label, 'a row', `rows for ${show(seen.spend.map((s) => `${s.tenant} / ${s.model}`))}`);
      continue;
    }
    for (const [field, value] of Object.entries(want)) {
      if (field === 'tenant' || field === 'model') continue;
      const got = row.cells[field]?.value;
      if (got !== asValue(value)) mismatch(`${label} ${field}`, value, got);
    }
    const cost = row.cells.costUsd?.text;
    if (cost !== undefined && !/^\d+\.\d{6}$/.test(cost)) mismatch(`${label} costUsd text (6 decimals)`, 'e.g. "0.001200"', cost);
  }
  if ('recentRows' in expected && seen.recent.length !== expected.recentRows) {
    mismatch('recent rows', expected.recentRows, seen.recent.length);
  }
  for (const want of expected.recent ?? []) {
    const matches = seen.recent.some((row) =>
      Object.entries(want).every(([field, value]) => row.cells[field]?.value === asValue(value)));
    if (!matches) mismatch('a recent row with', want, 'none');
  }
  for (const row of seen.recent) {
    if (!row.id) diff.push('a recent row has no data-id');
    const time = row.cells.time?.text;
    if (time !== undefined && !/^\d{2}:\d{2}:\d{2}$/.test(time)) mismatch(`recent ${row.id} time (local HH:MM:SS)`, 'e.g. "14:05:09"', time);
  }
  return diff;
}

async function waitForRefresh(page, previous, timeout) {
  await page.waitForFunction(
    (prev) => document.querySelector('[data-testid="updated"]')?.getAttribute('data-value') !== prev,
    previous, { timeout, polling: 100 });
}

async function checkWithKey(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`script error in the page: ${error.message}`));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'data:') return;
    if (url.origin !== origin || !(url.pathname === '/ui' || url.pathname === '/v1/caravan/stats')) {
      problems.push(`the page fetched ${request.url()} (only /ui and /v1/caravan/stats are allowed)`);
    }
  });

  const response = await page.goto(`${base}/ui?key=${encodeURIComponent(key)}`);
  if (!response || response.status() !== 200) problems.push(`GET /ui answered ${response?.status()}`);
  const type = response?.headers()['content-type'] ?? '';
  if (!type.startsWith('text/html')) problems.push(`GET /ui has Content-Type ${show(type)}, not text/html`);

  try {
    await page.waitForSelector('[data-testid="updated"]', { state: 'attached', timeout: FIRST_RENDER_MS });
  } catch {
    const banner = await page.locator('[data-testid="error-banner"]').textContent().catch(() => null);
    await saveScreenshot(page);
    await context.close();
    return [`the page did not render the stats within ${FIRST_RENDER_MS / 1000} s`
      + (banner && banner.trim() ? ` (banner: ${banner.trim()})` : ''), ...problems];
  }

  const url = page.url();
  if (/[?&]key=/.test(url) || url.includes(encodeURIComponent(key))) problems.push(`the key is still in the URL: ${url}`);
  const stored = await page.evaluate(() => sessionStorage.getItem('caravan.key'));
  if (stored !== key) problems.push(`sessionStorage caravan.key is ${show(stored)}, not the key from the URL`);

  const deadline = Date.now() + MATCH_DEADLINE_MS;
  let seen = await page.evaluate(readFigures);
  let diff = compare(seen);
  while (diff.length && Date.now() < deadline) {
    try {
      await waitForRefresh(page, seen.updated, Math.max(1, deadline - Date.now()));
    } catch {
      break;
    }
    seen = await page.evaluate(readFigures);
    diff = compare(seen);
  }
  await saveScreenshot(page);
  log(`read: total requests ${seen.figures['total-requests']?.text}, rps ${seen.figures.rps?.text}, `
    + `error rate ${seen.figures['error-rate']?.text}, spend ${seen.figures['total-spend']?.text}, `
    + `${seen.providers.length} provider rows, ${seen.spend.length} spend rows, ${seen.recent.length} recent rows`);
  await context.close();
  return [...diff, ...problems];
}

async function checkKeyPrompt(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`script error in the page: ${error.message}`));
  try {
    await page.goto(`${base}/ui?key=sk-not-the-key`);
    const form = page.locator('[data-testid="auth-form"]');
    await form.waitFor({ state: 'visible', timeout: FIRST_RENDER_MS });
    if (page.url().includes('key=')) problems.push(`a wrong key stayed in the URL: ${page.url()}`);
    const prompt = await page.locator('[data-testid="auth"]').textContent();
    if (!/rejected/i.test(prompt)) problems.push(`the key prompt does not say the key was rejected: ${prompt.trim()}`);
    const state = await page.getAttribute('[data-testid="status"]', 'data-state');
    if (state !== 'key') problems.push(`status indicator while asking for the key: expected "key", got ${show(state)}`);

    await page.fill('[data-testid="key-input"]', key);
    await page.click('[data-testid="key-submit"]');
    await page.waitForSelector('[data-testid="updated"]', { state: 'attached', timeout: FIRST_RENDER_MS });
    if (await form.isVisible()) problems.push('the key form is still shown after a good key');
    const stored = await page.evaluate(() => sessionStorage.getItem('caravan.key'));
    if (stored !== key) problems.push(`after typing the key, sessionStorage caravan.key is ${show(stored)}`);
  } catch (e) {
    problems.push(`opened without the key, the page did not ask for it and then show the stats: ${e.message.split('\n')[0]}`);
  } finally {
    await context.close();
  }
  return problems;
}

let screenshotPage = null;
async function saveScreenshot(page) {
  mkdirSync(dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath, fullPage: true });
  screenshotPage = screenshotPath;
}

let browser;
let exitCode = 0;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const diff = await checkWithKey(browser);
  diff.push(...await checkKeyPrompt(browser));
  if (diff.length) {
    console.error(`dashboard: ${diff.length} mismatch${diff.length === 1 ? '' : 'es'} on ${base}/ui:`);
    for (const line of diff) console.error(`  - ${line}`);
    exitCode = 1;
  } else {
    log(`all figures match the expectations in ${expectationsFile}`);
  }
  if (screenshotPage) log(`screenshot: ${screenshotPage}`);
} catch (e) {
  console.error(`dashboard: could not drive the browser: ${e.stack ?? e}`);
  exitCode = 3;
} finally {
  if (browser) await browser.close().catch(() => {});
}
process.exit(exitCode);
