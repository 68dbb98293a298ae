// Social-security access management (README, "Social-security access management"): Emma
// Wouters, access manager Gezondheidszorg of the clinic (KLINIEK EN MATERNITEIT ST
// REMBERTUS, 0410.561.210) and local admin of its mammography unit, activates a quality,
// then in the mammography unit creates a subdivision, a site in it, and gives Bram Mertens
// Heracles and a function there; the user page explains why Heracles works.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, newPage, checkPage, docScreenshot, itsmePortalLogin, writeReport,
} from '../lib/poort.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { writeReport(); await browser?.close(); });

const CLINIC = '0410561210';
const ENTERPRISE = `/access/enterprises/${CLINIC}`;
const MAMMO = `${ENTERPRISE}/qualities/mammography_unit`;

test('activating a quality, then a subdivision, a site and a user with functions', async () => {
  const { context, page } = await newPage(browser);
  await itsmePortalLogin(page, /Emma Wouters/, ENTERPRISE);
  await checkPage(page, 'ss-enterprise', { h1: 'Social-security access management: 0410.561.210' });
  assert.match(await page.textContent('main'), /Mammography unit for cancer screening/);

  // A quality: Institution linked to health care, managed by Emma herself.
  await page.selectOption('#quality', 'health_care_institution');
  await page.fill('#identifier', '0410.561.210');
  await page.fill('#quality-email', 'toegang@rembertus.example');
  await page.check('#activate input[name=admin_applications][value=ehealthbox]');
  await page.click('#activate button[type=submit]');
  await page.waitForURL((u) => u.pathname === `${ENTERPRISE}/qualities/health_care_institution`);
  await checkPage(page, 'ss-quality-activated', { h1: 'Institution linked to health care' });
  assert.match(await page.textContent('main dl.facts'), /toegang@rembertus\.example/);
  assert.match(await page.textContent('#tree'), /Emma Wouters/, 'Emma is its local admin');
  await page.goto(`${BASE}${ENTERPRISE}`);
  assert.match(await page.textContent('main'), /Institution linked to health care \(toegang@rembertus\.example\)/);

  // The mammography unit: a subdivision, managed by Emma, with Heracles and eHealthBox.
  await page.goto(`${BASE}${MAMMO}`);
  await checkPage(page, 'ss-quality', { h1: 'Mammography unit for cancer screening' });
  await docScreenshot(page, 'ss-quality');
  const addSub = page.locator('form[action$="/subdivisions"]');
  await addSub.locator('#sd-identifier').fill('12818');
  await addSub.locator('#sd-name').fill('Mammografische eenheid Oostende');
  await addSub.locator('#sd-email').fill('mammo.oostende@rembertus.example');
  await addSub.getByLabel('Heracles').check();
  await addSub.getByLabel('eHealthBox').check();
  await addSub.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForURL((u) => u.pathname === MAMMO);
  const sub = page.locator('#tree article.card', { hasText: 'Mammografische eenheid Oostende' });
  assert.equal(await sub.count(), 1, 'the subdivision is in the tree');
  assert.match(await sub.locator('h3').textContent(), /Subdivision: Mammografische eenheid Oostende \(12818\)/);
  assert.match(await sub.locator('p').first().textContent(), /Secured applications: ehealthbox, heracles/);
  assert.match(await sub.locator('p').first().textContent(), /Emma Wouters/);

  // A site in it, with Heracles.
  const addSite = sub.locator('form[action$="/sites"]');
  await addSite.getByLabel('Identifier (HCO number, RSZ number)').fill('12819');
  await addSite.getByLabel('Name', { exact: true }).fill('Campus Oostende');
  await addSite.getByLabel('Heracles').check();
  await addSite.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForURL((u) => u.pathname === MAMMO);
  const site = page.locator('#tree section[id^="site-"]', { hasText: 'Campus Oostende' });
  assert.equal(await site.count(), 1, 'the site is in the tree');
  assert.match(await site.locator('h4').textContent(), /Site: Campus Oostende \(12819\)/);

  // A user at the site: Bram Mertens, Heracles, lab technician and administrative staff.
  const addUser = site.locator('form[action$="/users"]');
  await addUser.getByLabel(/Add a user/).fill('86.05.27-077.81');
  await addUser.getByLabel('Heracles').check();
  await addUser.getByLabel('Lab technician').check();
  await addUser.getByLabel('Administrative staff').check();
  await addUser.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForURL((u) => u.pathname === MAMMO);
  const user = page.locator('#tree section[id^="site-"]', { hasText: 'Campus Oostende' }).locator('li', { hasText: 'Bram Mertens' });
  assert.equal(await user.count(), 1, 'Bram is a user of the site');
  const line = await user.textContent();
  assert.match(line, /: heracles · /, 'Heracles works for him there');
  assert.match(line, /lab_technician/);
  assert.match(line, /administrative_staff/);
  await checkPage(page, 'ss-quality-after', { h1: 'Mammography unit for cancer screening' });

  // The users list finds him by national number; his page explains why Heracles works.
  await page.fill('#users input[name=national_number]', '86052707781');
  await page.click('#users form[method=get] button');
  await page.waitForURL(/national_number=86052707781/);
  assert.ok((await page.locator('#users tbody tr', { hasText: 'Mertens' }).count()) >= 2, 'both his grants are listed');
  await user.locator('a').click();
  await page.waitForURL(new RegExp(`${MAMMO}/users/`));
  await checkPage(page, 'ss-user', { h1: 'Bram Mertens' });
  const facts = await page.textContent('main dl.facts');
  assert.match(facts, /lab_technician/);
  assert.match(facts, /heracles/);
  const heracles = page.locator('main tbody tr', { hasText: 'Heracles' });
  assert.match(await heracles.locator('td').nth(1).textContent(), /Yes/);
  await context.close();
});
