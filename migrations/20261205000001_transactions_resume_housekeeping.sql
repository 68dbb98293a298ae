-- Login transactions say where the browser resumes, given by the protocol that opened
-- them (the transaction no longer knows any protocol's URLs); and the indexes the
-- housekeeping purges and the eIDAS identity match need.

-- The local path the browser goes to once authenticated (e.g. `/authorize/resume?tx=…`).
-- Transactions opened before this migration expire within the login timeout; an empty
-- value sends their browser to the portal's session page.
ALTER TABLE login_transactions ADD COLUMN resume_to TEXT NOT NULL DEFAULT '';

-- Housekeeping purges by expiry (one index per purged table that lacked one).
CREATE INDEX browser_sessions_by_expiry ON browser_sessions (expires_at);
CREATE INDEX browser_sessions_by_end ON browser_sessions (ended_at);
CREATE INDEX passkey_registrations_by_expiry ON passkey_registrations (expires_at);
CREATE INDEX password_email_codes_by_expiry ON password_email_codes (expires_at);
CREATE INDEX oidc_grants_by_expiry ON oidc_grants (expires_at);
CREATE INDEX oidc_par_requests_by_expiry ON oidc_par_requests (expires_at);
CREATE INDEX oidc_logout_deliveries_by_creation ON oidc_logout_deliveries (created_at);
CREATE INDEX audit_events_by_time ON audit_events (at);

-- The eIDAS identity match looks persons up by birth date.
CREATE INDEX registry_persons_by_birth_date ON registry_persons (birth_date);
