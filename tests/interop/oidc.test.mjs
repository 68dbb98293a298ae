// Poort's OpenID Provider driven by client software we did not write: panva's
// openid-client (certified relying-party library) and jose. Run by tests/interop/run.sh.

import assert from 'node:assert/strict';
import { describe, test, before } from 'node:test';

import * as oidc from 'openid-client';
import * as jose from 'jose';

import { Browser } from './browser.mjs';
import {
  CLIENTS,
  ISSUER,
  REDIRECT_URI,
  authorizationRequest,
  configure,
  login,
  loginAndExchange,
  rejectsWithOAuthError,
} from './poort.mjs';

let jwks;
before(() => {
  jwks = jose.createRemoteJWKSet(new URL('/jwks', ISSUER));
});

describe('discovery', () => {
  test('the library accepts the discovery document and it names every endpoint', async () => {
    const config = await configure(CLIENTS.es256);
    const m = config.serverMetadata();
    assert.equal(m.issuer, ISSUER);
    for (const key of [
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'jwks_uri',
      'introspection_endpoint',
      'revocation_endpoint',
    ]) {
      assert.ok(m[key]?.startsWith(ISSUER), `${key} is published under the issuer`);
    }
    assert.ok(m.code_challenge_methods_supported?.includes('S256'), 'PKCE S256 is advertised');
    assert.ok(m.id_token_signing_alg_values_supported?.includes('ES256'));
    assert.ok(m.supportsPKCE('S256'));
  });

  test('the JWKS publishes public keys only', async () => {
    const config = await configure(CLIENTS.es256);
    const body = await (await fetch(config.serverMetadata().jwks_uri)).json();
    assert.ok(body.keys.length >= 1);
    for (const k of body.keys) {
      assert.ok(k.kid, 'every key has a kid');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(k[secret], undefined, `no ${secret}`);
    }
  });
});

for (const [name, client] of Object.entries(CLIENTS)) {
  describe(`authorization code + PKCE, ${client.alg} id_token, client_secret_${client.auth}`, () => {
    let config;
    let result;
    before(async () => {
      config = await configure(client);
      result = await loginAndExchange(config);
    });

    test('the callback carries code, state and iss (RFC 9207)', () => {
      const { callback, request } = result;
      assert.ok(callback.searchParams.get('code'));
      assert.equal(callback.searchParams.get('state'), request.state);
      assert.equal(callback.searchParams.get('iss'), ISSUER);
    });

    test('the library verified the id_token (signature against the JWKS, nonce, audience)', async () => {
      const claims = result.tokens.claims();
      assert.equal(claims.iss, ISSUER);
      assert.equal(claims.aud, client.id);
      assert.equal(claims.nonce, result.request.nonce);
      assert.ok(claims.sub);
      const header = jose.decodeProtectedHeader(result.tokens.id_token);
      assert.equal(header.alg, client.alg, `${name}: the id_token is signed with the client's algorithm`);
    });

    test('jose verifies the id_token and the JWT access token independently', async () => {
      const { payload } = await jose.jwtVerify(result.tokens.id_token, jwks, {
        issuer: ISSUER,
        audience: client.id,
        algorithms: [client.alg],
      });
      assert.equal(payload.nonce, result.request.nonce);
      const at = await jose.jwtVerify(result.tokens.access_token, jwks, { issuer: ISSUER, typ: 'at+jwt' });
      assert.equal(at.payload.client_id, client.id);
      assert.equal(at.payload.sub, payload.sub);
    });

    test('userinfo answers for the same subject', async () => {
      const sub = result.tokens.claims().sub;
      const info = await oidc.fetchUserInfo(config, result.tokens.access_token, sub);
      assert.equal(info.sub, sub);
    });

    test('introspection says the access and refresh tokens are active', async () => {
      const at = await oidc.tokenIntrospection(config, result.tokens.access_token);
      assert.equal(at.active, true);
      assert.equal(at.client_id, client.id);
      const rt = await oidc.tokenIntrospection(config, result.tokens.refresh_token);
      assert.equal(rt.active, true);
    });

    test('refresh rotates the refresh token and returns a verified id_token', async () => {
      const refreshed = await oidc.refreshTokenGrant(config, result.tokens.refresh_token);
      assert.ok(refreshed.access_token);
      assert.ok(refreshed.refresh_token);
      assert.notEqual(refreshed.refresh_token, result.tokens.refresh_token, 'rotated');
      if (refreshed.id_token) assert.equal(refreshed.claims().sub, result.tokens.claims().sub);
      result.refreshed = refreshed;
    });

    test('revocation: the revoked refresh token is inactive and can no longer refresh', async () => {
      const token = result.refreshed.refresh_token;
      await oidc.tokenRevocation(config, token, { token_type_hint: 'refresh_token' });
      const after = await oidc.tokenIntrospection(config, token);
      assert.equal(after.active, false);
      await rejectsWithOAuthError(oidc.refreshTokenGrant(config, token), 'invalid_grant');
    });
  });
}

describe('client_credentials', () => {
  test('a client gets an access token for itself, no id_token, no refresh token', async () => {
    const config = await configure(CLIENTS.es256);
    const tokens = await oidc.clientCredentialsGrant(config);
    assert.ok(tokens.access_token);
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.equal(tokens.id_token, undefined);
    assert.equal(tokens.refresh_token, undefined);
    const { payload } = await jose.jwtVerify(tokens.access_token, jwks, { issuer: ISSUER, typ: 'at+jwt' });
    assert.equal(payload.client_id, CLIENTS.es256.id);
    const introspected = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.equal(introspected.active, true);
  });

  test('the RS256 client with client_secret_post gets one too', async () => {
    const config = await configure(CLIENTS.rs256);
    const tokens = await oidc.clientCredentialsGrant(config);
    assert.ok(tokens.access_token);
  });
});

describe('refusals', () => {
  let config;
  before(async () => {
    config = await configure(CLIENTS.es256);
  });

  test('a wrong PKCE verifier is refused (invalid_grant)', async () => {
    const request = await authorizationRequest(config);
    const callback = await login(request.url);
    await rejectsWithOAuthError(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: request.state,
        expectedNonce: request.nonce,
      }),
      'invalid_grant',
    );
  });

  test('a replayed code is refused and revokes what the first exchange issued', async () => {
    const { request, callback, tokens } = await loginAndExchange(config);
    const checks = { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce };
    await rejectsWithOAuthError(oidc.authorizationCodeGrant(config, callback, checks), 'invalid_grant');
    // RFC 6749 §4.1.2: tokens issued from a replayed code should be revoked.
    const after = await oidc.tokenIntrospection(config, tokens.refresh_token);
    assert.equal(after.active, false, 'the refresh token of the replayed code is revoked');
  });

  test('a tampered id_token is refused by the library', async () => {
    const tampering = await configure(CLIENTS.es256);
    // Flip one character in the middle of the id_token's signature on its way to the library.
    tampering[oidc.customFetch] = async (url, options) => {
      const response = await fetch(url, options);
      if (!url.toString().endsWith('/token') || response.status !== 200) return response;
      const body = await response.json();
      const [h, p, s] = body.id_token.split('.');
      const i = Math.floor(s.length / 2);
      const flipped = s[i] === 'A' ? 'B' : 'A';
      body.id_token = `${h}.${p}.${s.slice(0, i)}${flipped}${s.slice(i + 1)}`;
      return new Response(JSON.stringify(body), { status: 200, headers: response.headers });
    };
    const request = await authorizationRequest(tampering);
    const callback = await login(request.url);
    await assert.rejects(
      oidc.authorizationCodeGrant(tampering, callback, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
      }),
      (e) => /signature/i.test(`${e.message} ${e.cause?.message ?? ''}`),
    );
  });

  test('a wrong state in the callback is refused by the library', async () => {
    const request = await authorizationRequest(config);
    const callback = await login(request.url);
    await assert.rejects(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: oidc.randomState(),
        expectedNonce: request.nonce,
      }),
    );
  });

  test('an unregistered redirect_uri gets an error page, never a redirect', async () => {
    const evil = 'http://127.0.0.1:9000/elsewhere';
    const { url } = await authorizationRequest(config, { redirect_uri: evil });
    const response = await new Browser().request(url);
    assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}`);
    assert.equal(response.headers.get('location'), null, 'no redirect');
    assert.ok(!(await response.text()).includes(evil), 'the page does not link to the unregistered URI');
  });

  test('an unknown client at the authorization endpoint gets an error page, never a redirect', async () => {
    const url = new URL(config.serverMetadata().authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: 'no-such-client',
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      state: 'x',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const response = await new Browser().request(url);
    assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}`);
    assert.equal(response.headers.get('location'), null, 'no redirect');
  });

  test('an unknown client at the token endpoint is refused (invalid_client)', async () => {
    const stranger = await configure({ id: 'no-such-client', secret: 'whatever', auth: 'basic' });
    await rejectsWithOAuthError(oidc.clientCredentialsGrant(stranger), 'invalid_client');
  });

  test('a wrong client secret is refused (invalid_client), with either method', async () => {
    for (const c of Object.values(CLIENTS)) {
      const wrong = await configure({ ...c, secret: `${c.secret}-wrong` });
      await rejectsWithOAuthError(oidc.clientCredentialsGrant(wrong), 'invalid_client');
    }
  });

  test('introspection requires client authentication', async () => {
    const wrong = await configure({ ...CLIENTS.es256, secret: 'wrong' });
    await rejectsWithOAuthError(oidc.tokenIntrospection(wrong, 'anything'), 'invalid_client');
  });
});
