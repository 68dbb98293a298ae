-- The profile chooser: the profiles offered to a login transaction (so the answer can only be
-- one of them), and the last profile each person chose for each relying party (pre-selected
-- the next time; one application's choice never decides another's).

-- JSON written by the profile module: the relying party's name and the profiles offered.
ALTER TABLE login_transactions ADD COLUMN profile_offer TEXT;

-- relying_party: an OpenID client id (later a SAML entity id); profile_key: `citizen`, an
-- enterprise number, `quality:…`, `subdivision:…` or `site:…` (domain::Profile::key).
CREATE TABLE profile_choices (
    identity_id TEXT NOT NULL,
    relying_party TEXT NOT NULL,
    profile_key TEXT NOT NULL,
    chosen_at BIGINT NOT NULL,
    PRIMARY KEY (identity_id, relying_party)
);
