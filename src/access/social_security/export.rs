//! The CSV export of a quality's users (seed 001: "De gebruikers exporteren (.csv)"):
//! UTF-8 with a header row; a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return gets a leading `'` so a spreadsheet never reads it as a formula (OWASP "CSV
//! injection").

use super::capability::ViewRight;
use super::manage::UserView;
use super::{SocialSecurity, SsError};
use crate::store::social_security::UserFilter;

/// The header row.
pub const HEADER: [&str; 11] = [
    "last_name",
    "first_name",
    "username",
    "type",
    "national_number",
    "status",
    "role",
    "email",
    "applications",
    "functions",
    "effective_applications",
];

/// A cell made safe against formula injection.
pub fn safe_cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    }
}

fn row(u: &UserView) -> Vec<String> {
    [
        u.last_name.as_str(),
        &u.first_name,
        u.username.as_deref().unwrap_or(""),
        u.user_type,
        &u.national_number,
        u.status,
        u.role,
        u.email.as_deref().unwrap_or(""),
        &u.applications.join(" "),
        &u.functions.join(" "),
        &u.effective_applications.join(" "),
    ]
    .iter()
    .map(|c| safe_cell(c))
    .collect()
}

impl SocialSecurity {
    /// Every user matching `filter`, as CSV.
    pub async fn export_csv(&self, right: &ViewRight, filter: &UserFilter) -> Result<String, SsError> {
        let mut out = csv::Writer::from_writer(Vec::new());
        let write = |out: &mut csv::Writer<Vec<u8>>, r: &[String]| {
            out.write_record(r).map_err(|e| SsError::Store(crate::store::StoreError::Corrupt(e.to_string())))
        };
        write(&mut out, &HEADER.map(String::from))?;
        // One pass: the body is built in memory anyway, and a slice read from an offset
        // would step over every row before it again.
        for u in &self.users_slice(right, filter, 0, i64::MAX).await? {
            write(&mut out, &row(u))?;
        }
        let bytes =
            out.into_inner().map_err(|e| SsError::Store(crate::store::StoreError::Corrupt(e.to_string())))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    #[test]
    fn a_cell_that_a_spreadsheet_would_read_as_a_formula_is_quoted() {
        for bad in ["=1+1", "+32", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(safe_cell(bad), format!("'{bad}"));
        }
        assert_eq!(safe_cell("Dubois"), "Dubois");
        assert_eq!(safe_cell(""), "");
    }
}
