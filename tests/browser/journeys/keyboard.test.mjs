// Keyboard only: the password + app-code login and the chooser with Tab, typing and Enter
// (no mouse event, no click()), every element reached showing a visible focus indicator.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, JAN, launch, newPage, tabTo, freshTotp, demoRpClaims, checkPage, writeReport,
} from '../lib/poort.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { writeReport(); await browser?.close(); });

async function focused(page) {
  return page.evaluate(() => document.activeElement?.id || document.activeElement?.className || document.activeElement?.tagName);
}

test('keyboard only: password + app code, then the chooser, to /demo-rp', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(`${BASE}/demo-rp`);

  // The first Tab reaches the skip link, visibly; Enter moves the focus to the content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), '#main');
  const box = await page.locator('a.skip').boundingBox();
  assert.ok(box && box.x >= 0 && box.y >= 0 && box.width > 0, 'the skip link is on screen when focused');
  await page.keyboard.press('Enter');
  await tabTo(page, '#demo-login');
  await Promise.all([page.waitForURL(/\/login\?tx=/), page.keyboard.press('Enter')]);

  await tabTo(page, '#key-password');
  await Promise.all([page.waitForURL(/\/login\/password\?/), page.keyboard.press('Enter')]);

  await tabTo(page, '#username');
  await page.keyboard.type(JAN.username);
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'password', 'Tab goes from the username to the password');
  await page.keyboard.type(JAN.password);
  await Promise.all([page.waitForURL(/\/login\/password\/otp/), page.keyboard.press('Enter')]);

  await tabTo(page, '#factor-app');
  await Promise.all([page.waitForURL(/factor=app/), page.keyboard.press('Enter')]);
  await tabTo(page, '#otp');
  await page.keyboard.type(await freshTotp(JAN.totpSecret));
  await Promise.all([page.waitForURL(/\/profile\/choose/), page.keyboard.press('Enter')]);

  // The chooser: Tab to the enterprise and press Enter.
  const iatreion = await page.locator('button[name=profile]', { hasText: 'IATREION' }).getAttribute('value');
  await tabTo(page, `button[name=profile][value="${iatreion}"]`);
  await Promise.all([page.waitForURL(/\/demo-rp\/callback/), page.keyboard.press('Enter')]);

  const { idToken, userinfo } = await demoRpClaims(page);
  assert.equal(idToken.acr, 'urn:be:fedict:iam:fas:Level400');
  assert.equal(userinfo.egovNRN, JAN.nationalNumber);
  assert.equal(userinfo.enterprise_number, '0474603083');
  await context.close();
});

test('keyboard only: the header (language switch, My session) is reachable and visibly focused', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(`${BASE}/`);
  await checkPage(page, 'home', { h1: 'Log in to e-government securely', lang: 'en' });
  await tabTo(page, '.langs a[hreflang=fr]');
  await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.keyboard.press('Enter')]);
  await page.waitForFunction(() => document.documentElement.lang === 'fr');
  await tabTo(page, '.topbar-login');
  await Promise.all([page.waitForURL(/\/login\?tx=/), page.keyboard.press('Enter')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  await context.close();
});
