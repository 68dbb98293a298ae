// A passkey with Chromium's virtual authenticator (DevTools protocol, WebAuthn domain):
// registered in My digital keys after an itsme login, then used to log in. Poort runs on
// http://localhost (a secure context whose host name can be a relying party id).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, newPage, checkPage, itsmePortalLogin, writeReport, cookies,
} from '../lib/poort.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { writeReport(); await browser?.close(); });

/** A platform authenticator with user verification that answers without a person. */
async function virtualAuthenticator(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

test('passkey: registered in My digital keys, then a login at Level400 without a username', async () => {
  const { context, page } = await newPage(browser);
  assert.equal(new URL(BASE).hostname, 'localhost');
  const { cdp, authenticatorId } = await virtualAuthenticator(page);

  await itsmePortalLogin(page, /Jan Peeters/, '/my/keys');
  assert.equal(await page.locator('#passkeys-none').count(), 1, 'no passkey yet');
  // The script shows the name field and the button (they are hidden without JavaScript).
  await page.waitForSelector('#passkey-add-button:not([hidden])');
  await checkPage(page, 'my-keys-passkeys', { h1: 'My digital keys' });
  await page.fill('#passkey-name', 'Test laptop');
  await page.click('#passkey-add-button');
  await page.waitForSelector('tr.passkey');
  assert.match(await page.locator('tr.passkey').first().textContent(), /Test laptop/);
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].isResidentCredential, true, 'a discoverable credential');
  assert.equal(credentials[0].rpId, 'localhost');

  // Log out, then log in with the passkey alone.
  await page.goto(`${BASE}/my/session`);
  await page.click('main form[action="/logout"] button');
  await page.waitForURL(`${BASE}/`);
  assert.equal((await cookies(context)).poort_session, undefined);
  await page.goto(`${BASE}/login?next=/my/session`);
  await page.click('#key-passkey');
  await page.waitForURL(/\/login\/passkey\?/);
  await checkPage(page, 'passkey-login', { h1: 'Passkey' });
  await page.click('#passkey-login-button');
  await page.waitForURL(/\/my\/session$/);
  await checkPage(page, 'my-session-passkey', { h1: 'You are logged in' });
  const facts = await page.locator('.facts').textContent();
  assert.match(facts, /Jan Peeters/);
  assert.match(facts, /Level400/);
  assert.match(facts, /passkey/i);
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
  assert.deepEqual([...me.amr].sort(), ['mfa', 'swk']);
  const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.ok(after.credentials[0].signCount >= 1, 'the authenticator signed');
  await context.close();
});
