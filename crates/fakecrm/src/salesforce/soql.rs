//! A SOQL subset: `SELECT f, ... FROM Object [WHERE cond AND cond ...] [ORDER BY f [ASC|DESC], ...]
//! [LIMIT n]`; conditions compare a field with `=`, `!=`, `<`, `<=`, `>`, `>=` against a quoted string,
//! an unquoted datetime or date literal, a number, `true`/`false` or `null`, or test it with
//! `IN (literal, ...)`.

use std::cmp::Ordering;

use serde_json::Value;

use super::render;
use crate::table::Props;

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Text(String),
    Time(i64),
    Number(f64),
    Bool(bool),
    Null,
    /// `IN ('a', 'b')`
    List(Vec<Literal>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub field: String,
    pub op: String,
    pub value: Literal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub fields: Vec<String>,
    pub sobject: String,
    pub conditions: Vec<Condition>,
    pub order: Vec<(String, bool)>,
    pub limit: Option<usize>,
    /// `SELECT COUNT() FROM …`: only `totalSize` is answered, with no records.
    pub count: bool,
}

/// Splits SOQL into words, quoted strings, commas and operators.
fn tokens(soql: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = soql.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut text = String::from("'");
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err("unterminated string literal".into()),
                    Some('\\') => {
                        text.push(*chars.get(i + 1).unwrap_or(&'\\'));
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(&ch) => {
                        text.push(ch);
                        i += 1;
                    }
                }
            }
            out.push(text);
        } else if c == ',' || c == '(' || c == ')' {
            out.push(c.to_string());
            i += 1;
        } else if "<>=!".contains(c) {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["<=", ">=", "!=", "<>"].contains(&two.as_str()) {
                out.push(two);
                i += 2;
            } else {
                out.push(c.to_string());
                i += 1;
            }
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !",()'<>=!".contains(chars[i]) {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        }
    }
    Ok(out)
}

fn literal(token: &str) -> Result<Literal, String> {
    if let Some(text) = token.strip_prefix('\'') {
        return Ok(Literal::Text(text.to_owned()));
    }
    match token.to_ascii_lowercase().as_str() {
        "null" => return Ok(Literal::Null),
        "true" => return Ok(Literal::Bool(true)),
        "false" => return Ok(Literal::Bool(false)),
        _ => {}
    }
    if let Some(ms) = render::parse_datetime(token) {
        return Ok(Literal::Time(ms));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(token, "%Y-%m-%d") {
        return Ok(Literal::Time(
            d.and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc()
                .timestamp_millis(),
        ));
    }
    token
        .parse::<f64>()
        .map(Literal::Number)
        .map_err(|_| format!("unexpected token: '{token}'"))
}

pub fn parse(soql: &str) -> Result<Query, String> {
    let t = tokens(soql)?;
    let keyword = |i: usize, k: &str| t.get(i).is_some_and(|w| w.eq_ignore_ascii_case(k));
    if !keyword(0, "SELECT") {
        return Err("unexpected token: expected SELECT".into());
    }
    let mut i = 1;
    let mut fields = Vec::new();
    while i < t.len() && !keyword(i, "FROM") {
        if t[i] != "," {
            fields.push(t[i].clone());
        }
        i += 1;
    }
    if fields.is_empty() {
        return Err("SELECT needs at least one field".into());
    }
    let count = fields.len() == 3
        && fields[0].eq_ignore_ascii_case("COUNT")
        && fields[1] == "("
        && fields[2] == ")";
    if count {
        fields.clear();
    }
    if !keyword(i, "FROM") {
        return Err("unexpected end of query: expected FROM".into());
    }
    let sobject = t
        .get(i + 1)
        .cloned()
        .ok_or("expected an object after FROM")?;
    i += 2;
    let mut conditions = Vec::new();
    if keyword(i, "WHERE") {
        i += 1;
        loop {
            if t.get(i + 1).is_some_and(|w| w.eq_ignore_ascii_case("IN")) {
                let field = t[i].clone();
                if t.get(i + 2).map(String::as_str) != Some("(") {
                    return Err("expected ( after IN".into());
                }
                i += 3;
                let mut items = Vec::new();
                loop {
                    match t.get(i).map(String::as_str) {
                        Some(")") => break,
                        Some(",") => {}
                        Some(token) => items.push(literal(token)?),
                        None => return Err("unterminated IN list".into()),
                    }
                    i += 1;
                }
                conditions.push(Condition {
                    field,
                    op: "IN".into(),
                    value: Literal::List(items),
                });
                i += 1;
                if keyword(i, "AND") {
                    i += 1;
                    continue;
                } else if keyword(i, "OR") {
                    return Err("OR is not supported by this emulator".into());
                }
                break;
            }
            let (Some(field), Some(op), Some(value)) = (t.get(i), t.get(i + 1), t.get(i + 2))
            else {
                return Err("incomplete WHERE condition".into());
            };
            let op = match op.as_str() {
                "=" | "!=" | "<" | "<=" | ">" | ">=" => op.clone(),
                "<>" => "!=".into(),
                other => return Err(format!("unsupported operator '{other}'")),
            };
            conditions.push(Condition {
                field: field.clone(),
                op,
                value: literal(value)?,
            });
            i += 3;
            if keyword(i, "AND") {
                i += 1;
            } else if keyword(i, "OR") {
                return Err("OR is not supported by this emulator".into());
            } else {
                break;
            }
        }
    }
    let mut order = Vec::new();
    if keyword(i, "ORDER") && keyword(i + 1, "BY") {
        i += 2;
        while let Some(field) = t.get(i) {
            if keyword(i, "LIMIT") {
                break;
            }
            let mut ascending = true;
            i += 1;
            if keyword(i, "ASC") {
                i += 1;
            } else if keyword(i, "DESC") {
                ascending = false;
                i += 1;
            }
            order.push((field.clone(), ascending));
            if t.get(i).map(String::as_str) == Some(",") {
                i += 1;
            } else {
                break;
            }
        }
    }
    let mut limit = None;
    if keyword(i, "LIMIT") {
        limit = Some(
            t.get(i + 1)
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or("LIMIT needs a number")?,
        );
        i += 2;
    }
    if let Some(extra) = t.get(i) {
        return Err(format!("unexpected token: '{extra}'"));
    }
    Ok(Query {
        fields,
        sobject,
        conditions,
        order,
        limit,
        count,
    })
}

/// Compares a stored value with a literal: times by instant, numbers numerically, text case-insensitively.
fn compare(stored: &Value, literal: &Literal) -> Option<Ordering> {
    match (stored, literal) {
        (Value::Null, Literal::Null) => Some(Ordering::Equal),
        (Value::Null, _) | (_, Literal::Null) => None,
        (Value::String(s), Literal::Time(ms)) => {
            let t = render::parse_datetime(s).or_else(|| {
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .ok()
                    .map(|d| {
                        d.and_hms_opt(0, 0, 0)
                            .unwrap_or_default()
                            .and_utc()
                            .timestamp_millis()
                    })
            })?;
            Some(t.cmp(ms))
        }
        (Value::String(s), Literal::Text(t)) => Some(s.to_lowercase().cmp(&t.to_lowercase())),
        (v, Literal::Number(n)) => v.as_f64().and_then(|x| x.partial_cmp(n)),
        (Value::Bool(b), Literal::Bool(l)) => Some(b.cmp(l)),
        _ => None,
    }
}

impl Condition {
    pub fn holds(&self, props: &Props) -> bool {
        let stored = props
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&self.field))
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null);
        if let Literal::List(items) = &self.value {
            return items
                .iter()
                .any(|item| compare(&stored, item) == Some(Ordering::Equal));
        }
        let ord = compare(&stored, &self.value);
        match self.op.as_str() {
            "=" => ord == Some(Ordering::Equal),
            "!=" => ord != Some(Ordering::Equal),
            "<" => ord == Some(Ordering::Less),
            "<=" => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
            ">" => ord == Some(Ordering::Greater),
            _ => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
        }
    }

    /// The lower bound this condition puts on the modified time, if it is one.
    pub fn modified_floor(&self) -> Option<i64> {
        let on_modified = self.field.eq_ignore_ascii_case("SystemModstamp")
            || self.field.eq_ignore_ascii_case("LastModifiedDate");
        match (&self.value, self.op.as_str()) {
            (Literal::Time(ms), ">" | ">=") if on_modified => Some(*ms),
            _ => None,
        }
    }
}

/// Sorts rows by the ORDER BY fields (ties by Id so pages are stable).
pub fn sort(rows: &mut [(u64, Props)], order: &[(String, bool)]) {
    rows.sort_by(|(ia, a), (ib, b)| {
        for (field, ascending) in order {
            let get = |p: &Props| {
                p.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(field))
                    .map(|(_, v)| v.clone())
                    .unwrap_or(Value::Null)
            };
            let (va, vb) = (get(a), get(b));
            let ord = match (&va, &vb) {
                // Ids are case-sensitive base62 of fixed width: byte order is creation order.
                (Value::String(x), Value::String(y))
                    if field.to_ascii_lowercase().ends_with("id") =>
                {
                    x.cmp(y)
                }
                (Value::String(x), Value::String(y)) => {
                    match (render::parse_datetime(x), render::parse_datetime(y)) {
                        (Some(tx), Some(ty)) => tx.cmp(&ty),
                        _ => x.to_lowercase().cmp(&y.to_lowercase()),
                    }
                }
                (x, y) => x
                    .as_f64()
                    .partial_cmp(&y.as_f64())
                    .unwrap_or(Ordering::Equal),
            };
            let ord = if *ascending { ord } else { ord.reverse() };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        ia.cmp(ib)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incremental_query_parses() {
        let q = parse("SELECT Id, Name, SystemModstamp FROM Contact WHERE SystemModstamp > 2024-01-01T00:00:00Z AND LastName = 'O\\'Brien' ORDER BY SystemModstamp, Id LIMIT 500").unwrap();
        assert_eq!(q.fields, ["Id", "Name", "SystemModstamp"]);
        assert_eq!(q.sobject, "Contact");
        assert_eq!(q.conditions[0].modified_floor(), Some(1_704_067_200_000));
        assert_eq!(q.conditions[1].value, Literal::Text("O'Brien".into()));
        assert_eq!(
            q.order,
            [("SystemModstamp".to_owned(), true), ("Id".to_owned(), true)]
        );
        assert_eq!(q.limit, Some(500));
    }

    #[test]
    fn an_in_list_matches_any_of_its_values_case_insensitively() {
        let q = parse(
            "SELECT Id, Email FROM Contact WHERE Email IN ('a@x.io', 'B@y.io') AND LastName != 'Z'",
        )
        .unwrap();
        let props = |email: &str, last: &str| {
            let mut p = Props::new();
            p.insert("Email".into(), Value::String(email.into()));
            p.insert("LastName".into(), Value::String(last.into()));
            p
        };
        let all = |p: &Props| q.conditions.iter().all(|c| c.holds(p));
        assert!(all(&props("b@Y.io", "Q")));
        assert!(!all(&props("c@y.io", "Q")));
        assert!(!all(&props("a@x.io", "Z")));
        assert!(parse("SELECT Id FROM Contact WHERE Email IN ('a'").is_err());
    }

    #[test]
    fn malformed_queries_say_what_is_wrong() {
        for (soql, want) in [
            ("Name FROM Contact", "SELECT"),
            ("SELECT Id Contact", "FROM"),
            (
                "SELECT Id FROM Contact WHERE Name = 'x' OR Name = 'y'",
                "OR",
            ),
            ("SELECT Id FROM Contact WHERE Name LIKE 'x'", "operator"),
            ("SELECT Id FROM Contact LIMIT many", "LIMIT"),
            ("SELECT Id FROM Contact WHERE Name = 'open", "unterminated"),
        ] {
            let err = parse(soql).unwrap_err();
            assert!(err.contains(want), "{soql}: {err}");
        }
    }
}
