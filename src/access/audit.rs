//! The audit trail of the access layer: every designation, appointment, removal, decision
//! and lifecycle suspension, with who acted, in which capacity, for which enterprise and
//! domain, when and from which session. Rows are appended by the store in the transaction
//! of the change; each row's hash covers its content and the previous row's hash, so
//! [`verify`] (`poort audit verify`) finds any edited, inserted or deleted row.

use crate::store::access_audit::AuditRow;
use crate::store::{Store, StoreError};

/// What the verifier found wrong first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainProblem {
    #[error("row {seq}: its content does not match its hash (edited)")]
    Edited { seq: i64 },
    #[error("row {seq}: it does not follow row {previous} (a row is missing or was inserted)")]
    Broken { seq: i64, previous: i64 },
    #[error("the last row is {last} but the chain's head says {head} (rows were deleted at the end)")]
    Truncated { last: i64, head: i64 },
}

/// The verifier's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub rows: i64,
    pub problem: Option<ChainProblem>,
}

/// How many rows are read per round trip.
const PAGE: i64 = 1000;

/// Walks the whole trail in order and checks every link.
pub async fn verify(store: &Store) -> Result<ChainReport, StoreError> {
    let (head_seq, head_hash) = store.find_access_audit_head().await?;
    let mut last_seq = 0;
    let mut last_hash = String::new();
    let mut rows = 0;
    loop {
        let page = store.find_access_audit_after(last_seq, PAGE).await?;
        if page.is_empty() {
            break;
        }
        for row in &page {
            if let Some(problem) = check_link(row, last_seq, &last_hash) {
                return Ok(ChainReport { rows, problem: Some(problem) });
            }
            last_seq = row.seq;
            last_hash = row.hash.clone();
            rows += 1;
        }
    }
    let problem = (last_seq != head_seq || last_hash != head_hash)
        .then_some(ChainProblem::Truncated { last: last_seq, head: head_seq });
    Ok(ChainReport { rows, problem })
}

/// Checks one row against the one before it.
pub fn check_link(row: &AuditRow, previous_seq: i64, previous_hash: &str) -> Option<ChainProblem> {
    if row.seq != previous_seq + 1 || row.prev_hash != previous_hash {
        return Some(ChainProblem::Broken { seq: row.seq, previous: previous_seq });
    }
    (row.expected_hash() != row.hash).then_some(ChainProblem::Edited { seq: row.seq })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, prev: &str) -> AuditRow {
        let mut r = AuditRow {
            seq,
            at: 1_700_000_000 + seq,
            kind: "btb.co_head_added".into(),
            actor: Some("65062108414".into()),
            capacity: "head_access_manager".into(),
            session_ref: Some("session:abc".into()),
            enterprise_number: Some("0410561210".into()),
            domain_code: None,
            subject: Some("03021716216".into()),
            detail: "{}".into(),
            prev_hash: prev.into(),
            hash: String::new(),
        };
        r.hash = r.expected_hash();
        r
    }

    #[test]
    fn an_edited_or_missing_row_breaks_the_chain() {
        let first = row(1, "");
        let second = row(2, &first.hash);
        assert_eq!(check_link(&first, 0, ""), None);
        assert_eq!(check_link(&second, 1, &first.hash), None);
        let mut edited = second.clone();
        edited.subject = Some("90110224612".into());
        assert_eq!(check_link(&edited, 1, &first.hash), Some(ChainProblem::Edited { seq: 2 }));
        let third = row(3, &second.hash);
        assert_eq!(check_link(&third, 1, &first.hash), Some(ChainProblem::Broken { seq: 3, previous: 1 }));
    }
}
