-- The SAML identity provider: the registered service providers, the AuthnRequest IDs
-- already answered (replay), and which service providers each browser session logged in
-- to (single logout).

-- metadata: the IdP's JSON of the service provider (its parsed metadata and its settings).
CREATE TABLE saml_service_providers (
    entity_id TEXT PRIMARY KEY,
    metadata TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One row per AuthnRequest ID seen from a service provider, kept until it could no
-- longer be fresh; purged by housekeeping.
CREATE TABLE saml_seen_requests (
    sp_entity_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (sp_entity_id, request_id)
);
CREATE INDEX saml_seen_requests_by_expiry ON saml_seen_requests (expires_at);

-- Which service providers a browser session received an assertion at, with the NameID and
-- SessionIndex they were given: what a LogoutRequest to each must carry.
CREATE TABLE saml_session_participants (
    session_id TEXT NOT NULL,
    sp_entity_id TEXT NOT NULL,
    name_id TEXT NOT NULL,
    name_id_format TEXT NOT NULL,
    session_index TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, sp_entity_id)
);
CREATE INDEX saml_session_participants_by_created ON saml_session_participants (created_at);
