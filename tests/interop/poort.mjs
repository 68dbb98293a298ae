// Shared set-up of the interop tests: where Poort is, the clients run.sh configured, and
// a login played by the test browser.

import * as oidc from 'openid-client';
import { Browser, forms, hiddenInput } from './browser.mjs';

export const ISSUER = process.env.POORT_ISSUER;
if (!ISSUER) throw new Error('POORT_ISSUER is not set: run the tests with tests/interop/run.sh');

// Declared in the configuration that run.sh writes (see run.sh).
export const REDIRECT_URI = 'http://127.0.0.1:9000/callback';
export const CLIENTS = {
  es256: { id: 'interop-es256', secret: 'interop-es256-secret', alg: 'ES256', auth: 'basic' },
  rs256: { id: 'interop-rs256', secret: 'interop-rs256-secret', alg: 'RS256', auth: 'post' },
};
// Jan Peeters at the highest level (a fictitious person of the demo register).
export const PERSON = { nationalNumber: '78.03.14-123.49', level: 500 };


/** A library configuration from discovery, for client `c` (or any id/secret). */
export async function configure(c, { verifySignatures = true } = {}) {
  const auth = c.auth === 'post' ? oidc.ClientSecretPost(c.secret) : oidc.ClientSecretBasic(c.secret);
  const metadata = { client_secret: c.secret, redirect_uris: [REDIRECT_URI] };
  if (c.alg) metadata.id_token_signed_response_alg = c.alg;
  const config = await oidc.discovery(new URL(ISSUER), c.id, metadata, auth, {
    execute: [oidc.allowInsecureRequests],
  });
  // The library then verifies every id_token's signature against the issuer's JWKS.
  if (verifySignatures) oidc.enableNonRepudiationChecks(config);
  return config;
}

/** Authorization request parameters with fresh PKCE, state and nonce. */
export async function authorizationRequest(config, extra = {}) {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const params = {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    ...extra,
  };
  return { url: oidc.buildAuthorizationUrl(config, params), codeVerifier, state: params.state, nonce: params.nonce };
}

/**
 * Plays the browser from the authorization URL to the relying party's callback: Poort's
 * login page, the demo test login, and any page that follows (profile choice, consent:
 * the first option is taken). Returns the callback URL.
 */
export async function login(authorizationUrl, { browser = new Browser(), person = PERSON } = {}) {
  let step = await browser.follow(authorizationUrl, REDIRECT_URI);
  for (let pages = 0; pages < 6 && !step.redirect; pages++) {
    const { response, url, html } = step;
    if (response.status !== 200) {
      throw new Error(`Poort answered ${response.status} at ${url.pathname}: ${html.slice(0, 300)}`);
    }
    const tx = url.searchParams.get('tx') ?? hiddenInput(html, 'tx');
    if (url.pathname === '/login' && tx) {
      step = await browser.follow(new URL('/demo/test-login', ISSUER), REDIRECT_URI, {
        method: 'POST',
        form: {
          csrf: hiddenInput(html, 'csrf'),
          tx,
          national_number: person.nationalNumber,
          level: String(person.level),
        },
      });
      continue;
    }
    // Another page (profile choice, consent): submit its first POST form with its first
    // choice, as a person clicking the first button would.
    const form = forms(html).find((f) => f.method === 'post' && f.action.startsWith('/authorize'));
    if (!form) throw new Error(`no way forward from ${url.pathname}: ${html.slice(0, 300)}`);
    const fields = { ...form.fields };
    if (form.buttons[0]) fields[form.buttons[0].name] = form.buttons[0].value;
    step = await browser.follow(new URL(form.action || url.pathname, url), REDIRECT_URI, { method: 'POST', form: fields });
  }
  if (!step.redirect) throw new Error(`the login did not come back to ${REDIRECT_URI}`);
  return step.redirect;
}

/** A full login and code exchange; returns everything the tests look at. */
export async function loginAndExchange(config, options = {}) {
  const request = await authorizationRequest(config);
  const callback = await login(request.url, options);
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.codeVerifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
  });
  return { request, callback, tokens };
}

/** The OAuth error code of a library exception (body `error`, or a WWW-Authenticate challenge). */
export function oauthErrorCode(e) {
  if (typeof e?.error === 'string') return e.error;
  const challenge = Array.isArray(e?.cause) ? e.cause.find((c) => c?.parameters?.error) : undefined;
  if (challenge) return challenge.parameters.error;
  if (typeof e?.cause?.error === 'string') return e.cause.error;
  return undefined;
}

/** Asserts that `promise` rejects with OAuth error `code`; returns the error. */
export async function rejectsWithOAuthError(promise, code) {
  try {
    await promise;
  } catch (e) {
    let got = oauthErrorCode(e);
    // A 401 with a `WWW-Authenticate: Basic` challenge (RFC 6749 §5.2): the library
    // stops at the challenge; the error code is in the JSON body of that response.
    if (got === undefined && e?.code === 'OAUTH_WWW_AUTHENTICATE_CHALLENGE' && e.response) {
      const body = await e.response.clone().json().catch(() => undefined);
      if (e.status === 401 && typeof body?.error === 'string') got = body.error;
    }
    if (got !== code) {
      throw new Error(`expected OAuth error ${code}, got ${got ?? 'none'}: ${e?.name}: ${e?.message}`, { cause: e });
    }
    return e;
  }
  throw new Error(`expected OAuth error ${code}, but the call succeeded`);
}
