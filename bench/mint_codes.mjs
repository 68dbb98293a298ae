// Mints authorization codes for the code-exchange benchmark, the way a browser gets them:
// one login with the demo test login, then repeated authorization requests in the same
// browser session (no new login: the session already has the level). Writes one code per
// line. All codes share one PKCE verifier (a benchmark, not a relying party).
//
//   node bench/mint_codes.mjs ISSUER CLIENT_ID COUNT OUT_FILE VERIFIER REDIRECT_URI

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Browser, forms, hiddenInput } from '../tests/interop/browser.mjs';

const [issuer, clientId, countText, out, verifier, redirectUri] = process.argv.slice(2);
const count = Number(countText);
const challenge = createHash('sha256').update(verifier).digest('base64url');
const browser = new Browser();

function authorizationUrl(i) {
  const url = new URL('/authorize', issuer);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid profile',
    state: `s${i}`,
    nonce: `n${i}`,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return url;
}

// Follows one authorization request to the callback, logging in (or choosing the first
// option of any page) when Poort asks.
async function code(i) {
  let step = await browser.follow(authorizationUrl(i), redirectUri);
  for (let pages = 0; pages < 6 && !step.redirect; pages++) {
    const { url, html } = step;
    const tx = url.searchParams.get('tx') ?? hiddenInput(html, 'tx');
    if (url.pathname === '/login' && tx) {
      step = await browser.follow(new URL('/demo/test-login', issuer), redirectUri, {
        method: 'POST',
        form: { csrf: hiddenInput(html, 'csrf'), tx, national_number: '78.03.14-123.49', level: '500' },
      });
      continue;
    }
    const form = forms(html).find((f) => f.method === 'post' && f.action.startsWith('/authorize'));
    if (!form) throw new Error(`no way forward from ${url.pathname} (${step.response.status})`);
    const fields = { ...form.fields };
    if (form.buttons[0]) fields[form.buttons[0].name] = form.buttons[0].value;
    step = await browser.follow(new URL(form.action || url.pathname, url), redirectUri, { method: 'POST', form: fields });
  }
  const c = step.redirect?.searchParams.get('code');
  if (!c) throw new Error('no code in the callback');
  return c;
}

const codes = [await code(0)]; // logs in once
const started = Date.now();
let next = 1;
async function worker() {
  while (next < count) {
    const i = next++;
    codes.push(await code(i));
  }
}
await Promise.all(Array.from({ length: 4 }, worker));
writeFileSync(out, codes.join('\n') + '\n');
console.log(`minted ${codes.length} codes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
