-- What Poort owns about people who log in: their identity record (the stable subject
-- behind every token), browser sessions (single sign-on) and login transactions (one
-- per authorization request, advanced page by page; any node can serve any step).

-- A person as known to Poort. Belgian persons are keyed by national number; a foreign
-- eIDAS identity without a Belgian number keeps its eIDAS PersonIdentifier until linked.
CREATE TABLE identities (
    id                TEXT PRIMARY KEY,        -- random, stable; the OIDC `sub` source
    national_number   TEXT UNIQUE,             -- NULL for an unlinked foreign identity
    eidas_identifier  TEXT UNIQUE,             -- e.g. NL/BE/123456
    given_names       TEXT NOT NULL,
    surname           TEXT NOT NULL,
    birth_date        TEXT,
    email             TEXT,
    language          TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);

-- A browser session: the SSO state behind the session cookie. Only a SHA-256 hash of the
-- cookie value is stored, so a database leak does not hand out sessions.
CREATE TABLE browser_sessions (
    id_hash        TEXT PRIMARY KEY,
    sid            TEXT NOT NULL UNIQUE,       -- public session id (OIDC `sid`)
    identity_id    TEXT NOT NULL REFERENCES identities (id),
    level          INTEGER NOT NULL,           -- FAS level reached (200..500)
    amr            TEXT NOT NULL,              -- JSON array
    method         TEXT NOT NULL,              -- eid | itsme | eidas | password | passkey
    auth_time      BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    last_seen_at   BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    ended_at       BIGINT,                     -- set on logout
    user_agent     TEXT
);
CREATE INDEX browser_sessions_by_identity ON browser_sessions (identity_id);

-- A login transaction: opened by a protocol request (OIDC, SAML) or by a portal page,
-- bound to the browser by a cookie, advanced by the login pages, closed by the protocol.
CREATE TABLE login_transactions (
    id              TEXT PRIMARY KEY,          -- random handle, in URLs
    binding_hash    TEXT NOT NULL,             -- SHA-256 of the browser-binding cookie
    protocol        TEXT NOT NULL,             -- oidc | saml | portal
    client_id       TEXT,
    request         TEXT NOT NULL,             -- JSON: the validated protocol request
    required_level  INTEGER NOT NULL,
    is_forced_login INTEGER NOT NULL,          -- prompt=login / max_age exceeded
    login_hint      TEXT,
    ui_locale       TEXT,
    status          TEXT NOT NULL,             -- pending | authenticated | completed | failed
    identity_id     TEXT REFERENCES identities (id),
    session_sid     TEXT,
    level           INTEGER,
    amr             TEXT,
    method          TEXT,
    auth_time       BIGINT,
    profile         TEXT,                      -- JSON: the profile chosen
    method_state    TEXT,                      -- JSON: a method's pending state (state/nonce/…)
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL
);
CREATE INDEX login_transactions_by_expiry ON login_transactions (expires_at);

-- An append-only audit trail of security-relevant events.
CREATE TABLE audit_events (
    id           TEXT PRIMARY KEY,
    at           BIGINT NOT NULL,
    kind         TEXT NOT NULL,                -- e.g. login.success, login.refused
    identity_id  TEXT,
    client_id    TEXT,
    detail       TEXT NOT NULL                 -- JSON, never secrets or full numbers
);
CREATE INDEX audit_events_by_identity ON audit_events (identity_id, at);
