//! CSV cells safe to open in a spreadsheet: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
//! return is read by Excel, LibreOffice and Google Sheets as a formula (`=HYPERLINK(...)` in a CRM note
//! would run when a person opens the export), so it is written after a `'`, which they show as text.

use std::borrow::Cow;

/// `text` as a cell no spreadsheet reads as a formula.
pub(crate) fn cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn a_cell_that_a_spreadsheet_would_run_is_written_as_text() {
        for (given, written) in [
            (
                "=HYPERLINK(\"http://evil.example\",\"Click\")",
                "'=HYPERLINK(\"http://evil.example\",\"Click\")",
            ),
            ("+1 555 0100", "'+1 555 0100"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("Ann Lee", "Ann Lee"),
            ("ann@example.com", "ann@example.com"),
            ("", ""),
            ("{\"email\":\"=x\"}", "{\"email\":\"=x\"}"),
        ] {
            assert_eq!(cell(given), written, "{given:?}");
        }
    }
}
