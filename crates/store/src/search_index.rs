//! The word-prefix search index `records_fts` and how far it reaches (`search_index.indexed_to`).
//!
//! A pull does not index what it stores: indexing cost more than storing (FTS5 ~14 µs a record), so
//! records land first and the index catches up after the pull, in steps of its own ([`catch_up`]).
//! Until then a search still finds every record: the rows above the mark are matched one by one with
//! [`MATCH_FUNCTION`], which reads a record's words as the index does (see `records::Filter`).

use rusqlite::functions::FunctionFlags;

use crate::Result;

/// The SQL function that tells whether a record's search text has every word of a search as the
/// start of one of its words: `search_match(search_text, search)`.
pub const MATCH_FUNCTION: &str = "search_match";

/// Indexes up to `max` of the records stored since the index last caught up, oldest first, and
/// moves the mark past them; returns how many. Whoever calls it chooses the transaction: a pull
/// calls it in steps after its last page, so another write never waits long for the writer.
pub fn catch_up(conn: &rusqlite::Connection, max: usize) -> Result<usize> {
    let max = i64::try_from(max).unwrap_or(i64::MAX);
    let upto: Option<i64> = conn
        .prepare_cached(
            "SELECT max(id) FROM (SELECT id FROM records
             WHERE id > (SELECT indexed_to FROM search_index) ORDER BY id LIMIT ?1)",
        )?
        .query_row([max], |r| r.get(0))?;
    let Some(upto) = upto else {
        return Ok(0);
    };
    let added = conn
        .prepare_cached(
            "INSERT INTO records_fts (rowid, search_text)
             SELECT id, search_text FROM records
             WHERE id > (SELECT indexed_to FROM search_index) AND id <= ?1",
        )?
        .execute([upto])?;
    conn.prepare_cached("UPDATE search_index SET indexed_to = ?1")?
        .execute([upto])?;
    Ok(added)
}

/// How many stored records the search index does not hold yet.
pub fn backlog(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM records WHERE id > (SELECT indexed_to FROM search_index)",
        )?
        .query_row([], |r| r.get(0))?)
}

/// Registers [`MATCH_FUNCTION`] on a connection (every connection the store opens).
pub fn register(conn: &rusqlite::Connection) -> Result<()> {
    conn.create_scalar_function(
        MATCH_FUNCTION,
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            // The search is the same for every row: split it once per statement.
            let search = ctx.get_or_create_aux(1, |v| -> rusqlite::Result<Vec<Vec<String>>> {
                Ok(v.as_str()?.split_whitespace().map(words).collect())
            })?;
            Ok(matches(ctx.get_raw(0).as_str()?, &search))
        },
    )?;
    Ok(())
}

/// Whether every phrase of a search starts a run of the text's words. Run on every record the index
/// does not hold yet: an ASCII text (nearly all) is split in place, without copying its words.
fn matches(text: &str, search: &[Vec<String>]) -> bool {
    if text.is_ascii() {
        let words: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        search.iter().all(|phrase| starts_a_phrase(&words, phrase))
    } else {
        let words = words(text);
        search.iter().all(|phrase| starts_a_phrase(&words, phrase))
    }
}

/// The words of a text as the index reads them: letters and digits, lower case, without accents
/// ("O'Brien-Müller" is `o`, `brien`, `muller`).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_ascii() {
                word.push(c.to_ascii_lowercase());
            } else {
                word.extend(fold(c).chars().map(|c| c.to_ascii_lowercase()));
            }
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// A letter in ASCII ("ü" is "u", "ß" is "ss", "д" is "d"); one `deunicode` cannot spell in ASCII
/// letters stays as it is. Both the search and the text are read this way, so they agree.
fn fold(c: char) -> String {
    match deunicode::deunicode_char(c) {
        Some(ascii) if ascii.chars().all(|a| a.is_ascii_alphanumeric()) && !ascii.is_empty() => {
            ascii.to_owned()
        }
        _ => c.to_lowercase().collect(),
    }
}

/// Whether `phrase` appears in `text` word after word, its last word as the start of a word (as a
/// quoted prefix phrase `"ann acme"*` matches in FTS5).
fn starts_a_phrase(text: &[impl AsRef<str>], phrase: &[String]) -> bool {
    let Some((last, whole)) = phrase.split_last() else {
        return true;
    };
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    text.windows(phrase.len()).any(|w| {
        w.iter().zip(whole).all(|(a, b)| same(a.as_ref(), b))
            && w[whole.len()]
                .as_ref()
                .get(..last.len())
                .is_some_and(|start| same(start, last))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(text: &str, search: &str) -> bool {
        let search: Vec<Vec<String>> = search.split_whitespace().map(words).collect();
        super::matches(text, &search)
    }

    #[test]
    fn every_word_of_a_search_starts_a_word_of_the_record() {
        let text = "anna müller-o'brien 1042 anna.mueller@acme.example +1 555 010 2030 15550102030";
        assert!(matches(text, "mul"));
        assert!(matches(text, "MÜLLER anna"));
        assert!(
            matches(text, "o'brien"),
            "a quoted phrase across punctuation"
        );
        assert!(
            matches(text, "anna.mue"),
            "the last word of a phrase as a prefix"
        );
        assert!(matches(text, "1555010"), "the digits of a phone");
        assert!(!matches(text, "uller"), "not the middle of a word");
        assert!(!matches(text, "anna smith"), "every word must match");
        assert!(
            !matches(text, "anna.acme"),
            "the words of a phrase follow each other"
        );
        assert!(matches("søren ito", "soren"));
        assert!(
            matches("ann smith", "SMI"),
            "an ASCII text is read without copying its words"
        );
        assert!(matches("ann smith", "ann smith"));
        assert!(!matches("ann smith", "smithson"));
        assert!(matches("", ""));
    }
}
