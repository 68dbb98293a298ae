// BTB, the management of access managers (README, "BTB"): the standard procedure of a
// legal representative (Jan Peeters designates Sofie Claes head access manager of
// IATREION BV), the head access manager appointing an access manager (Sofie appoints Bram
// Mertens), and the exception procedure (Lukas Schmitz files a request for Vereniging Hoge
// Venen, whose only representative has no eID; the PDF; Nathalie Lefèvre of the contact
// centre, granted by run.sh, uploads it signed and approves it in the back office).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  BASE, JAN, OUTPUT, launch, newPage, checkPage, docScreenshot, passwordAndApp, itsmePortalLogin, writeReport,
} from '../lib/poort.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { writeReport(); await browser?.close(); });

const IATREION = '0474603083';
const HOGE_VENEN = '0798123423';
const BACKOFFICE_TITLE = 'Back office: exception requests';

/** The ids of the invalid fields and the texts describing them (after checkPage). */
async function invalidFields(page) {
  return page.evaluate(() => [...document.querySelectorAll('[aria-invalid="true"]')].map((el) => ({
    id: el.id,
    text: (el.getAttribute('aria-describedby') || '').split(/\s+/).map((id) => document.getElementById(id)?.textContent.trim() || '').join(' '),
  })));
}

test('standard procedure: Jan Peeters designates Sofie Claes head access manager of IATREION', async () => {
  const { context, page } = await newPage(browser);
  await page.goto(`${BASE}/btb`);
  await checkPage(page, 'btb-landing', { h1: 'Management of access managers' });

  await page.goto(`${BASE}/login?next=${encodeURIComponent('/my/entities')}`);
  await passwordAndApp(page, JAN);
  await page.waitForURL((u) => u.pathname === '/my/entities');
  await checkPage(page, 'btb-entities', { h1: 'Your entities' });
  const iatreion = page.locator('article.card', { hasText: 'IATREION' });
  assert.equal(await iatreion.count(), 1, 'Jan holds a role in IATREION');
  await iatreion.getByRole('link', { name: 'Register this enterprise' }).click();
  await page.waitForURL((u) => u.pathname === '/btb/designate');
  await checkPage(page, 'btb-designate-start', { h1: 'Designate a head access manager' });
  assert.equal(await page.inputValue('#enterprise'), IATREION, 'the enterprise number is filled in');
  await page.press('#enterprise', 'Enter');
  await page.waitForURL((u) => u.pathname === `/btb/designate/${IATREION}`);
  await checkPage(page, 'btb-designate-form', { h1: 'Registration of the enterprise' });

  // Another person, with a national number that is nobody's: refused, next to the field.
  await page.fill('#enterprise_email', 'directie@iatreion.example');
  await page.check('input[name=head][value=other]');
  await page.fill('#head_national_number', '99.12.31-997.42');
  await page.fill('#head_email', 'sofie.claes@iatreion.example');
  await page.fill('#head_phone', '+32 50 12 34 56');
  await page.fill('#requester_email', 'jan.peeters@iatreion.example');
  await page.fill('#requester_phone', '+32 50 12 34 57');
  await page.click('main button[type=submit]');
  await page.waitForSelector('[role=alert]');
  await checkPage(page, 'btb-designate-error', { h1: 'Registration of the enterprise' });
  const invalid = await invalidFields(page);
  assert.deepEqual(invalid.map((f) => f.id), ['head_national_number'], 'the national number is marked invalid');
  assert.match(invalid[0].text, /not known to the National Register/);

  await page.fill('#head_national_number', '90.11.02-246.12');
  await page.click('main button[type=submit]');
  await page.waitForSelector('input[name=terms]');
  await checkPage(page, 'btb-designate-confirm', { h1: 'Registration of the enterprise – confirmation' });
  assert.match(await page.textContent('main'), /Sofie Claes/);

  // Confirm without ticking the terms: refused, the checkbox described by the error.
  await page.click('button[name=step][value=confirm]');
  await page.waitForSelector('#terms-error');
  await checkPage(page, 'btb-designate-terms');
  assert.match(await page.textContent('#terms-error'), /Yes, I confirm/);
  await page.getByLabel('Yes, I confirm').check();
  await page.click('button[name=step][value=confirm]');
  await page.waitForSelector('.panel-ok');
  await checkPage(page, 'btb-designated', { h1: 'Head access manager designated!' });
  const done = await page.textContent('main');
  assert.match(done, /Your enterprise, IATREION, is now activated/);
  assert.match(done, /You designated Sofie Claes as head access manager/);
  assert.match(done, /sofie\.claes@iatreion\.example/);

  // The mails, in the demo outbox: to Sofie in her language (Dutch), to Jan in the page's.
  await page.goto(`${BASE}/demo/outbox`);
  const outbox = await page.textContent('main');
  assert.match(outbox, /sofie\.claes@iatreion\.example\s*Subject\s*U bent Hoofdtoegangsbeheerder van IATREION/);
  assert.match(outbox, /jan\.peeters@iatreion\.example\s*Subject\s*Head access manager of IATREION designated/);
  await context.close();
});

test('the head access manager appoints an access manager for a domain', async () => {
  const { context, page } = await newPage(browser);
  await itsmePortalLogin(page, /Sofie Claes/, `/btb/enterprises/${IATREION}`);
  await checkPage(page, 'btb-enterprise', { h1: /IATREION/ });
  assert.match(await page.textContent('#heads'), /Head access manager\s*Sofie Claes/, 'Sofie is its head access manager');
  const domain = page.locator('#domains article.card').first();
  const domainName = (await domain.locator('h3').textContent()).trim();
  const field = domain.locator('input[id^="am-"]');
  const fieldId = await field.getAttribute('id');

  // A number that is not one: the error next to the field of this domain.
  await field.fill('12345');
  await domain.getByRole('button', { name: 'Show the person' }).click();
  await page.waitForSelector('[role=alert]');
  await checkPage(page, 'btb-enterprise-error', { h1: /IATREION/ });
  const invalid = await invalidFields(page);
  assert.deepEqual(invalid.map((f) => f.id), [fieldId], 'the access-manager field of the domain is marked invalid');
  assert.match(invalid[0].text, /not a valid national register or BIS number/);

  await page.fill(`#${fieldId}`, '86.05.27-077.81');
  await page.locator(`#${fieldId}`).press('Enter');
  await page.waitForSelector('main dl.facts');
  await checkPage(page, 'btb-add-access-manager', { h1: 'Add an access manager' });
  assert.match(await page.textContent('main dl.facts'), /Bram Mertens/);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForURL((u) => u.pathname === `/btb/enterprises/${IATREION}`);
  const card = page.locator('#domains article.card', { has: page.locator('h3', { hasText: domainName }) });
  assert.match(await card.textContent(), /Bram Mertens \(86\.05\.27-077\.81\)/);
  assert.match(await page.textContent('#audit'), /Access manager added/);
  await checkPage(page, 'btb-enterprise-after', { h1: /IATREION/ });
  await page.goto(`${BASE}/btb/enterprises/${IATREION}`); // the top of the page, not the domain's anchor
  await docScreenshot(page, 'btb-enterprise');
  await context.close();
});

test('exception procedure: a request, its PDF, and its approval in the back office', async () => {
  // Lukas Schmitz, employee of Vereniging Hoge Venen, files the request.
  const lukas = await newPage(browser);
  let page = lukas.page;
  await itsmePortalLogin(page, /Lukas Schmitz/, '/btb/exception');
  await checkPage(page, 'btb-exception-form', { h1: 'Designate a head access manager – exception procedure' });
  await page.fill('#rep_national_number', '75.10.30-059.07');
  await page.fill('#rep_first_name', 'Thomas');
  await page.fill('#rep_last_name', 'Lambert');
  await page.fill('#enterprise', '0798.123.423');
  await page.fill('#enterprise_email', 'bestuur@hogevenen.example');
  await page.check('input[name=head][value=self]');
  await page.fill('#head_email', 'lukas.schmitz@hogevenen.example');
  await page.fill('#head_phone', '+32 80 44 55 66');
  await page.click('main button[type=submit]');
  await page.waitForSelector('input[name=terms]');
  await checkPage(page, 'btb-exception-confirm', { h1: 'Registration of the enterprise – confirmation' });
  assert.match(await page.textContent('main'), /Lukas Schmitz/);
  await page.getByLabel('Yes, I confirm').check();
  await page.click('button[name=step][value=confirm]');
  await page.waitForSelector('.panel-ok');
  await checkPage(page, 'btb-exception-filed', { h1: 'Finalising the request' });
  const href = await page.locator('main a[href$="/document.pdf"]').getAttribute('href');
  const ticket = href.match(/^\/btb\/exception\/([^/]+)\/document\.pdf$/)[1];
  assert.match(await page.textContent('main'), new RegExp(ticket));

  // The request document: a PDF naming the enterprise's ticket.
  const pdf = await lukas.context.request.get(`${BASE}${href}`);
  assert.equal(pdf.status(), 200);
  assert.match(pdf.headers()['content-type'], /^application\/pdf/);
  const bytes = await pdf.body();
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(bytes.length > 500, 'the PDF has content');
  const signed = path.join(OUTPUT, `${ticket}-signed.pdf`);
  writeFileSync(signed, bytes);

  // Nathalie Lefèvre, contact centre: the queue, the request, a wrong file, the signed PDF.
  const nathalie = await newPage(browser);
  page = nathalie.page;
  await itsmePortalLogin(page, /Nathalie Lef/, '/backoffice');
  await checkPage(page, 'backoffice-queue', { h1: BACKOFFICE_TITLE });
  const row = page.locator('main tbody tr', { hasText: ticket });
  assert.equal(await row.count(), 1, 'the request is in the queue');
  assert.match(await row.textContent(), new RegExp(HOGE_VENEN));
  await docScreenshot(page, 'backoffice');
  await row.getByRole('link', { name: ticket }).click();
  await page.waitForURL((u) => u.pathname === `/backoffice/requests/${ticket}`);
  await checkPage(page, 'backoffice-request', { h1: new RegExp(ticket) });
  assert.match(await page.textContent('main dl.facts'), /Thomas Lambert/);

  // Approving before the signed document is there: refused.
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForSelector('[role=alert]');
  assert.match(await page.textContent('[role=alert]'), /Upload the signed request document first/);
  await checkPage(page, 'backoffice-request-error', { h1: new RegExp(ticket) });

  // A file that is not a PDF: refused next to the file field.
  const notPdf = path.join(OUTPUT, 'not-a-pdf.pdf');
  writeFileSync(notPdf, 'hello');
  await page.setInputFiles('#document', notPdf);
  await page.getByRole('button', { name: /Upload/ }).click();
  await page.waitForSelector('[role=alert]');
  await checkPage(page, 'backoffice-request-not-pdf', { h1: new RegExp(ticket) });
  const invalid = await invalidFields(page);
  assert.deepEqual(invalid.map((f) => f.id), ['document'], 'the file field is marked invalid');
  assert.match(invalid[0].text, /must be a PDF/);

  await page.setInputFiles('#document', signed);
  await page.getByRole('button', { name: /Upload/ }).click();
  await page.waitForSelector('main a[href$="/signed.pdf"]');
  const back = await nathalie.context.request.get(`${BASE}/backoffice/requests/${ticket}/signed.pdf`);
  assert.equal(back.status(), 200);
  assert.equal(Buffer.compare(await back.body(), bytes), 0, 'the signed document is stored as uploaded');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForSelector('main .notice[role=status]');
  assert.match(await page.textContent('main .notice[role=status]'), /Approved: the head access manager is designated/);
  assert.match(await page.textContent('main dl.facts'), /approved/);
  await checkPage(page, 'backoffice-approved', { h1: new RegExp(ticket) });
  await nathalie.context.close();

  // Lukas is now the head access manager of Vereniging Hoge Venen.
  page = lukas.page;
  await page.goto(`${BASE}/btb/enterprises/${HOGE_VENEN}`);
  await checkPage(page, 'btb-enterprise-exception', { h1: /Hoge Venen/i });
  assert.match(await page.textContent('#heads'), /Head access manager\s*Lukas Schmitz/);
  await lukas.context.close();
});
