-- OpenID Provider, part 1: signing keys and relying parties (clients).
-- Keys live in the database so every node signs with the same key and publishes the same
-- JWKS; rotation is a row update that other nodes pick up when they reload.

-- Poort's own signing keys. The private key is encrypted at rest with AES-256-GCM under a
-- key derived from security.secret_key ("oidc-keys"); the kid (RFC 7638 thumbprint) is the
-- additional authenticated data, so a row cannot be swapped for another.
CREATE TABLE oidc_signing_keys (
    kid             TEXT PRIMARY KEY,
    alg             TEXT NOT NULL,             -- ES256 | RS256
    status          TEXT NOT NULL,             -- active | retired
    private_key     TEXT NOT NULL,             -- base64(nonce || AES-GCM(PKCS#8 DER))
    created_at      BIGINT NOT NULL,
    retired_at      BIGINT,
    verify_until    BIGINT                     -- retired keys: published and verifying until then
);
CREATE INDEX oidc_signing_keys_by_status ON oidc_signing_keys (status, alg);

-- Relying parties. The metadata is the client model as JSON (protocol/oidc/client.rs), so
-- new options need no migration; the secret inside is an HMAC under a server pepper.
CREATE TABLE oidc_clients (
    id                  TEXT PRIMARY KEY,
    source              TEXT NOT NULL,         -- config | cli | registration
    metadata            TEXT NOT NULL,         -- JSON
    registration_token  TEXT,                  -- RFC 7592 access token, SHA-256 (registration only)
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
