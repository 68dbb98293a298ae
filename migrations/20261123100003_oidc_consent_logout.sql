-- OpenID Provider, part 3: remembered consent and back-channel logout deliveries.

-- What a person agreed to share with a client; revocable from /my/sessions.
CREATE TABLE oidc_consents (
    identity_id   TEXT NOT NULL,
    client_id     TEXT NOT NULL,
    scope         TEXT NOT NULL,               -- space separated scopes agreed to
    granted_at    BIGINT NOT NULL,
    PRIMARY KEY (identity_id, client_id)
);

-- One back-channel logout notification (OIDC Back-Channel Logout 1.0) per client of an
-- ended session. The logout token is signed afresh on each attempt and never stored.
CREATE TABLE oidc_logout_deliveries (
    id               TEXT PRIMARY KEY,
    client_id        TEXT NOT NULL,
    sid              TEXT NOT NULL,
    identity_id      TEXT NOT NULL,
    status           TEXT NOT NULL,            -- pending | delivered | failed
    attempts         INTEGER NOT NULL,
    last_error       TEXT,                     -- HTTP status or transport error, never a token
    created_at       BIGINT NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    delivered_at     BIGINT
);
CREATE INDEX oidc_logout_deliveries_pending ON oidc_logout_deliveries (status, next_attempt_at);
