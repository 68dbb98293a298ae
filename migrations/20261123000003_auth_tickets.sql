-- One-time tickets: short-lived, single-use handles that carry a result from one
-- request to another where a cookie cannot (the eID TLS listener handing a card
-- identity to the main listener, a cross-site SAML POST handing over to a same-site
-- GET). Only a SHA-256 hash of the ticket is stored.

CREATE TABLE one_time_tickets (
    ticket_hash  TEXT PRIMARY KEY,
    purpose      TEXT NOT NULL,               -- e.g. eid, eidas
    tx_id        TEXT NOT NULL,
    payload      TEXT NOT NULL,               -- JSON
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
CREATE INDEX one_time_tickets_by_expiry ON one_time_tickets (expires_at);
