// The DEMO SAML service provider (README, "SAML identity provider"): Bram Mertens logs in
// to /demo-sp over the HTTP-Redirect binding with the mock itsme, chooses his employer's
// profile (the demo SP always asks), and the demo SP shows the assertion it verified: the persistent NameID,
// the level and the attributes with the enterprise and roles. A second login over the
// HTTP-POST binding is single sign-on and gets the same NameID; "Log out everywhere" ends
// the Poort session by single logout. Each page is checked with axe-core.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, checkPage, itsme, writeReport } from '../lib/poort.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { writeReport(); await browser?.close(); });

const H1 = 'Demo SAML application';

/** Answers the profile chooser (the demo SP always asks) with IATREION. */
async function chooseIatreion(page) {
  await page.waitForURL(/\/profile\/choose/);
  await checkPage(page, 'saml-profile-chooser', { h1: 'In which capacity do you want to log in?' });
  const iatreion = page.locator('button[name=profile]', { hasText: 'IATREION' }).first();
  await Promise.all([page.waitForURL(/\/demo-sp\/acs/), iatreion.click()]);
}

/** What the demo SP shows: attribute name → value. */
async function received(page) {
  const rows = await page.locator('#demo-sp-attributes tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  return Object.fromEntries(rows);
}

test('a SAML login at the demo SP over both bindings shows the verified assertion', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(`${BASE}/demo-sp`);
  await checkPage(page, 'demo-sp', { h1: H1 });

  await Promise.all([page.waitForURL(/\/login\?tx=/), page.click('#demo-sp-login-redirect')]);
  await itsme(page, /Bram Mertens/);
  await chooseIatreion(page);
  await checkPage(page, 'demo-sp-received', { h1: H1 });
  assert.equal(await page.locator('#demo-sp-error').count(), 0, await page.textContent('main'));
  const nameId = (await page.textContent('#demo-sp-name-id')).trim();
  assert.ok(nameId.length > 20, `a persistent NameID: ${nameId}`);
  assert.equal((await page.textContent('#demo-sp-class-ref')).trim(), 'urn:be:fedict:iam:fas:Level450');
  const attributes = await received(page);
  assert.equal(attributes.givenName, 'Bram');
  assert.equal(attributes.surname, 'Mertens');
  assert.equal(attributes.profileKind, 'enterprise', JSON.stringify(attributes));
  assert.equal(attributes.enterpriseNumber, '0474603083');
  assert.match(attributes.roles, /employment:employee/);

  // HTTP-POST: the session is reused (no login page); the same pairwise NameID.
  await page.goto(`${BASE}/demo-sp`);
  await page.click('#demo-sp-login-post');
  await chooseIatreion(page);
  assert.equal(await page.locator('#demo-sp-error').count(), 0, await page.textContent('main'));
  assert.equal((await page.textContent('#demo-sp-name-id')).trim(), nameId, 'persistent: the same NameID');

  // Single logout: the demo SP's signed LogoutRequest ends the Poort session, and Poort's
  // signed LogoutResponse comes back to the demo SP.
  await Promise.all([page.waitForURL(/\/demo-sp\/slo/), page.click('#demo-sp-logout button')]);
  await checkPage(page, 'demo-sp-logged-out', { h1: H1 });
  assert.equal((await page.textContent('#demo-sp-logout-status')).trim(), 'Success');
  await page.goto(`${BASE}/my/session`);
  await page.waitForURL(/\/login/);
  await context.close();
});
