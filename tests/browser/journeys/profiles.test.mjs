// The profile chooser reaching a relying party (README, "Choosing a profile, and the roles
// in tokens"): Bram Mertens, employee of IATREION and a user at the clinic's Campus
// Torhout (Heracles, lab technician), logs in to /demo-rp with the mock itsme and chooses,
// with the keyboard only, his site profile: the application receives that site's roles.
// The next login pre-selects it; /my/profiles shows the choice and forgets it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, newPage, checkPage, itsme, tabTo, demoRpClaims, writeReport,
} from '../lib/poort.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { writeReport(); await browser?.close(); });

const CHOOSER_H1 = 'In which capacity do you want to log in?';

/** The chooser's button for the Campus Torhout site profile. */
const torhout = (page) => page.locator('button[name=profile]', { hasText: 'Campus Torhout' });

/** Chooses `button` on the chooser with Tab and Enter only. */
async function chooseByKeyboard(page, button) {
  const value = await button.getAttribute('value');
  const selector = `button[name=profile][value="${value}"]`;
  const focused = await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector);
  if (!focused) await tabTo(page, selector, { max: 60 });
  await Promise.all([page.waitForURL(/\/demo-rp\/callback/), page.keyboard.press('Enter')]);
}

test('the profile chooser: a site profile reaches /demo-rp with its roles; /my/profiles', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(`${BASE}/demo-rp/login`);
  await page.waitForURL(/\/login\?tx=/);
  await itsme(page, /Bram Mertens/);
  await page.waitForURL(/\/profile\/choose/);
  await checkPage(page, 'profile-chooser-site', { h1: CHOOSER_H1 });
  const labels = (await page.locator('button[name=profile]').allTextContents()).join(' | ');
  assert.match(labels, /As a private person/);
  assert.match(labels, /IATREION/, 'his employer is a profile');
  assert.equal(await torhout(page).count(), 1, `the Campus Torhout site is a profile: ${labels}`);
  assert.match(await page.textContent('main'), /As a social-security professional or health-care actor at a site/);

  await chooseByKeyboard(page, torhout(page));
  await checkPage(page, 'demo-rp-site-profile', { h1: 'Demo application' });
  const { idToken, userinfo } = await demoRpClaims(page);
  assert.equal(idToken.acr, 'urn:be:fedict:iam:fas:Level450');
  assert.equal(userinfo.egovNRN, '86052707781');
  assert.equal(userinfo.enterprise_number, '0410561210');
  assert.deepEqual([...userinfo.roles].sort(), ['app:heracles', 'function:lab_technician']);
  const chosen = userinfo.chosen_profile;
  assert.equal(chosen.kind, 'site');
  assert.equal(chosen.site.name, 'Campus Torhout');
  assert.equal(chosen.quality.code, 'mammography_unit');
  assert.equal(chosen.enterprise.number, '0410561210');

  // The next login pre-selects the site: Enter alone chooses it.
  await page.goto(`${BASE}/demo-rp/login`);
  await page.waitForURL(/\/profile\/choose/);
  assert.equal(await torhout(page).getAttribute('aria-describedby'), 'profile-last');
  assert.equal(await page.textContent('#profile-last'), '(chosen last time)');
  await checkPage(page, 'profile-chooser-preselected', { h1: CHOOSER_H1 });
  await chooseByKeyboard(page, torhout(page));
  assert.deepEqual([...(await demoRpClaims(page)).userinfo.roles].sort(), ['app:heracles', 'function:lab_technician']);

  // My profiles: the choice for the demo application, then forgotten.
  await page.goto(`${BASE}/my/profiles`);
  await checkPage(page, 'my-profiles', { h1: 'My profiles per application' });
  const row = page.locator('main tbody tr', { hasText: 'poort-demo-rp' });
  assert.equal(await row.count(), 1, 'the demo application is listed');
  assert.match(await row.textContent(), /Campus Torhout/);
  await row.getByRole('button', { name: 'Forget' }).click();
  await page.waitForURL((u) => u.pathname === '/my/profiles');
  assert.equal(await page.locator('main tbody tr', { hasText: 'poort-demo-rp' }).count(), 0);
  await checkPage(page, 'my-profiles-forgotten', { h1: 'My profiles per application' });

  // Forgotten: nothing is pre-selected any more.
  await page.goto(`${BASE}/demo-rp/login`);
  await page.waitForURL(/\/profile\/choose/);
  assert.equal(await page.locator('#profile-last').count(), 0);
  await context.close();
});
