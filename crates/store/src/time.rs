//! Times are stored as RFC 3339 UTC text with milliseconds, which sorts as time.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::{Error, Result};

pub(crate) fn to_sql(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn from_sql(column: &str, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::Corrupt {
            what: column.to_owned(),
            detail: format!("`{text}` is not a time: {e}"),
        })
}

pub(crate) fn opt_from_sql(column: &str, text: Option<String>) -> Result<Option<DateTime<Utc>>> {
    text.map(|t| from_sql(column, &t)).transpose()
}
