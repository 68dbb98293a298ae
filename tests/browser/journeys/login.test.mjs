// Logging in to an application (/demo-rp, Poort's demo relying party): with the password
// and an app code, with the mock itsme, a refused password, and a language switch in the
// middle of a login. /demo-rp shows what the application received; the tests read it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, JAN, launch, freshTotp, newPage, checkPage, docScreenshot, passwordAndApp, itsme, demoRpClaims, writeReport, pathOf,
} from '../lib/poort.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { writeReport(); await browser?.close(); });

test('password + app code: /demo-rp receives Jan Peeters at Level400', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(`${BASE}/demo-rp`);
  await checkPage(page, 'demo-rp', { h1: 'Demo application', lang: 'en' });
  await page.click('#demo-login');
  await page.waitForURL(/\/login\?tx=/);
  await checkPage(page, 'login', { h1: 'Choose your digital key', lang: 'en' });
  await docScreenshot(page, 'login');
  for (const key of ['#key-eid', '#key-itsme', '#key-password', '#key-passkey', '#key-eidas']) {
    assert.equal(await page.locator(key).count(), 1, `the login page offers ${key}`);
  }

  await passwordAndApp(page, JAN, { check: true });

  // prompt=select_account (the demo RP asks for it): the chooser.
  await page.waitForURL(/\/profile\/choose/);
  await checkPage(page, 'chooser', { h1: 'In which capacity do you want to log in?' });
  await docScreenshot(page, 'chooser');
  assert.equal(await page.locator('button[name=profile][value=citizen]').textContent(), 'As a private person');
  assert.match(await page.locator('button[name=profile]').allTextContents().then((t) => t.join('|')), /IATREION/);
  await page.click('button[name=profile][value=citizen]');

  await page.waitForURL(/\/demo-rp\/callback/);
  await checkPage(page, 'demo-rp-received', { h1: 'Demo application' });
  const { idToken, userinfo } = await demoRpClaims(page);
  assert.equal(idToken.acr, 'urn:be:fedict:iam:fas:Level400');
  assert.deepEqual([...idToken.amr].sort(), ['mfa', 'otp', 'pwd']);
  assert.equal(idToken.aud, 'poort-demo-rp');
  assert.equal(idToken.iss, BASE);
  assert.equal(userinfo.given_name, 'Jan');
  assert.equal(userinfo.family_name, 'Peeters');
  assert.equal(userinfo.egovNRN, JAN.nationalNumber);
  assert.equal(userinfo.enterprise_number, undefined, 'as a private person: no enterprise');
  await context.close();
});

test('mock itsme: /demo-rp receives Marie Dubois at Level450 for the clinic', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(`${BASE}/demo-rp/login`);
  await page.waitForURL(/\/login\?tx=/);
  await itsme(page, /Marie Dubois/, { check: true });
  await page.waitForURL(/\/profile\/choose/);
  const clinic = page.locator('button[name=profile]', { hasText: 'REMBERTUS' });
  assert.equal(await clinic.count(), 1, 'the clinic is one of her profiles');
  await clinic.click();
  await page.waitForURL(/\/demo-rp\/callback/);
  const { idToken, userinfo } = await demoRpClaims(page);
  assert.equal(idToken.acr, 'urn:be:fedict:iam:fas:Level450');
  assert.ok(idToken.amr.includes('mfa') && idToken.amr.includes('app'), JSON.stringify(idToken.amr));
  assert.equal(userinfo.given_name, 'Marie');
  assert.equal(userinfo.family_name, 'Dubois');
  assert.equal(userinfo.egovNRN, '65062108414');
  assert.equal(userinfo.enterprise_number, '0410561210');
  assert.ok(Array.isArray(userinfo.roles) && userinfo.roles.length > 0, JSON.stringify(userinfo.roles));
  // The page lists the roles the application received.
  assert.ok((await page.locator('main ul li').count()) > 0);
  await context.close();
});

test('a wrong password is announced next to the fields', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(`${BASE}/login?next=/my/session`);
  await page.click('#key-password');
  await page.waitForURL(/\/login\/password\?/);
  await page.fill('#username', JAN.username);
  await page.fill('#password', 'Not-the-password-1');
  await page.press('#password', 'Enter');
  await page.waitForSelector('#login-error');
  const s = await checkPage(page, 'password-login-error');
  const ids = s.invalid.map((f) => f.field).sort();
  assert.deepEqual(ids, ['password', 'username'], 'both fields are marked invalid');
  const describedBy = await page.getAttribute('#password', 'aria-describedby');
  assert.ok(describedBy?.split(' ').includes('login-error'));
  assert.equal(await page.getAttribute('#login-error', 'role'), 'alert');
  assert.equal(await page.inputValue('#username'), JAN.username, 'the username is kept');
  await context.close();
});

test('switching language in the middle of a login keeps the login', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(`${BASE}/demo-rp/login`);
  await page.waitForURL(/\/login\?tx=/);
  const loginPath = pathOf(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');

  // The switch is a link in the header (a <nav> named "Language").
  await page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: 'FR' }).click();
  await page.waitForURL((u) => u.pathname + u.search === loginPath);
  await checkPage(page, 'login-fr', { lang: 'fr' });
  assert.match(await page.locator('.langs [aria-current]').textContent(), /^FR\b/);

  await page.click('#key-password');
  await page.waitForURL(/\/login\/password\?/);
  await checkPage(page, 'password-login-fr', { lang: 'fr' });
  await page.getByRole('navigation', { name: 'Langue' }).getByRole('link', { name: 'NL' }).click();
  await page.waitForURL(/\/login\/password\?/);
  await checkPage(page, 'password-login-nl', { lang: 'nl' });
  await page.fill('#username', JAN.username);
  await page.fill('#password', JAN.password);
  await page.press('#password', 'Enter');
  await page.waitForURL(/\/login\/password\/otp/);
  if (await page.locator('#factor-app').count()) await page.click('#factor-app');
  await page.waitForSelector('#otp');
  await page.fill('#otp', await freshTotp(JAN.totpSecret));
  await page.press('#otp', 'Enter');
  await page.waitForURL(/\/profile\/choose/);
  await checkPage(page, 'chooser-nl', { lang: 'nl' });
  await page.getByRole('navigation', { name: 'Taal' }).getByRole('link', { name: 'DE' }).click();
  await page.waitForURL(/\/profile\/choose/);
  assert.equal(await page.getAttribute('html', 'lang'), 'de');
  await page.click('button[name=profile][value=citizen]');
  await page.waitForURL(/\/demo-rp\/callback/);
  await checkPage(page, 'demo-rp-received-de', { lang: 'de' });
  const { userinfo } = await demoRpClaims(page);
  assert.equal(userinfo.egovNRN, JAN.nationalNumber);
  // The choice is remembered in a cookie for the next visit.
  const lang = (await context.cookies(BASE)).find((c) => c.name === 'poort_lang');
  assert.equal(lang?.value, 'de');
  await context.close();
});
