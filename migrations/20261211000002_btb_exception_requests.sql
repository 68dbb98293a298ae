-- BTB's exception procedure (seed 000 §II): a request filed by any logged-in person for an
-- enterprise whose legal representatives have no Belgian eID, with a ticket number in the
-- seeds' style, validated by hand in the contact centre's back office. `form` is the
-- designation form (JSON); `document` the signed request (a PDF, base64, size-limited:
-- this project's portable SQL has no BLOB). status: pending | approved_once (a change of
-- head waits for a second member of staff) | approved | rejected.
CREATE TABLE btb_exception_requests (
    ticket TEXT PRIMARY KEY,
    enterprise_number TEXT NOT NULL,
    requester TEXT NOT NULL,
    requester_language TEXT NOT NULL,
    representative TEXT NOT NULL,
    representative_first_name TEXT NOT NULL,
    representative_last_name TEXT NOT NULL,
    form TEXT NOT NULL,
    status TEXT NOT NULL,
    document TEXT,
    document_uploaded_at BIGINT,
    first_approver TEXT,
    decided_by TEXT,
    decided_at BIGINT,
    reason TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX btb_exception_requests_by_status ON btb_exception_requests (status, created_at);
CREATE INDEX btb_exception_requests_by_enterprise ON btb_exception_requests (enterprise_number);
