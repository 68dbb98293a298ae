//! Streaming CSV reading shared by the Poort and KBO readers: header checks,
//! one reused record per row, and typed field access that records a
//! [`Problems`] entry (file, line, column, rule) instead of failing.

use std::collections::HashMap;
use std::fmt::Display;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use csv::StringRecord;
use time::Date;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use super::problem::Problems;
use crate::domain::{EnterpriseNumberError, EstablishmentNumberError, LanguageError, NationalNumberError};

/// The date notation of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateStyle {
    /// Poort files: ISO `2024-03-01`.
    Iso,
    /// KBO open-data files: `01-03-2024`.
    Kbo,
}

impl DateStyle {
    fn items(self) -> &'static [BorrowedFormatItem<'static>] {
        match self {
            Self::Iso => format_description!("[year]-[month]-[day]"),
            Self::Kbo => format_description!("[day]-[month]-[year]"),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Iso => "YYYY-MM-DD",
            Self::Kbo => "DD-MM-YYYY",
        }
    }
}

/// An error with a stable code (the identifier errors of `domain`).
pub(crate) trait Coded: Display {
    fn code(&self) -> &'static str;
}

macro_rules! coded {
    ($($ty:ty),*) => {$(
        impl Coded for $ty {
            fn code(&self) -> &'static str {
                <$ty>::code(self)
            }
        }
    )*};
}
coded!(NationalNumberError, EnterpriseNumberError, EstablishmentNumberError, LanguageError);

/// Whether columns the reader does not know are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExtraColumns {
    /// Poort files: an unknown column is probably a typo.
    Refuse,
    /// KBO files: later versions may add columns.
    Ignore,
}

/// An open CSV file whose header has the required columns.
pub(crate) struct Table {
    reader: csv::Reader<BufReader<File>>,
    columns: HashMap<&'static str, usize>,
}

impl Table {
    /// Opens `dir/file` and checks its header. Returns `None` (with the
    /// problems recorded) when the file cannot be read or a column is missing.
    pub(crate) fn open(
        dir: &Path,
        file: &'static str,
        required: &[&'static str],
        extra: ExtraColumns,
        problems: &mut Problems,
    ) -> Option<Self> {
        let path = dir.join(file);
        let handle = match File::open(&path) {
            Ok(handle) => handle,
            Err(error) => {
                problems.push(0, None, format!("the file cannot be read: {error}"), "file.unreadable");
                return None;
            }
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(BufReader::with_capacity(1 << 16, handle));
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.trim_start_matches('\u{feff}').to_owned()).collect(),
            Err(error) => {
                problems.push(1, None, format!("the header cannot be read: {error}"), "file.header");
                return None;
            }
        };
        let mut columns = HashMap::new();
        for name in required {
            match header.iter().position(|h| h == name) {
                Some(index) => {
                    columns.insert(*name, index);
                }
                None => problems.push(1, Some(name), "the column is missing", "file.missing_column"),
            }
        }
        if extra == ExtraColumns::Refuse {
            for name in header.iter().filter(|h| !required.contains(&h.as_str())) {
                problems.push(1, Some(name), "the column is unknown", "file.unknown_column");
            }
        }
        (columns.len() == required.len()).then_some(Self { reader, columns })
    }

    /// Calls `f` for every data row, reusing one record. Rows that are not
    /// valid CSV (wrong number of fields, invalid UTF-8) are reported and
    /// skipped; an I/O error ends the file.
    pub(crate) fn for_each_row(mut self, problems: &mut Problems, mut f: impl FnMut(&mut Row<'_>)) {
        let mut record = StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().map_or(0, csv::Position::line);
                    let mut row = Row { line, record: &record, columns: &self.columns, problems };
                    f(&mut row);
                }
                Err(error) => {
                    let line = error.position().map_or(0, csv::Position::line);
                    let is_io = matches!(error.kind(), csv::ErrorKind::Io(_));
                    let rule = match error.kind() {
                        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                            format!("expected {expected_len} fields, found {len}")
                        }
                        csv::ErrorKind::Utf8 { .. } => "the line is not valid UTF-8".to_owned(),
                        _ => format!("the line cannot be read: {error}"),
                    };
                    problems.push(line, None, rule, "file.malformed_line");
                    if is_io {
                        break;
                    }
                }
            }
        }
    }
}

/// One data row, with typed accessors that record problems.
pub(crate) struct Row<'a> {
    pub(crate) line: u64,
    record: &'a StringRecord,
    columns: &'a HashMap<&'static str, usize>,
    problems: &'a mut Problems,
}

impl Row<'_> {
    /// The trimmed value of `column` ("" when absent).
    pub(crate) fn raw(&self, column: &str) -> &str {
        self.columns.get(column).and_then(|i| self.record.get(*i)).unwrap_or_default()
    }

    /// Records a problem about `column` on this row.
    pub(crate) fn problem(&mut self, column: &str, rule: impl ToString, code: &'static str) {
        self.problems.push(self.line, Some(column), rule, code);
    }

    /// A value that may not be empty.
    pub(crate) fn text(&mut self, column: &str) -> Option<String> {
        let value = self.raw(column).to_owned();
        if value.is_empty() {
            self.problem(column, "a value is required", "file.required");
            return None;
        }
        Some(value)
    }

    /// A value that may be empty (empty means none).
    pub(crate) fn optional_text(&self, column: &str) -> Option<String> {
        Some(self.raw(column)).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    /// A required value read with `parse`.
    pub(crate) fn parse<T, E: Coded>(
        &mut self,
        column: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<T> {
        match self.optional(column, parse) {
            Some(None) => {
                self.problem(column, "a value is required", "file.required");
                None
            }
            value => value.flatten(),
        }
    }

    /// An optional value read with `parse`: `Some(None)` when empty, `None`
    /// when invalid (problem recorded).
    pub(crate) fn optional<T, E: Coded>(
        &mut self,
        column: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<Option<T>> {
        let raw = self.raw(column);
        if raw.is_empty() {
            return Some(None);
        }
        match parse(raw) {
            Ok(value) => Some(Some(value)),
            Err(error) => {
                let code = error.code();
                self.problem(column, error, code);
                None
            }
        }
    }

    /// A required date in `format`.
    pub(crate) fn date(&mut self, column: &str, style: DateStyle) -> Option<Date> {
        self.parse(column, |raw| parse_date(raw, style))
    }

    /// An optional date in `format`.
    pub(crate) fn optional_date(&mut self, column: &str, style: DateStyle) -> Option<Option<Date>> {
        self.optional(column, |raw| parse_date(raw, style))
    }
}

/// A date that does not match the expected format.
#[derive(Debug, thiserror::Error)]
#[error("'{found}' is not a date in the form {expected}")]
pub(crate) struct DateError {
    found: String,
    expected: &'static str,
}

impl Coded for DateError {
    fn code(&self) -> &'static str {
        "file.date"
    }
}

fn parse_date(raw: &str, style: DateStyle) -> Result<Date, DateError> {
    Date::parse(raw, style.items()).map_err(|_| DateError { found: raw.to_owned(), expected: style.label() })
}

/// A rule from a plain message and code, for checks done in the readers.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct Rule {
    pub(crate) message: String,
    pub(crate) code: &'static str,
}

impl Coded for Rule {
    fn code(&self) -> &'static str {
        self.code
    }
}
