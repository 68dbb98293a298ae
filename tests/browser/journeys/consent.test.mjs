// The profile chooser (prompt=select_account) for an enterprise, and consent for an
// application that is not first-party (`browser-consent`, which run.sh adds to the demo
// configuration; its redirect URI is a small server this file runs on CALLBACK_PORT).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import {
  BASE, launch, newPage, checkPage, itsme, demoRpClaims, writeReport,
} from '../lib/poort.mjs';

if (!process.env.CALLBACK_PORT) throw new Error('CALLBACK_PORT is not set: run the journeys with tests/browser/run.sh');
const CALLBACK = `http://localhost:${process.env.CALLBACK_PORT}/callback`;

// The application's redirect URI: remembers each callback (not the favicon the browser
// asks for) as a URL whose parameters are the query's or, for a POST (response_mode
// form_post), the form's, with the method; answers a small page.
const arrivals = [];
const waiting = [];
const callbackServer = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    const url = new URL(req.url, CALLBACK);
    if (url.pathname === '/callback') {
      if (req.method === 'POST') for (const [k, v] of new URLSearchParams(body)) url.searchParams.set(k, v);
      url.method = req.method;
      if (waiting.length) waiting.shift()(url); else arrivals.push(url);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>Application</title><main><h1>Application callback</h1></main></html>');
  });
});
/** The next callback the application receives. */
function nextCallback() {
  return arrivals.length ? Promise.resolve(arrivals.shift()) : new Promise((resolve) => { waiting.push(resolve); });
}

let browser;
before(async () => {
  await new Promise((resolve) => callbackServer.listen(Number(process.env.CALLBACK_PORT), '127.0.0.1', resolve));
  browser = await launch();
});
after(async () => { writeReport(); await browser?.close(); callbackServer.close(); });

/** An authorization request of `browser-consent` (PKCE S256). */
function authorizeUrl(extra = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: 'browser-consent',
    redirect_uri: CALLBACK,
    scope: 'openid profile egovnrn',
    state: randomBytes(12).toString('base64url'),
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url: `${BASE}/authorize?${params}`, state: params.get('state') };
}

test('the chooser: Jan Peeters logs in for IATREION BV, the application gets the enterprise', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(`${BASE}/demo-rp/login`);
  await page.waitForURL(/\/login\?tx=/);
  await itsme(page, /Jan Peeters/);
  await page.waitForURL(/\/profile\/choose/);
  await checkPage(page, 'chooser-itsme', { h1: 'In which capacity do you want to log in?' });
  const lead = await page.locator('main p').first().textContent();
  assert.match(lead, /Poort demo relying party/, 'the chooser names the application');
  const buttons = await page.locator('button[name=profile]').allTextContents();
  assert.ok(buttons.length >= 2, JSON.stringify(buttons));
  assert.equal(buttons[0], 'As a private person');
  await page.locator('button[name=profile]', { hasText: 'IATREION' }).click();
  await page.waitForURL(/\/demo-rp\/callback/);
  const { idToken, userinfo } = await demoRpClaims(page);
  assert.equal(idToken.acr, 'urn:be:fedict:iam:fas:Level450');
  assert.equal(userinfo.enterprise_number, '0474603083');
  assert.match(userinfo.enterprise_name, /IATREION/);
  assert.ok(userinfo.roles.length > 0, JSON.stringify(userinfo.roles));
  await context.close();
});

test('consent: asked once, remembered, and a refusal reaches the application', async () => {
  const { context, page } = await newPage(browser);
  const first = authorizeUrl();
  await page.goto(first.url);
  await page.waitForURL(/\/login\?tx=/);
  await itsme(page, /Sofie Claes/);
  await page.waitForURL(/\/authorize\//);
  await checkPage(page, 'consent', { h1: 'Share your data?' });
  assert.match(await page.locator('main').textContent(), /Browser test application/);
  const scopes = await page.locator('.consent-scopes li').allTextContents();
  assert.ok(scopes.length >= 2, JSON.stringify(scopes));
  await page.click('button[name=decision][value=allow]');
  let url = await nextCallback();
  assert.equal(url.searchParams.get('state'), first.state);
  assert.ok(url.searchParams.get('code'), 'a code for the application');

  // The same application again: the consent is remembered, no page in between.
  const second = authorizeUrl();
  await page.goto(second.url);
  url = await nextCallback();
  assert.equal(url.searchParams.get('state'), second.state);
  assert.ok(url.searchParams.get('code'));

  // prompt=consent asks again; "Do not allow" answers access_denied. (Poort compares the
  // consent's time with the request's in whole seconds: a consent given in the same second
  // as the request counts as fresh, so let a second pass.)
  await new Promise((r) => setTimeout(r, 1100));
  const third = authorizeUrl({ prompt: 'consent' });
  await page.goto(third.url);
  await page.waitForSelector('button[name=decision][value=deny]');
  await page.click('button[name=decision][value=deny]');
  url = await nextCallback();
  assert.equal(url.searchParams.get('error'), 'access_denied');
  assert.equal(url.searchParams.get('state'), third.state);
  assert.equal(url.searchParams.get('code'), null);
  await context.close();
});

test('form_post: the answer submits itself to the application; without JavaScript, Continue does', async () => {
  // Sofie Claes (her consent for this application may be remembered from the test above):
  // first without JavaScript, where the page stays and its button posts the answer, then
  // with it, where the page posts the answer by itself.
  for (const javaScriptEnabled of [false, true]) {
    const context = await browser.newContext({ locale: 'en', ignoreHTTPSErrors: true, javaScriptEnabled });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const { url, state } = authorizeUrl({ response_mode: 'form_post' });
    const arrived = nextCallback();
    await page.goto(url);
    await page.waitForURL(/\/login\?tx=/);
    await itsme(page, /Sofie Claes/);
    if (!javaScriptEnabled) {
      const allow = page.locator('button[name=decision][value=allow]');
      await page.waitForSelector('button[name=decision][value=allow], form[data-autosubmit]');
      if (await allow.count()) await allow.click();
      await page.waitForSelector('form[data-autosubmit] button[type=submit]');
      assert.equal(await page.locator('.langs').count(), 0, 'no language switch on a one-shot page');
      await page.click('form[data-autosubmit] button[type=submit]');
    }
    const arrival = await arrived;
    assert.equal(arrival.method, 'POST', 'the answer is posted (OAuth 2.0 Form Post Response Mode)');
    assert.equal(arrival.searchParams.get('state'), state);
    assert.ok(arrival.searchParams.get('code'), 'a code for the application');
    await context.close();
  }
});
