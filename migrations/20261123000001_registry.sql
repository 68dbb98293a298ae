-- The authentic sources Poort reads but does not own: persons (National Register and
-- BIS register), enterprises (KBO), legal representatives (KBO functions) and
-- employments. Filled by importers (`poort registry import-kbo`, the registry file
-- format of docs/REGISTRY.md); read through `registry::Registry`.
-- Portable SQL: runs unchanged on SQLite and PostgreSQL.

CREATE TABLE registry_persons (
    national_number TEXT PRIMARY KEY,          -- 11 digits, canonical form
    first_names     TEXT NOT NULL,
    last_name       TEXT NOT NULL,
    birth_date      TEXT NOT NULL,             -- ISO 8601 date
    language        TEXT NOT NULL,             -- nl | fr | de | en
    has_belgian_eid INTEGER NOT NULL,          -- 0/1
    nationality     TEXT NOT NULL,             -- ISO 3166-1 alpha-2
    updated_at      BIGINT NOT NULL            -- unix seconds
);

CREATE TABLE registry_enterprises (
    enterprise_number TEXT PRIMARY KEY,        -- 10 digits, canonical form
    name_nl           TEXT,
    name_fr           TEXT,
    name_de           TEXT,
    name_en           TEXT,
    legal_form        TEXT NOT NULL,
    status            TEXT NOT NULL,           -- active | stopped
    street            TEXT,
    house_number      TEXT,
    box_number        TEXT,
    postal_code       TEXT,
    municipality      TEXT,
    country           TEXT,
    start_date        TEXT,                    -- ISO 8601 date
    source            TEXT NOT NULL,           -- files | kbo
    updated_at        BIGINT NOT NULL
);

CREATE TABLE registry_representatives (
    national_number   TEXT NOT NULL REFERENCES registry_persons (national_number),
    enterprise_number TEXT NOT NULL REFERENCES registry_enterprises (enterprise_number),
    function_code     TEXT NOT NULL,           -- e.g. zaakvoerder, bestuurder
    valid_from        TEXT NOT NULL,
    valid_until       TEXT,                    -- NULL: still valid
    PRIMARY KEY (national_number, enterprise_number, function_code, valid_from)
);
CREATE INDEX registry_representatives_by_enterprise
    ON registry_representatives (enterprise_number);

CREATE TABLE registry_employments (
    national_number   TEXT NOT NULL REFERENCES registry_persons (national_number),
    enterprise_number TEXT NOT NULL REFERENCES registry_enterprises (enterprise_number),
    valid_from        TEXT NOT NULL,
    valid_until       TEXT,
    PRIMARY KEY (national_number, enterprise_number, valid_from)
);
CREATE INDEX registry_employments_by_enterprise
    ON registry_employments (enterprise_number);
