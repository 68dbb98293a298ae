//! The Poort registry file format: a directory with four CSV files that
//! stand in for the authentic sources in demos and tests.
//!
//! ```text
//! persons.csv          number,first_names,last_name,birth_date,language,has_belgian_eid,nationality
//! enterprises.csv      number,name_nl,name_fr,name_de,name_en,legal_form,status,street,house_number,
//!                      box_number,postal_code,municipality,country,start_date
//! representatives.csv  person,enterprise,function,valid_from,valid_until
//! employments.csv      person,enterprise,valid_from,valid_until
//! ```
//!
//! UTF-8, comma separated, a header row with exactly these columns (in any
//! order), values trimmed, dates `YYYY-MM-DD`, an empty value means "none".
//! `docs/REGISTRY.md` describes every column. [`load_dir`] reports every
//! problem of every file (up to 100 per file), each naming file, line,
//! column and rule, then checks referential integrity the same way.

mod records;
#[cfg(test)]
mod tests;

use std::path::Path;

use super::model::{RecordKind, RegistryData};
use super::problem::{FileError, FileProblem, Problems};
use super::table::{ExtraColumns, Row, Table};

/// File of persons (National Register and BIS register).
pub const PERSONS_FILE: &str = "persons.csv";
/// File of enterprises (KBO).
pub const ENTERPRISES_FILE: &str = "enterprises.csv";
/// File of legal representatives (KBO functions).
pub const REPRESENTATIVES_FILE: &str = "representatives.csv";
/// File of employments (social-security declarations).
pub const EMPLOYMENTS_FILE: &str = "employments.csv";

/// Columns of `persons.csv`.
pub const PERSON_COLUMNS: [&str; 7] =
    ["number", "first_names", "last_name", "birth_date", "language", "has_belgian_eid", "nationality"];
/// Columns of `enterprises.csv`.
pub const ENTERPRISE_COLUMNS: [&str; 14] = [
    "number",
    "name_nl",
    "name_fr",
    "name_de",
    "name_en",
    "legal_form",
    "status",
    "street",
    "house_number",
    "box_number",
    "postal_code",
    "municipality",
    "country",
    "start_date",
];
/// Columns of `representatives.csv`.
pub const REPRESENTATIVE_COLUMNS: [&str; 5] =
    ["person", "enterprise", "function", "valid_from", "valid_until"];
/// Columns of `employments.csv`.
pub const EMPLOYMENT_COLUMNS: [&str; 4] = ["person", "enterprise", "valid_from", "valid_until"];

/// Loads and checks a registry directory.
pub fn load_dir(path: &Path) -> Result<RegistryData, FileError> {
    let mut error = FileError { problems: Vec::new(), omitted: 0 };
    let (persons, person_lines) = read(path, PERSONS_FILE, &PERSON_COLUMNS, records::person, &mut error);
    let (enterprises, enterprise_lines) =
        read(path, ENTERPRISES_FILE, &ENTERPRISE_COLUMNS, records::enterprise, &mut error);
    let (representatives, representative_lines) =
        read(path, REPRESENTATIVES_FILE, &REPRESENTATIVE_COLUMNS, records::representative, &mut error);
    let (employments, employment_lines) =
        read(path, EMPLOYMENTS_FILE, &EMPLOYMENT_COLUMNS, records::employment, &mut error);
    if !error.problems.is_empty() || error.omitted > 0 {
        return Err(error);
    }

    let data = RegistryData { persons, enterprises, representatives, employments };
    if let Err(integrity) = data.validate() {
        error.problems = integrity
            .into_iter()
            .map(|problem| {
                let (file, lines) = match problem.kind {
                    RecordKind::Person => (PERSONS_FILE, &person_lines),
                    RecordKind::Enterprise => (ENTERPRISES_FILE, &enterprise_lines),
                    RecordKind::Representative => (REPRESENTATIVES_FILE, &representative_lines),
                    RecordKind::Employment => (EMPLOYMENTS_FILE, &employment_lines),
                };
                FileProblem {
                    file: file.to_owned(),
                    line: lines.get(problem.index).copied().unwrap_or(0),
                    column: Some(problem.rule.field().to_owned()),
                    rule: problem.rule.to_string(),
                    code: problem.rule.code(),
                }
            })
            .collect();
        return Err(error);
    }
    Ok(data)
}

/// Reads one file into records and their line numbers.
fn read<T>(
    dir: &Path,
    file: &'static str,
    columns: &[&'static str],
    convert: fn(&mut Row<'_>) -> Option<T>,
    error: &mut FileError,
) -> (Vec<T>, Vec<u64>) {
    let mut problems = Problems::new(file);
    let mut records = Vec::new();
    let mut lines = Vec::new();
    if let Some(table) = Table::open(dir, file, columns, ExtraColumns::Refuse, &mut problems) {
        table.for_each_row(&mut problems, |row| {
            if let Some(record) = convert(row) {
                records.push(record);
                lines.push(row.line);
            }
        });
    }
    problems.drain_into(error);
    (records, lines)
}
