-- Method 5 of issue 4: passkeys (WebAuthn) as an extra digital key a person registers in
-- My digital keys and logs in with (Level400).

-- A registered passkey. `credential_id` is the WebAuthn credential id (base64url),
-- unique over all persons; `user_handle` is the WebAuthn user handle Poort gave the
-- person (a UUID derived from the identity with a server key, so it reveals nothing).
-- `passkey_json` is webauthn-rs's serialised `Passkey` (public key, counter, flags);
-- never a private key. `sign_count` mirrors the authenticator's signature counter.
CREATE TABLE passkey_credentials (
    id             TEXT PRIMARY KEY,          -- random
    identity_id    TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    credential_id  TEXT NOT NULL UNIQUE,
    user_handle    TEXT NOT NULL,
    passkey_json   TEXT NOT NULL,
    name           TEXT NOT NULL,
    sign_count     BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT                     -- NULL = never used to log in
);
CREATE INDEX passkey_credentials_identity ON passkey_credentials (identity_id);

-- A registration in progress: the webauthn-rs registration state (challenge included)
-- between "start" and "finish", in the database so any node can serve the second step.
-- One per browser session; single use; a few minutes.
CREATE TABLE passkey_registrations (
    session_sid    TEXT PRIMARY KEY,
    identity_id    TEXT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    state_json     TEXT NOT NULL,
    name           TEXT NOT NULL,
    expires_at     BIGINT NOT NULL
);
