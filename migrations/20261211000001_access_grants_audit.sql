-- The access layer (src/access/): one grant table for every role a person holds on a place
-- (head access manager, co-head access manager, access manager of a domain, back office;
-- later local admins of qualities, subdivisions and sites), the hash-chained audit trail of
-- every change, and what BTB keeps of a registered enterprise.

-- Someone (holder: a national or BIS number) holding a role on a scope, given by someone.
-- scope_kind: 'enterprise' (the whole enterprise), 'domain' (scope_id = the domain code),
-- 'service' (the whole service, enterprise_number NULL: the back office); later 'quality',
-- 'subdivision', 'site' with their ids in scope_id. status: active | suspended | revoked.
CREATE TABLE access_grants (
    id TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    role TEXT NOT NULL,
    enterprise_number TEXT,
    scope_kind TEXT NOT NULL,
    scope_id TEXT NOT NULL DEFAULT '',
    contact_email TEXT,
    contact_phone TEXT,
    granted_by TEXT NOT NULL,
    granted_capacity TEXT NOT NULL,
    valid_from BIGINT NOT NULL,
    valid_until BIGINT,
    status TEXT NOT NULL,
    status_reason TEXT,
    status_changed_at BIGINT,
    created_at BIGINT NOT NULL
);

-- One head access manager per enterprise at any moment, enforced here and not only in code
-- (a partial unique index: the same statement on SQLite and PostgreSQL).
CREATE UNIQUE INDEX access_grants_one_head ON access_grants (enterprise_number)
    WHERE role = 'head_access_manager' AND status = 'active';
-- A person holds a live role on a place once.
CREATE UNIQUE INDEX access_grants_live_once ON access_grants (holder, role, enterprise_number, scope_kind, scope_id)
    WHERE status = 'active';
CREATE UNIQUE INDEX access_grants_live_service_once ON access_grants (holder, role)
    WHERE status = 'active' AND enterprise_number IS NULL;
-- "All live grants of a person" (one round trip) and "all grants of an enterprise".
CREATE INDEX access_grants_by_holder ON access_grants (holder, status);
CREATE INDEX access_grants_by_enterprise ON access_grants (enterprise_number, status);

-- The audit trail: append-only, each row's hash covers its content and the previous row's
-- hash (`poort audit verify` finds an edited or deleted row). seq is gap-free from 1; the
-- head row holds the last seq and hash, and appending updates it first, so concurrent
-- appenders take turns (PostgreSQL row lock; SQLite's single writer).
CREATE TABLE access_audit (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT,
    capacity TEXT NOT NULL,
    session_ref TEXT,
    enterprise_number TEXT,
    domain_code TEXT,
    subject TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX access_audit_by_enterprise ON access_audit (enterprise_number, seq);

CREATE TABLE access_audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO access_audit_head (id, seq, hash) VALUES (1, 0, '');

-- An enterprise registered in BTB: its general e-mail (CSAM and e-Box Enterprise
-- notifications), whether e-Box Enterprise is activated, and how it was registered
-- (procedure: standard | exception).
CREATE TABLE btb_enterprises (
    enterprise_number TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    is_ebox_enabled BIGINT NOT NULL,
    procedure TEXT NOT NULL,
    registered_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The contact e-mail of a domain of a registered enterprise.
CREATE TABLE btb_domain_emails (
    enterprise_number TEXT NOT NULL,
    domain_code TEXT NOT NULL,
    email TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (enterprise_number, domain_code)
);
