// My sessions (/my/sessions): the sessions of a person and the applications holding their
// data; ending a session elsewhere, revoking an application; logging out (the portal's
// form and the OpenID RP-initiated logout) removes the session cookie.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, newPage, checkPage, itsme, itsmePortalLogin, writeReport, cookies,
} from '../lib/poort.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { writeReport(); await browser?.close(); });

test('My sessions: two browsers, one ended from the other, an application revoked, logout', async () => {
  // Browser A logs in to the demo application with itsme (a grant for that application).
  const a = await newPage(browser);
  await a.page.goto(`${BASE}/demo-rp/login`);
  await a.page.waitForURL(/\/login\?tx=/);
  await itsme(a.page, /Marie Dubois/);
  await a.page.waitForURL(/\/profile\/choose/);
  await a.page.click('button[name=profile][value=citizen]');
  await a.page.waitForURL(/\/demo-rp\/callback/);
  await a.page.waitForSelector('#id-token');

  // (Other journeys may have left sessions of hers: count from here.)
  await a.page.goto(`${BASE}/my/sessions`);
  const before = await a.page.locator('main tbody tr').count();

  // Browser B: the same person, a session of its own.
  const b = await newPage(browser);
  await itsmePortalLogin(b.page, /Marie Dubois/, '/my/session');
  assert.ok((await cookies(b.context)).poort_session);

  await a.page.goto(`${BASE}/my/sessions`);
  await checkPage(a.page, 'my-sessions', { h1: 'My sessions' });
  const rows = a.page.locator('main tbody tr');
  assert.equal(await rows.count(), before + 1, "browser B's session is listed too");
  const current = rows.filter({ hasText: '(this browser)' });
  assert.equal(await current.count(), 1, 'the current session is marked');
  assert.equal(await a.page.locator('.client', { hasText: 'Poort demo relying party' }).count(), 1);

  // End B's session (the newest that is not this browser's; newest first) from A.
  await rows.filter({ hasNotText: '(this browser)' }).first().locator('button').click();
  await a.page.waitForURL(/\/my\/sessions/);
  assert.equal(await a.page.locator('main tbody tr').count(), before);
  await b.page.goto(`${BASE}/my/session`);
  await b.page.waitForURL(/\/login\?tx=/);
  await b.context.close();

  // Revoke the application.
  await a.page.locator('.client', { hasText: 'Poort demo relying party' }).locator('button').click();
  await a.page.waitForURL(/\/my\/sessions/);
  assert.equal(await a.page.locator('.client').count(), 0, 'no application holds data any more');
  await checkPage(a.page, 'my-sessions-revoked', { h1: 'My sessions' });

  // The portal's logout: the session cookie is gone and /my/session asks for a login.
  await a.page.goto(`${BASE}/my/session`);
  await checkPage(a.page, 'my-session', { h1: 'You are logged in' });
  await a.page.click('main form[action="/logout"] button');
  await a.page.waitForURL(`${BASE}/`);
  assert.equal((await cookies(a.context)).poort_session, undefined, 'the session cookie is removed');
  const me = await a.page.evaluate(async () => (await fetch('/api/v1/me')).status);
  assert.equal(me, 401);
  await a.page.goto(`${BASE}/my/session`);
  await a.page.waitForURL(/\/login\?tx=/);
  await a.context.close();
});

test('RP-initiated logout without id_token_hint: confirmed on a page, then logged out', async () => {
  const { context, page } = await newPage(browser);
  await itsmePortalLogin(page, /Sofie Claes/, '/my/session');
  assert.ok((await cookies(context)).poort_session);
  await page.goto(`${BASE}/logout`);
  await checkPage(page, 'logout-confirm', { h1: 'Log out' });
  await page.click('main form[action="/logout/confirm"] button');
  await page.waitForSelector('main a[href="/"]');
  await checkPage(page, 'logged-out', { h1: 'Log out' });
  assert.equal((await cookies(context)).poort_session, undefined, 'the session cookie is removed');
  const status = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  assert.equal(status, 401);
  await context.close();
});
