-- eIDAS login: the IDs of the assertions already accepted, kept until they expire, so a
-- replayed SAML response is refused on whichever node receives it (SAML profiles
-- §4.1.4.5). The primary key makes "first use" an atomic insert on both databases.
CREATE TABLE eidas_seen_assertions (
    assertion_id  TEXT PRIMARY KEY,          -- the Assertion's ID (random, from the node)
    seen_at       BIGINT NOT NULL,           -- unix seconds
    expires_at    BIGINT NOT NULL            -- unix seconds; the row may be deleted after
);
CREATE INDEX eidas_seen_assertions_by_expiry ON eidas_seen_assertions (expires_at);
