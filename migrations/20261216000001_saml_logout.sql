-- A single logout being told to a session's SAML service providers through the browser
-- (front-channel): one row per logout, keyed by a random ID that travels as RelayState.
-- state: the IdP's JSON (the service providers still to tell, the LogoutRequest awaiting
-- its answer, the failures, and where the browser goes at the end). Purged when expired.
CREATE TABLE saml_logouts (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX saml_logouts_by_expiry ON saml_logouts (expires_at);
