// Launch Debian's firefox-esr headless with puppeteer-core over WebDriver BiDi (no geckodriver, nothing
// downloaded), open the app page and run one request at a time through window.run(spec), recording the
// console errors Firefox itself reported. Firefox reports its CORS messages as script errors (BiDi
// log.entryAdded of type "javascript"), which puppeteer hands over as `pageerror`, not `console`.
import fs from 'node:fs';
import puppeteer from 'puppeteer-core';

export const FIREFOX = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';

/**
 * Firefox's CORS console messages all start so (security.properties, CORS* strings); a same-origin-mode
 * request that leaves the origin gets a security error instead.
 */
export function isFirefoxCorsLine(text) {
  return text.startsWith('Cross-Origin Request Blocked: ') || text.startsWith('Security Error: Content at ');
}

export function firefoxAvailable() {
  return fs.existsSync(FIREFOX);
}

/**
 * prefs: extra Firefox prefs. Firefox 153 refuses BiDi navigation to moz-extension: pages and the chrome
 * scope unless system access is allowed, hence the flag.
 */
export async function launchFirefox({ prefs = {} } = {}) {
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      // An event page is suspended after 30 s idle by default; a test must not lose one mid-run.
      'extensions.background.idle.timeout': 300000,
      ...prefs,
    },
  });
  const version = await browser.version();
  /** Raw BiDi: puppeteer's page.goto() waits forever for a moz-extension: page's load event. */
  const bidi = (method, params) => browser.connection.send(method, params).then((r) => r.result);
  return { browser, version, bidi };
}

/** Opens `url` in a new tab with window.run and returns run(spec) → { result, errors } per request. */
export async function openRunner(ff, url) {
  const page = await ff.browser.newPage();
  let sink = null;
  page.on('pageerror', (e) => { if (sink) sink.push(String(e.message ?? e)); });
  page.on('console', (m) => { if (sink && m.type() === 'error') sink.push(m.text()); });
  await page.goto(url);
  // Poll with evaluate: an extension page's CSP blocks waitForFunction's Function().
  for (let i = 0; i < 200 && !(await page.evaluate(() => window.ready === true)); i++) await new Promise((r) => setTimeout(r, 25));
  const origin = await page.evaluate(() => location.origin);
  let sentinelSeq = 0;
  async function run(spec, { settleMs = 1500 } = {}) {
    const errors = [];
    sink = errors;
    const result = await page.evaluate((s) => window.run(s), spec);
    // Errors arrive in order: a sentinel logged after the request means the request's own lines are in.
    const sentinel = `__cors_lens_sentinel_${++sentinelSeq}__`;
    await page.evaluate((t) => console.error(t), sentinel);
    const deadline = Date.now() + settleMs;
    while (!errors.includes(sentinel) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 30));
    sink = null;
    return { result, errors: errors.filter((e) => e !== sentinel) };
  }
  return { page, origin, run };
}
