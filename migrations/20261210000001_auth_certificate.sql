-- The eID card's authentication certificate behind a login (subject, issuer, serial
-- number), so an eID login can release the `certificateInfo` claims (`cert_subject`,
-- `cert_issuer`, `cert_serial_number`) to relying parties allowed them.
--
-- Kept as JSON text (`domain::CertificateFacts`) with the login transaction's result and
-- with the browser session (its latest authentication, for single sign-on); NULL for every
-- other digital key and for rows written before this migration. The subject carries the
-- national number: it is personal data like the rest of these rows, and never logged.
ALTER TABLE login_transactions ADD COLUMN certificate TEXT;
ALTER TABLE browser_sessions ADD COLUMN certificate TEXT;
