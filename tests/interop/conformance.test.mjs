// The conformance suite's shape of client (docs/CONFORMANCE.md) played by openid-client:
// a confidential client that sends a nonce but no PKCE, a client registered dynamically
// with signed userinfo. Run by tests/interop/run.sh.

import assert from 'node:assert/strict';
import { describe, test, before } from 'node:test';

import * as oidc from 'openid-client';
import * as jose from 'jose';

import { Browser } from './browser.mjs';
import { ISSUER, REDIRECT_URI, configure, login } from './poort.mjs';

const SUITE = { id: 'interop-suite', secret: 'interop-suite-secret', alg: 'RS256', auth: 'basic' };

/** An authorization URL without PKCE; `nonce` unless told otherwise. */
function requestWithoutPkce(config, { withNonce = true, scope = 'openid profile' } = {}) {
  const params = { redirect_uri: REDIRECT_URI, scope, state: oidc.randomState() };
  if (withNonce) params.nonce = oidc.randomNonce();
  return { url: oidc.buildAuthorizationUrl(config, params), ...params };
}

describe('the Basic plan client: confidential, a nonce, no PKCE', () => {
  let config;
  before(async () => {
    config = await configure(SUITE);
  });

  test('oidcc-server: the code flow without PKCE gives a verified id_token bound by the nonce', async () => {
    const request = requestWithoutPkce(config);
    const callback = await login(request.url);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    assert.equal(claims.nonce, request.nonce);
    assert.equal(jose.decodeProtectedHeader(tokens.id_token).alg, 'RS256');
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(info.sub, claims.sub);
  });

  test('without PKCE and without a nonce the request is refused at the redirect URI', async () => {
    const request = requestWithoutPkce(config, { withNonce: false });
    const step = await new Browser().follow(request.url, REDIRECT_URI);
    assert.ok(step.redirect, 'an error for the client, not a page');
    assert.equal(step.redirect.searchParams.get('error'), 'invalid_request');
    assert.match(step.redirect.searchParams.get('error_description'), /nonce/);
    assert.equal(step.redirect.searchParams.get('state'), request.state);
  });
});

describe('the Dynamic plan: a registered client with signed userinfo', () => {
  let registered;
  before(async () => {
    const response = await fetch(new URL('/register', ISSUER), {
      method: 'POST',
      headers: { authorization: 'Bearer demo-registration-token', 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [REDIRECT_URI],
        client_name: 'interop dynamic',
        scope: 'openid profile',
        userinfo_signed_response_alg: 'RS256',
      }),
    });
    assert.equal(response.status, 201);
    registered = await response.json();
  });

  test('registration answers RS256 for the id_token by default and the fields asked for', () => {
    assert.equal(registered.id_token_signed_response_alg, 'RS256');
    assert.equal(registered.userinfo_signed_response_alg, 'RS256');
    assert.equal(registered.require_pkce, false);
  });

  test('oidcc-userinfo-rs256: the library verifies the signed userinfo', async () => {
    const config = await oidc.discovery(
      new URL(ISSUER),
      registered.client_id,
      {
        client_secret: registered.client_secret,
        redirect_uris: [REDIRECT_URI],
        id_token_signed_response_alg: 'RS256',
        userinfo_signed_response_alg: 'RS256',
      },
      oidc.ClientSecretBasic(registered.client_secret),
      { execute: [oidc.allowInsecureRequests] },
    );
    const request = requestWithoutPkce(config);
    const callback = await login(request.url);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      expectedState: request.state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    const sub = tokens.claims().sub;
    const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
    assert.equal(info.sub, sub);
    assert.ok(info.given_name, 'the profile claims');
    const raw = await fetch(config.serverMetadata().userinfo_endpoint, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(raw.headers.get('content-type'), 'application/jwt');
    const jwks = jose.createRemoteJWKSet(new URL('/jwks', ISSUER));
    const { payload } = await jose.jwtVerify(await raw.text(), jwks, {
      issuer: ISSUER,
      audience: registered.client_id,
      algorithms: ['RS256'],
    });
    assert.equal(payload.sub, sub);
  });
});
