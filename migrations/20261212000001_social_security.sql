-- Social-security access management (src/access/social_security/; docs/DOMAIN.md §7, seeds
-- 001, 003, 004): the places of an enterprise's tree below a quality, and what a role on
-- them carries. The roles themselves are rows of access_grants (role local_admin,
-- co_local_admin, subdivision_admin, site_user; scope_kind quality | subdivision | site;
-- scope_id the place's id), so every role keeps one shape, one audit trail and one
-- lifecycle. Application lists are space-separated codes of the configured catalogue
-- (`[social_security]`), sorted; an application is effective only when it is in the list
-- of every place above and of the grant.

-- A quality (hoedanigheid) activated for an enterprise: its contact e-mail, its identifier
-- (the RSZ number of Employer RSZ, '' when the enterprise number identifies it), its names
-- when activated (the profile chooser reads them without the configuration), and the
-- applications enabled on it.
CREATE TABLE ss_qualities (
    id TEXT PRIMARY KEY,
    enterprise_number TEXT NOT NULL,
    quality_code TEXT NOT NULL,
    identifier TEXT NOT NULL,
    enterprise_name TEXT NOT NULL,
    name_nl TEXT NOT NULL,
    name_fr TEXT NOT NULL,
    name_de TEXT NOT NULL,
    name_en TEXT NOT NULL,
    domain_code TEXT NOT NULL,
    email TEXT NOT NULL,
    applications TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- A quality is activated once per enterprise.
CREATE UNIQUE INDEX ss_qualities_once ON ss_qualities (enterprise_number, quality_code);

-- A subdivision (subafdeling) of a quality, of a type the quality allows, with the
-- identifier its type needs (an HCO number) — unique per quality and type when present.
CREATE TABLE ss_subdivisions (
    id TEXT PRIMARY KEY,
    quality_id TEXT NOT NULL REFERENCES ss_qualities (id),
    type_code TEXT NOT NULL,
    identifier TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    applications TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ss_subdivisions_by_quality ON ss_subdivisions (quality_id);
CREATE UNIQUE INDEX ss_subdivisions_identifier_once ON ss_subdivisions (quality_id, type_code, identifier)
    WHERE identifier <> '';

-- A site (subafdeling-site) under a subdivision.
CREATE TABLE ss_sites (
    id TEXT PRIMARY KEY,
    subdivision_id TEXT NOT NULL REFERENCES ss_subdivisions (id),
    quality_id TEXT NOT NULL REFERENCES ss_qualities (id),
    type_code TEXT NOT NULL,
    identifier TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    applications TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ss_sites_by_subdivision ON ss_sites (subdivision_id);
CREATE INDEX ss_sites_by_quality ON ss_sites (quality_id);

-- What a social-security grant carries beyond access_grants: where it sits in the tree
-- (quality always; subdivision and site when below), the applications ticked for the
-- person, the functions (site users only), and the record the seeds' forms ask for (the
-- register's names when granted, title, language, e-mail, local e-mail; the username is the
-- person's password account's).
CREATE TABLE ss_grant_details (
    grant_id TEXT PRIMARY KEY REFERENCES access_grants (id),
    quality_id TEXT NOT NULL REFERENCES ss_qualities (id),
    subdivision_id TEXT,
    site_id TEXT,
    applications TEXT NOT NULL,
    functions TEXT NOT NULL,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    title TEXT,
    language TEXT,
    email TEXT,
    local_email TEXT
);
-- A quality's user list (filtered, ordered by name, paged) and the tree per place.
CREATE INDEX ss_grant_details_by_quality ON ss_grant_details (quality_id, last_name, first_name);
CREATE INDEX ss_grant_details_by_site ON ss_grant_details (site_id);
CREATE INDEX ss_grant_details_by_subdivision ON ss_grant_details (subdivision_id);
