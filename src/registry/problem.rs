//! Problems found while reading files: each names the file, the line, the
//! column and the rule, e.g. `persons.csv line 4, column number: check digits
//! do not match`.

use std::fmt;

/// Most problems kept per file; the rest are only counted.
pub(crate) const MAX_PROBLEMS_PER_FILE: usize = 100;

/// One broken rule at one place in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// File name, e.g. `persons.csv`.
    pub file: String,
    /// 1-based line number (the header is line 1); 0 when the problem is
    /// about the whole file.
    pub line: u64,
    /// The column, when the problem is about one value.
    pub column: Option<String>,
    /// What is wrong, in English, for people.
    pub rule: String,
    /// Stable key, e.g. `national_number.check_digits`.
    pub code: &'static str,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if self.line > 0 {
            write!(f, " line {}", self.line)?;
        }
        match &self.column {
            Some(column) if self.line > 0 => write!(f, ", column {column}")?,
            Some(column) => write!(f, " column {column}")?,
            None => {}
        }
        write!(f, ": {}", self.rule)
    }
}

/// Reading a set of files failed; every problem found is listed (up to
/// [`MAX_PROBLEMS_PER_FILE`] per file, the rest counted in `omitted`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FileError {
    pub problems: Vec<FileProblem>,
    pub omitted: usize,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))?;
        if self.omitted > 0 {
            write!(f, "\n… and {} more problems", self.omitted)?;
        }
        Ok(())
    }
}

/// Collects the problems of one file, up to the cap.
#[derive(Debug)]
pub(crate) struct Problems {
    file: &'static str,
    kept: Vec<FileProblem>,
    omitted: usize,
}

impl Problems {
    pub(crate) fn new(file: &'static str) -> Self {
        Self { file, kept: Vec::new(), omitted: 0 }
    }

    pub(crate) fn push(&mut self, line: u64, column: Option<&str>, rule: impl ToString, code: &'static str) {
        if self.kept.len() >= MAX_PROBLEMS_PER_FILE {
            self.omitted += 1;
            return;
        }
        self.kept.push(FileProblem {
            file: self.file.to_owned(),
            line,
            column: column.map(str::to_owned),
            rule: rule.to_string(),
            code,
        });
    }

    /// Moves these problems into a combined error.
    pub(crate) fn drain_into(self, error: &mut FileError) {
        error.problems.extend(self.kept);
        error.omitted += self.omitted;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_reads_as_file_line_column_and_rule() {
        let mut problems = Problems::new("persons.csv");
        problems.push(4, Some("number"), "check digits do not match", "national_number.check_digits");
        problems.push(0, None, "the file cannot be read", "file.unreadable");
        let mut error = FileError { problems: vec![], omitted: 0 };
        problems.drain_into(&mut error);
        assert_eq!(
            error.to_string(),
            "persons.csv line 4, column number: check digits do not match\n\
             persons.csv: the file cannot be read"
        );
    }

    #[test]
    fn problems_beyond_the_cap_are_counted_not_kept() {
        let mut problems = Problems::new("a.csv");
        for line in 0..(MAX_PROBLEMS_PER_FILE as u64 + 5) {
            problems.push(line + 2, None, "bad", "x");
        }
        let mut error = FileError { problems: vec![], omitted: 0 };
        problems.drain_into(&mut error);
        assert_eq!(error.problems.len(), MAX_PROBLEMS_PER_FILE);
        assert_eq!(error.omitted, 5);
        assert!(error.to_string().ends_with("… and 5 more problems"));
    }
}
