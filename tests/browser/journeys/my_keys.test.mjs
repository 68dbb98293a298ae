// My digital keys: Sofie Claes logs in with itsme (Level450, needed to change keys),
// creates a username and password, sets up an authenticator app from the QR page (a
// wrong code first), orders a token card, then logs in with the new keys.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, newPage, checkPage, docScreenshot, itsmePortalLogin, freshTotp, writeReport, cookies,
} from '../lib/poort.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { writeReport(); await browser?.close(); });

const SOFIE = { username: 'sofieclaes', password: 'Sofie-demo-2026!', email: 'sofie.claes@iatreion.example' };

test('My digital keys: account, authenticator app, token card, then a login with them', async () => {
  const { context, page } = await newPage(browser);
  await itsmePortalLogin(page, /Sofie Claes/, '/my/keys');
  await checkPage(page, 'my-keys-new', { h1: 'My digital keys' });
  assert.equal(await page.textContent('.hero .lead'), 'Sofie Claes');

  // A username and password.
  await page.fill('#new-username', SOFIE.username);
  await page.fill('#new-password', SOFIE.password);
  await page.fill('#new-password-2', SOFIE.password);
  await page.fill('#email', SOFIE.email);
  await page.click('#account button[type=submit]');
  await page.waitForSelector('#username');
  assert.equal(await page.textContent('#username'), SOFIE.username);
  assert.equal(await page.textContent('#app-status'), 'No authenticator app is set up.');

  // The authenticator app: the QR page, a wrong code, then the right one.
  await page.click('#app button[type=submit]');
  await page.waitForURL(/\/my\/keys\/app$/);
  await checkPage(page, 'my-keys-app', { h1: 'Set up an authenticator app' });
  const qr = await page.locator('main img');
  assert.match(await qr.getAttribute('src'), /^data:image\/svg\+xml;base64,/);
  assert.ok((await qr.getAttribute('alt')).length > 10, 'the QR code has a text alternative');
  const secret = (await page.textContent('#totp-secret')).trim();
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  await page.fill('#otp', '000000');
  await page.press('#otp', 'Enter');
  await page.waitForSelector('#app-error');
  const s = await checkPage(page, 'my-keys-app-error');
  assert.deepEqual(s.invalid.map((f) => f.field), ['otp'], 'the code field is marked invalid');
  assert.equal(await page.getAttribute('#otp', 'aria-describedby'), 'app-error');
  await page.fill('#otp', await freshTotp(secret));
  await page.press('#otp', 'Enter');
  await page.waitForURL(/\/my\/keys\?done=app/);
  assert.equal(await page.textContent('#app-status'), 'An authenticator app is set up.');

  // A token card: shown once, 24 numbered codes.
  await page.click('#card button[type=submit]');
  await page.waitForSelector('#card-serial');
  await checkPage(page, 'my-keys-card', { h1: 'Your token card' });
  const serial = (await page.textContent('#card-serial')).trim();
  const codes = Object.fromEntries(
    await page.locator('.card-code').evaluateAll((els) => els.map((e) => [e.dataset.position, e.textContent.trim()])),
  );
  assert.equal(Object.keys(codes).length, 24);
  await page.click('main a[href="/my/keys"]');
  await page.waitForURL(/\/my\/keys$/);
  assert.match(await page.textContent('#card-status'), new RegExp(`${serial}.*24`));
  await checkPage(page, 'my-keys', { h1: 'My digital keys' });
  await docScreenshot(page, 'my-keys');
  assert.ok((await page.locator('#recent-logins tbody tr').count()) >= 1, 'the itsme login is listed');

  // Log out (My session), then in with the username, password and the new app.
  await page.goto(`${BASE}/my/session`);
  await page.click('main form[action="/logout"] button');
  await page.waitForURL(`${BASE}/`);
  assert.equal((await cookies(context)).poort_session, undefined);

  await page.goto(`${BASE}/login?next=/my/session`);
  await page.click('#key-password');
  await page.fill('#username', SOFIE.username);
  await page.fill('#password', SOFIE.password);
  await page.press('#password', 'Enter');
  await page.waitForURL(/\/login\/password\/otp/);
  await page.click('#factor-app');
  await page.fill('#otp', await freshTotp(secret));
  await page.press('#otp', 'Enter');
  await page.waitForURL(/\/my\/session$/);
  await checkPage(page, 'my-session', { h1: 'You are logged in' });
  const facts = await page.locator('.facts').textContent();
  assert.match(facts, /Sofie Claes/);
  assert.match(facts, /Level400/);

  // And with the token card (Level300): the page asks for one numbered code.
  await page.click('main form[action="/logout"] button');
  await page.waitForURL(`${BASE}/`);
  await page.goto(`${BASE}/login?next=/my/session`);
  await page.click('#key-password');
  await page.fill('#username', SOFIE.username);
  await page.fill('#password', SOFIE.password);
  await page.press('#password', 'Enter');
  await page.click('#factor-card');
  const position = await page.getAttribute('#card-position', 'data-position');
  await checkPage(page, 'password-factor-card');
  await page.fill('#otp', codes[position]);
  await page.press('#otp', 'Enter');
  await page.waitForURL(/\/my\/session$/);
  assert.match(await page.locator('.facts').textContent(), /Level300/);
  await context.close();
});
