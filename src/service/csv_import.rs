//! The CSV machinery every import and export shares (volunteers, poster sites):
//! reading a UTF-8 file with a header row into one record per row, the row
//! limit, per-row results, and writing an export with a byte-order mark whose
//! cells a spreadsheet will not run as formulas.

use std::collections::HashMap;

use crate::dto::volunteer_import::RowStatus;
use crate::error::{ApiError, ErrorCode, FieldError};

/// Rows of one import at most (a larger file should be split).
pub const MAX_IMPORT_ROWS: usize = 5000;

/// One data row, by lower-case column name.
pub struct Record(HashMap<String, String>);

impl Record {
    /// The cell of `column`, trimmed; `None` when absent or empty.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.0.get(column).map(|value| value.trim()).filter(|value| !value.is_empty())
    }

    /// The cell of a required column, or its `required` error.
    pub fn required(&self, column: &str, errors: &mut Vec<FieldError>) -> String {
        self.get(column).map(str::to_owned).unwrap_or_else(|| {
            errors.push(FieldError::new(column, ErrorCode::Required, format!("the {column} column is empty")));
            String::new()
        })
    }
}

/// Each data row with its line number (the header is line 1): the record, or
/// why the row cannot be read.
pub type Rows = Vec<(usize, Result<Record, Vec<FieldError>>)>;

/// Reads `csv_bytes`: UTF-8 (a byte-order mark is dropped), no NUL, a header row
/// naming every `required` column, at most [`MAX_IMPORT_ROWS`] rows. A fault of
/// the whole file is a 422 on `body`; a row that cannot be read is that row's.
pub fn read(csv_bytes: Vec<u8>, required: &[&str]) -> Result<Rows, ApiError> {
    let text = String::from_utf8(csv_bytes)
        .map_err(|_| ApiError::invalid("body", ErrorCode::Encoding, "the file must be UTF-8"))?;
    if text.contains('\0') {
        return Err(ApiError::invalid("body", ErrorCode::NulCharacter, "the file must not contain NUL characters"));
    }
    let mut reader =
        csv::ReaderBuilder::new().flexible(false).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|err| ApiError::invalid("body", ErrorCode::Csv, format!("the header row cannot be read: {err}")))?
        .iter()
        .map(|name| name.trim().to_lowercase())
        .collect();
    for column in required {
        if !headers.iter().any(|name| name == column) {
            return Err(ApiError::invalid(
                "body",
                ErrorCode::MissingColumn,
                format!("the header row lacks the {column} column"),
            ));
        }
    }
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        if rows.len() >= MAX_IMPORT_ROWS {
            return Err(ApiError::invalid(
                "body",
                ErrorCode::TooManyRows,
                format!("at most {MAX_IMPORT_ROWS} rows per import"),
            ));
        }
        let row = match record {
            Ok(record) => Ok(Record(headers.iter().cloned().zip(record.iter().map(str::to_owned)).collect())),
            Err(err) => Err(vec![FieldError::new("row", ErrorCode::Csv, err.to_string())]),
        };
        rows.push((index + 2, row));
    }
    Ok(rows)
}

/// An optional id cell: absent is `None`, malformed is an error of the row.
pub fn parse_id<T: std::str::FromStr>(
    column: &'static str,
    text: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let parsed = text?.parse().ok();
    if parsed.is_none() {
        errors.push(FieldError::new(column, ErrorCode::InvalidType, "must be a UUID"));
    }
    parsed
}

/// The field errors a refused row reports: a rule's own, or the refusal's detail.
pub fn field_errors(err: ApiError) -> Vec<FieldError> {
    match err {
        ApiError::Validation(errors) => errors,
        other => vec![FieldError::new("row", ErrorCode::Refused, other.problem().detail)],
    }
}

/// Whether an error must stop the whole import (the database is unavailable, or
/// a fault of ours) rather than refuse one row.
pub fn stops_the_import(err: &ApiError) -> bool {
    matches!(err, ApiError::Unavailable(_) | ApiError::Internal(_))
}

/// The counts of an import report, by row status: created, valid, duplicates, errors.
pub fn tally(statuses: impl IntoIterator<Item = RowStatus>) -> (usize, usize, usize, usize) {
    let mut counts = (0, 0, 0, 0);
    for status in statuses {
        match status {
            RowStatus::Created => counts.0 += 1,
            RowStatus::Valid => counts.1 += 1,
            RowStatus::Duplicate => counts.2 += 1,
            RowStatus::Error => counts.3 += 1,
        }
    }
    counts
}

fn csv_error(err: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("csv: {err}"))
}

/// An export: UTF-8 with a byte-order mark (so spreadsheet programs show Kazakh
/// and Russian text), a header row of `columns`, then the rows, every cell made
/// spreadsheet-safe.
pub fn write(columns: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<Vec<u8>, ApiError> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(columns).map_err(csv_error)?;
        for cells in rows {
            writer.write_record(cells.iter().map(|cell| spreadsheet_safe(cell).into_owned())).map_err(csv_error)?;
        }
        writer.flush().map_err(csv_error)?;
    }
    Ok(out)
}

/// A cell a spreadsheet will not run as a formula: text starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading apostrophe (names reach
/// the export from the public form). Phone numbers keep their `+`.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let phone = cell.len() > 1 && cell.starts_with('+') && cell[1..].chars().all(|c| c.is_ascii_digit());
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !phone => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}
