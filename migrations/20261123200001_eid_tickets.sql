-- eID card login: the one-time tickets that hand a verified card identity from the eID
-- TLS listener (its own origin, which cannot set cookies for the main site) to the login
-- transaction on the main listener. A ticket is single-use and lives 60 seconds; only a
-- SHA-256 hash of its value is stored, so a database leak does not hand out logins.
CREATE TABLE eid_tickets (
    ticket_hash         TEXT PRIMARY KEY,      -- SHA-256 (hex) of the random ticket value
    tx_id               TEXT NOT NULL REFERENCES login_transactions (id) ON DELETE CASCADE,
    national_number     TEXT NOT NULL,         -- from the card's subject serialNumber
    given_names         TEXT NOT NULL,
    surname             TEXT NOT NULL,
    certificate_sha256  TEXT NOT NULL,         -- fingerprint of the card certificate used
    created_at          BIGINT NOT NULL,
    expires_at          BIGINT NOT NULL,
    used_at             BIGINT                 -- set when redeemed; a used ticket never works again
);
CREATE INDEX eid_tickets_by_expiry ON eid_tickets (expires_at);
