-- OpenID Provider, part 2: grants (one per authorization), the tokens issued from them,
-- pushed authorization requests and single-use identifiers.
--
-- Designed for at most two writes per code exchange: one UPDATE marking the code used
-- (the code lives in its grant row) and one INSERT of the refresh token (and of an opaque
-- access token, in the same statement). JWT access tokens have no row; they carry their
-- grant id, so revoking the grant revokes them.

-- A grant: what a person allowed a client in one authorization, and the code that carries
-- it. Handles are never stored, only base64url(SHA-256(handle)).
CREATE TABLE oidc_grants (
    id               TEXT PRIMARY KEY,         -- grant id, shared by every token of the family
    code_key         TEXT UNIQUE,              -- SHA-256 of the authorization code
    client_id        TEXT NOT NULL,
    identity_id      TEXT NOT NULL,
    sid              TEXT NOT NULL,            -- browser session (OIDC `sid`)
    request          TEXT NOT NULL,            -- JSON: the authorization request
    auth             TEXT NOT NULL,            -- JSON: auth_time, acr, amr, profile
    code_expires_at  BIGINT NOT NULL,
    code_used_at     BIGINT,                   -- set by the exchange; a second use revokes
    expires_at       BIGINT NOT NULL,          -- absolute end of the refresh family
    revoked_at       BIGINT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX oidc_grants_by_sid ON oidc_grants (sid);
CREATE INDEX oidc_grants_by_identity ON oidc_grants (identity_id, client_id);

-- Refresh tokens and opaque access tokens (client_credentials and per-client opaque format).
CREATE TABLE oidc_tokens (
    token_key     TEXT PRIMARY KEY,            -- SHA-256 of the token
    kind          TEXT NOT NULL,               -- refresh | access
    grant_id      TEXT NOT NULL,               -- oidc_grants.id, or a client_credentials id
    client_id     TEXT NOT NULL,
    subject       TEXT,                        -- identity id; NULL for client_credentials
    scope         TEXT NOT NULL,               -- space separated
    dpop_jkt      TEXT,                        -- RFC 9449 key binding
    issued_at     BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    rotated_at    BIGINT,                      -- refresh: set when exchanged; reuse revokes
    revoked_at    BIGINT
);
CREATE INDEX oidc_tokens_by_grant ON oidc_tokens (grant_id);
CREATE INDEX oidc_tokens_by_expiry ON oidc_tokens (expires_at);

-- Pushed authorization requests (RFC 9126): single use, short lived.
CREATE TABLE oidc_par_requests (
    request_key   TEXT PRIMARY KEY,            -- SHA-256 of the request_uri
    client_id     TEXT NOT NULL,
    request       TEXT NOT NULL,               -- JSON: the validated authorization request
    expires_at    BIGINT NOT NULL
);

-- Identifiers that may be used once: client assertion and DPoP proof `jti`s, and the
-- `jti` of revoked JWT access tokens. The primary key makes "first use" one INSERT.
CREATE TABLE oidc_used_jtis (
    namespace     TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    jti           TEXT NOT NULL,
    expires_at    BIGINT NOT NULL,
    PRIMARY KEY (namespace, issuer, jti)
);
CREATE INDEX oidc_used_jtis_by_expiry ON oidc_used_jtis (expires_at);
