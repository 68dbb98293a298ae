// Shared set-up of the browser journeys: where Poort is, the browser, and the checks every
// visited page gets (axe-core, page structure, screenshots at desktop and phone widths).
//
// run.sh starts Poort and sets POORT_URL (http://localhost:PORT: a passkey needs a host
// name, not an IP address), BROWSER_OUTPUT_DIR (screenshots and reports) and BROWSER_WORK
// (state shared by the test files of one run). SCREENSHOTS=DIR also copies the pictures
// of the README (login page, chooser, My digital keys) into DIR.

import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const BASE = process.env.POORT_URL;
if (!BASE) throw new Error('POORT_URL is not set: run the journeys with tests/browser/run.sh');
const here = path.dirname(new URL(import.meta.url).pathname);
export const OUTPUT = process.env.BROWSER_OUTPUT_DIR || path.join(here, '..', 'output');
const WORK = process.env.BROWSER_WORK || OUTPUT;
const SCREENSHOTS = process.env.SCREENSHOTS ? path.resolve(process.env.SCREENSHOTS) : undefined;
mkdirSync(OUTPUT, { recursive: true });

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

/** Jan Peeters, the demo password account (README, "Demo data"). */
export const JAN = {
  username: 'janpeeters',
  password: 'Poort-demo-2026',
  totpSecret: 'KBXW64TUFVSGK3LPFVKE6VCQFUZDAMRW',
  name: 'Jan Peeters',
  nationalNumber: '78031412349',
};

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Without the background-networking flags Chromium reaches out to Google services, which
// the closed CI network refuses. playwright-core gives every launch a fresh profile.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser for one test file; close it in `after`. */
export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * A fresh browser context (its own cookies): English unless `locale` says otherwise, the
 * mocks' demo certificates accepted (their demo CA is not in the browser's store).
 */
export async function newPage(browser, { locale = 'en', viewport = DESKTOP } = {}) {
  const context = await browser.newContext({
    locale,
    viewport,
    ignoreHTTPSErrors: true,
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/** The path (with query) of the page now shown. */
export function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

// ---------------------------------------------------------------------------------------
// Accessibility and structure

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const FAILING_IMPACTS = new Set(['serious', 'critical']);
// Rules we hold every Poort page to although axe rates them "moderate": the landmarks
// (everything inside one, the demo banner too), one main, one h1.
const ALSO_FAILING = new Set(['region', 'landmark-one-main', 'page-has-heading-one', 'landmark-no-duplicate-main',
  'landmark-unique', 'heading-order', 'empty-heading']);

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA plus best practices) in the page. The script is
 * evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does
 * not govern, so Poort's CSP stays as it is in production.
 */
export async function axe(page) {
  const isLoaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!isLoaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    }),
  );
}

function describeViolations(violations) {
  return violations
    .map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n` + v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(0, 2).join(' ')}`).join('\n'))
    .join('\n');
}

/** Facts about the page's structure the journeys assert (read from the DOM, no events). */
async function structure(page) {
  return page.evaluate(() => {
    const visible = (el) => {
      const s = getComputedStyle(el);
      return s.display !== 'none' && s.visibility !== 'hidden' && !el.closest('[hidden]');
    };
    const fields = [...document.querySelectorAll('input, select, textarea')].filter(
      (el) => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type) && visible(el),
    );
    const unlabelled = fields
      .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML.slice(0, 120));
    const invalid = [...document.querySelectorAll('[aria-invalid="true"]')].map((el) => {
      const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
      const texts = ids.map((id) => document.getElementById(id)?.textContent.trim() || '');
      return { field: el.id || el.name, described: texts.filter(Boolean) };
    });
    const landmarks = 'header, main, footer, nav, aside, [role=banner], [role=main], [role=contentinfo], [role=navigation], [role=region], [role=complementary]';
    const outside = [...document.body.children]
      .filter((el) => visible(el) && !el.matches(landmarks) && !el.matches('script, noscript, a.skip, a[href="#main"]'))
      .map((el) => el.outerHTML.slice(0, 100));
    return {
      lang: document.documentElement.getAttribute('lang'),
      h1: [...document.querySelectorAll('h1')].filter(visible).map((h) => h.textContent.trim()),
      title: document.title,
      unlabelled,
      invalid,
      outside,
      mains: document.querySelectorAll('main, [role=main]').length,
      scrollWidth: document.documentElement.scrollWidth,
      viewportWidth: window.innerWidth,
    };
  });
}

const checked = [];

/**
 * The checks every page of a journey gets, at 1280 px and again at 360 px: no serious or
 * critical axe violation (nor the landmark and heading rules above), `lang` set (to
 * `lang` when given), exactly one h1 (matching `h1` when given), a label on every field,
 * every invalid field described by its error, nothing outside a landmark, and at 360 px
 * no sideways scrolling; a full-page screenshot at each width (output/NAME-WIDTH.png).
 */
export async function checkPage(page, name, { h1, lang } = {}) {
  await page.waitForLoadState('load');
  const before = page.viewportSize();
  let desktop;
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    const label = `${name} at ${viewport.width} px (${pathOf(page)})`;
    const results = await axe(page);
    const failing = results.violations.filter(
      (v) => FAILING_IMPACTS.has(v.impact) || ALSO_FAILING.has(v.id),
    );
    const other = results.violations.filter((v) => !failing.includes(v));
    const s = await structure(page);
    checked.push({ name, width: viewport.width, url: pathOf(page), lang: s.lang, h1: s.h1, failing: failing.map((v) => v.id), other: other.map((v) => `${v.id} (${v.impact})`) });
    writeFileSync(path.join(OUTPUT, `axe-${name}-${viewport.width}.json`), JSON.stringify({ url: page.url(), violations: results.violations }, null, 2));
    if (other.length) console.log(`# ${label}: minor axe findings: ${other.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
    assert.equal(failing.length, 0, `${label}: axe violations:\n${describeViolations(failing)}`);
    assert.ok(s.lang, `${label}: <html> has no lang`);
    if (lang) assert.equal(s.lang, lang, `${label}: <html lang>`);
    assert.equal(s.h1.length, 1, `${label}: exactly one visible h1, found ${JSON.stringify(s.h1)}`);
    if (h1 instanceof RegExp) assert.match(s.h1[0], h1, `${label}: h1`);
    else if (h1) assert.equal(s.h1[0], h1, `${label}: h1`);
    assert.deepEqual(s.unlabelled, [], `${label}: fields without a label`);
    for (const f of s.invalid) assert.ok(f.described.length > 0, `${label}: invalid field ${f.field} is not described by its error`);
    assert.equal(s.mains, 1, `${label}: one main landmark`);
    assert.deepEqual(s.outside, [], `${label}: content outside the landmarks`);
    if (viewport === PHONE) {
      assert.ok(s.scrollWidth <= PHONE.width, `${label}: the page is ${s.scrollWidth} px wide (scrolls sideways)`);
    } else {
      desktop = s;
    }
    await page.screenshot({ path: path.join(OUTPUT, `${name}-${viewport.width}.png`), fullPage: true });
  }
  if (before) await page.setViewportSize(before);
  return desktop;
}

/**
 * For the README: the top of the page (one screen, not the full page, to keep the files
 * small) at desktop and phone width, into SCREENSHOTS when it is set.
 */
export async function docScreenshot(page, name) {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize();
  for (const [suffix, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${suffix}.png`), fullPage: false });
  }
  if (before) await page.setViewportSize(before);
}

/** Appends this file's checked pages to the run's report (output/pages.json). */
export function writeReport() {
  const file = path.join(OUTPUT, 'pages.json');
  const all = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  writeFileSync(file, JSON.stringify([...all, ...checked], null, 2));
}

// ---------------------------------------------------------------------------------------
// Keyboard

/**
 * Presses Tab until `selector` has the focus (at most `max` times), asserting that every
 * element reached shows a visible focus indicator. Keyboard only: no mouse event.
 */
export async function tabTo(page, selector, { max = 40 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate((sel) => {
      const el = document.activeElement;
      if (!el || el === document.body) return { none: true };
      const s = getComputedStyle(el);
      const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
      const ring = s.boxShadow && s.boxShadow !== 'none';
      return { isTarget: el.matches(sel), isVisible: outline || ring, what: el.outerHTML.slice(0, 80) };
    }, selector);
    if (focus.none) continue;
    assert.ok(focus.isVisible, `no visible focus indicator on ${focus.what}`);
    if (focus.isTarget) return;
  }
  throw new Error(`${selector} not reached with ${max} Tab presses`);
}

// ---------------------------------------------------------------------------------------
// One-time codes

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret at time step `step`. */
export function totp(secretBase32, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

/**
 * A code Poort has not seen yet for this secret: Poort accepts the steps around now, each
 * once (and never an older one than the last used). The last step used per secret is
 * kept in BROWSER_WORK, shared by the test files of a run; waits for a new step if needed.
 */
export async function freshTotp(secretBase32) {
  const file = path.join(WORK, 'totp-steps.json');
  for (;;) {
    const used = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    const now = Math.floor(Date.now() / 1000 / 30);
    const step = Math.max(now, (used[secretBase32] ?? -1) + 1);
    // `now` and `now + 1` stay acceptable even if the step changes before the code arrives.
    if (step <= now + 1) {
      used[secretBase32] = step;
      writeFileSync(file, JSON.stringify(used));
      return totp(secretBase32, step);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// ---------------------------------------------------------------------------------------
// Journeys' building blocks

/** Username and password, then the authenticator-app code, by mouse-free form filling. */
export async function passwordAndApp(page, who = JAN, { check = false } = {}) {
  await page.click('#key-password');
  await page.waitForURL(/\/login\/password\?/);
  if (check) await checkPage(page, 'password-login');
  await page.fill('#username', who.username);
  await page.fill('#password', who.password);
  await Promise.all([page.waitForURL(/\/login\/password\/otp/), page.press('#password', 'Enter')]);
  if (await page.locator('#factor-app').count()) {
    if (check) await checkPage(page, 'password-factor-choice');
    await Promise.all([page.waitForURL(/factor=app/), page.click('#factor-app')]);
  }
  if (check) await checkPage(page, 'password-factor-app');
  await page.fill('#otp', await freshTotp(who.totpSecret));
  await page.press('#otp', 'Enter');
}

/** On Poort's login page: itsme, then the mock's "confirm on your phone" as `person`. */
export async function itsme(page, person, { check = false } = {}) {
  await page.click('#key-itsme');
  await page.waitForSelector('input[name=identity]');
  assert.match(await page.textContent('body'), /DEMO — mock itsme/, 'the mock says it is a mock');
  if (check) await checkPage(page, 'mock-itsme', { h1: /mock/ });
  await page.getByLabel(person).check();
  await page.click('button[value=confirm]');
}

/** A portal login with itsme to `next` at Level450. */
export async function itsmePortalLogin(page, person, next = '/my/session', options = {}) {
  await page.goto(`${BASE}/login?next=${encodeURIComponent(next)}&level=450`);
  await itsme(page, person, options);
  await page.waitForURL((u) => u.pathname === next);
}

/** The JSON blocks /demo-rp shows: what the application received. */
export async function demoRpClaims(page) {
  await page.waitForSelector('#id-token');
  const idToken = JSON.parse(await page.textContent('#id-token'));
  const userinfo = JSON.parse(await page.textContent('#userinfo'));
  return { idToken, userinfo };
}

/** Poort's cookies in this context, by name. */
export async function cookies(context) {
  return Object.fromEntries((await context.cookies(BASE)).map((c) => [c.name, c.value]));
}
