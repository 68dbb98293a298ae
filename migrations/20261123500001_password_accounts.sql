-- Method 4 of issue 4: username + password with a second factor (TOTP app, code by
-- e-mail, token card), brute-force counters and the demo mail outbox.

-- A username/password account belongs to one person, keyed by national number (the
-- identity is resolved from it at login). Usernames are a-z0-9, unique, never changed.
-- `password_hash` is an Argon2id PHC string; never the password.
CREATE TABLE password_accounts (
    id               TEXT PRIMARY KEY,         -- random
    national_number  TEXT NOT NULL UNIQUE,     -- 11 digits
    username         TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    email            TEXT,                     -- for codes by e-mail and lockout notices
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

-- A TOTP authenticator app (RFC 6238). Enrolment stores the secret unconfirmed until the
-- person types a first code. `last_used_step` refuses a code (time step) used before
-- (RFC 6238 §5.2).
CREATE TABLE password_totp (
    account_id      TEXT PRIMARY KEY REFERENCES password_accounts (id) ON DELETE CASCADE,
    secret_base32   TEXT NOT NULL,
    is_confirmed    INTEGER NOT NULL,          -- 0 while enrolling, 1 once confirmed
    last_used_step  BIGINT NOT NULL,           -- 0 = never used
    created_at      BIGINT NOT NULL
);

-- A code sent by e-mail for one login transaction: 6 digits, 10 minutes, single use.
-- Only an HMAC of the code is stored.
CREATE TABLE password_email_codes (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES password_accounts (id) ON DELETE CASCADE,
    tx_id        TEXT NOT NULL,
    code_hmac    TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX password_email_codes_by_tx ON password_email_codes (tx_id, account_id);

-- A token card: 24 numbered codes; the login asks for a random one. A new card revokes
-- the previous one. Only HMACs of the codes are stored; the card is shown once.
CREATE TABLE password_token_cards (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES password_accounts (id) ON DELETE CASCADE,
    serial      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX password_token_cards_by_account ON password_token_cards (account_id);

CREATE TABLE password_token_codes (
    card_id    TEXT NOT NULL REFERENCES password_token_cards (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,               -- 1..24
    code_hmac  TEXT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (card_id, position)
);

-- Failed attempts per account (`user:<username>`, also for unknown usernames, so the
-- answer does not reveal which exist) and per client address (`addr:<ip>`). In the
-- database so the limits hold across nodes.
CREATE TABLE password_throttle (
    key              TEXT PRIMARY KEY,
    failures         BIGINT NOT NULL,
    last_failure_at  BIGINT NOT NULL,
    blocked_until    BIGINT NOT NULL,
    notified_at      BIGINT                    -- lockout notice sent (per series)
);

-- Demo mode only: mails Poort "sent", readable at /demo/outbox. Never used outside demo.
CREATE TABLE dev_outbox (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL
);
