//! The `records` table and its word-prefix search index `records_fts`.

use bridge_model::{
    ConnectionId, NewRecord, ObjectCount, ObjectType, Record, RecordId, RecordQuery, RecordRow,
};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, ToSql, params};
use sha2::{Digest, Sha256};

use crate::{Error, Result, search_index, time};

/// What an upsert did to the stored copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created,
    Updated,
    Unchanged,
}

/// Inserts or updates one pulled record; an identical copy is left alone (and its deletion mark cleared).
pub fn upsert(
    conn: &rusqlite::Connection,
    record: &NewRecord,
    pulled_at: DateTime<Utc>,
) -> Result<UpsertOutcome> {
    Ok(upsert_page(conn, std::slice::from_ref(record), pulled_at)?[0])
}

/// A record ready to store: its JSON, content hash and the text the list sorts and searches by.
struct Prepared {
    fields: String,
    raw: String,
    hash: String,
    display_name: String,
    search_text: String,
    modified: Option<String>,
    company_ref: Option<String>,
    person_ref: Option<String>,
}

fn prepare(record: &NewRecord) -> Prepared {
    let fields = serde_json::Value::Object(record.fields.clone()).to_string();
    let raw = record.raw.to_string();
    // Fields and payload, as stored, in canonical order (serde_json's Map is ordered).
    let mut hasher = Sha256::new();
    hasher.update(fields.as_bytes());
    hasher.update("\u{1f}".as_bytes());
    hasher.update(raw.as_bytes());
    Prepared {
        hash: hex(&hasher.finalize()),
        fields,
        raw,
        display_name: record.display_name(),
        search_text: record.search_text(),
        modified: record.remote_modified_at.map(time::to_sql),
        company_ref: link(record, "company_id"),
        person_ref: link(record, "person_id"),
    }
}

/// The remote id a link field holds (`company_id`, `person_id`), kept in a column of its own so the
/// records a merge moves are found by an index.
fn link(record: &NewRecord, field: &str) -> Option<String> {
    record.fields.get(field)?.as_str().map(str::to_owned)
}

/// How many pulled records a pull writes in one transaction (at most; a pull also writes what it
/// has every 500 ms). Every commit rewrites each index page its rows touched, and the name index is
/// touched at random: at a million records a batch of 20,000 rewrote most of its pages, and one of
/// 50,000 stores a record ~10 % faster. A batch holds the writer for ~0.5 s.
pub const WRITE_BATCH: usize = 50_000;

/// Inserts or updates a page of pulled records, as [`upsert`] does one, and brings the search index
/// up to date: the outcome of each, in order.
pub fn upsert_page(
    conn: &rusqlite::Connection,
    page: &[NewRecord],
    pulled_at: DateTime<Utc>,
) -> Result<Vec<UpsertOutcome>> {
    let outcomes = store_page(conn, page, pulled_at)?;
    search_index::catch_up(conn, usize::MAX)?;
    Ok(outcomes)
}

/// Inserts or updates a page of pulled records without touching the search index (it catches up
/// later: [`search_index::catch_up`]). A large page's JSON, hashes and search text are prepared
/// on a second thread while this one writes.
pub fn store_page(
    conn: &rusqlite::Connection,
    page: &[NewRecord],
    pulled_at: DateTime<Utc>,
) -> Result<Vec<UpsertOutcome>> {
    if page.len() < PREPARE_APART {
        return write_page(conn, page, page.iter().map(prepare), pulled_at);
    }
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel(4);
        scope.spawn(move || {
            for chunk in page.chunks(PREPARE_APART) {
                // The writer stopped (an error): nothing more to prepare.
                if send
                    .send(chunk.iter().map(prepare).collect::<Vec<_>>())
                    .is_err()
                {
                    return;
                }
            }
        });
        // A panic while preparing ends the records early and is raised when the scope ends.
        write_page(conn, page, receive.into_iter().flatten(), pulled_at)
    })
}

/// From this many records on, a page is prepared on a second thread, this many at a time.
const PREPARE_APART: usize = 512;

fn write_page(
    conn: &rusqlite::Connection,
    page: &[NewRecord],
    prepared: impl Iterator<Item = Prepared>,
    pulled_at: DateTime<Utc>,
) -> Result<Vec<UpsertOutcome>> {
    // A page whose first record is not stored is taken for new records (a first pull): looking them
    // all up would find nothing. Either way a record is inserted only if its key is free, and one
    // stored after all (twice in the page, or new and old mixed) is looked up alone.
    let mut stored = match page.first() {
        Some(first) if stored_copy(conn, first)?.is_some() => stored_copies(conn, page)?,
        _ => std::collections::HashMap::new(),
    };
    let pulled = time::to_sql(pulled_at);
    let mut seen = conn.prepare_cached("UPDATE records SET pulled_at = ?2 WHERE id = ?1")?;
    let mut update = conn.prepare_cached(
        "UPDATE records SET display_name = ?2, fields = ?3, raw = ?4, remote_modified_at = ?5,
                content_hash = ?6, search_text = ?7, pulled_at = ?8, deleted_at = NULL,
                company_ref = ?9, person_ref = ?10
         WHERE id = ?1",
    )?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO records (connection_id, object_type, remote_id, display_name, fields, raw,
                              remote_modified_at, content_hash, search_text, pulled_at,
                              company_ref, person_ref)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (connection_id, object_type, remote_id) DO NOTHING",
    )?;
    let mut outcomes = Vec::with_capacity(page.len());
    for (r, p) in page.iter().zip(prepared) {
        // A page of new records has nothing looked up, and its keys are not built.
        let key =
            (!stored.is_empty()).then(|| (r.connection_id.0, r.object_type, r.remote_id.clone()));
        let known = key.as_ref().and_then(|k| stored.get(k)).cloned();
        let copy = match known {
            Some(copy) => copy,
            None => {
                let inserted = insert.execute(params![
                    r.connection_id.0,
                    r.object_type.as_str(),
                    r.remote_id,
                    p.display_name,
                    p.fields,
                    p.raw,
                    p.modified,
                    p.hash,
                    p.search_text,
                    pulled,
                    p.company_ref,
                    p.person_ref
                ])?;
                if inserted == 1 {
                    outcomes.push(UpsertOutcome::Created);
                    continue;
                }
                stored_copy(conn, r)?.ok_or_else(|| Error::Corrupt {
                    what: format!("{} {}", r.object_type.as_str(), r.remote_id),
                    detail: "its key is taken, but no record holds it".into(),
                })?
            }
        };
        outcomes.push(match copy {
            (id, hash, false) if hash == p.hash => {
                seen.execute(params![id, pulled])?;
                UpsertOutcome::Unchanged
            }
            (id, _, _) => {
                update.execute(params![
                    id,
                    p.display_name,
                    p.fields,
                    p.raw,
                    p.modified,
                    p.hash,
                    p.search_text,
                    pulled,
                    p.company_ref,
                    p.person_ref
                ])?;
                // The same record later in the page is compared with this copy, not the one before.
                if let Some(known) = key.and_then(|k| stored.get_mut(&k)) {
                    *known = (id, p.hash, false);
                }
                UpsertOutcome::Updated
            }
        });
    }
    Ok(outcomes)
}

/// A stored copy: its id, content hash, and whether it is marked deleted.
type StoredCopy = (i64, String, bool);

/// The stored copy of one pulled record, if any.
fn stored_copy(conn: &rusqlite::Connection, record: &NewRecord) -> Result<Option<StoredCopy>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, content_hash, deleted_at IS NOT NULL FROM records
             WHERE connection_id = ?1 AND object_type = ?2 AND remote_id = ?3",
        )?
        .query_row(
            params![
                record.connection_id.0,
                record.object_type.as_str(),
                record.remote_id
            ],
            |r| <StoredCopy>::try_from(r),
        )
        .optional()?)
}

/// The stored copies of a page's records, by (connection, type, remote id), looked up at once.
fn stored_copies(
    conn: &rusqlite::Connection,
    page: &[NewRecord],
) -> Result<std::collections::HashMap<(i64, ObjectType, String), StoredCopy>> {
    let mut stored = std::collections::HashMap::new();
    let mut groups: std::collections::BTreeMap<(i64, ObjectType), Vec<&str>> =
        std::collections::BTreeMap::new();
    for r in page {
        groups
            .entry((r.connection_id.0, r.object_type))
            .or_default()
            .push(&r.remote_id);
    }
    let mut lookup = conn.prepare_cached(
        "SELECT remote_id, id, content_hash, deleted_at IS NOT NULL FROM records
         WHERE connection_id = ?1 AND object_type = ?2 AND remote_id IN (SELECT value FROM json_each(?3))",
    )?;
    for ((connection, object_type), ids) in groups {
        let ids = serde_json::to_string(&ids).expect("ids serialise");
        let rows = lookup.query_map(params![connection, object_type.as_str(), ids], |r| {
            <(String, i64, String, bool)>::try_from(r)
        })?;
        for row in rows {
            let (remote_id, id, hash, deleted) = row?;
            stored.insert((connection, object_type, remote_id), (id, hash, deleted));
        }
    }
    Ok(stored)
}

/// Marks records the CRM's delete feed reported; returns how many were live.
pub fn mark_deleted(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
    object_type: ObjectType,
    remote_ids: &[String],
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut stmt = conn.prepare_cached(
        "UPDATE records SET deleted_at = ?4
         WHERE connection_id = ?1 AND object_type = ?2 AND remote_id = ?3 AND deleted_at IS NULL",
    )?;
    let mut n = 0;
    for id in remote_ids {
        n += stmt.execute(params![
            connection.0,
            object_type.as_str(),
            id,
            time::to_sql(now)
        ])?;
    }
    Ok(n)
}

/// After a full pull: every live record it did not see (pulled before the pull began) is gone from the
/// CRM. Returns how many were marked.
pub fn mark_unseen_deleted(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
    object_type: ObjectType,
    pass_started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "UPDATE records SET deleted_at = ?4
             WHERE connection_id = ?1 AND object_type = ?2 AND deleted_at IS NULL AND pulled_at < ?3",
        )?
        .execute(params![
            connection.0,
            object_type.as_str(),
            time::to_sql(pass_started),
            time::to_sql(now)
        ])?)
}

pub fn get(conn: &rusqlite::Connection, id: RecordId) -> Result<Option<Record>> {
    let row = conn
        .prepare_cached(
            "SELECT id, connection_id, object_type, remote_id, display_name, fields, remote_modified_at,
                    content_hash
             FROM records WHERE id = ?1",
        )?
        .query_row([id.0], |r| <(i64, i64, String, String, String, String, Option<String>, String)>::try_from(r))
        .optional()?;
    let Some((id, connection_id, object_type, remote_id, display_name, fields, modified, hash)) =
        row
    else {
        return Ok(None);
    };
    let fields = match serde_json::from_str::<serde_json::Value>(&fields) {
        Ok(serde_json::Value::Object(map)) => map,
        other => {
            return Err(Error::Corrupt {
                what: format!("records.fields of record {id}"),
                detail: format!("not a JSON object: {other:?}"),
            });
        }
    };
    Ok(Some(Record {
        id: RecordId(id),
        connection_id: ConnectionId(connection_id),
        object_type: parse_object_type(id, &object_type)?,
        remote_id,
        display_name,
        fields,
        remote_modified_at: time::opt_from_sql("records.remote_modified_at", modified)?,
        content_hash: hash,
    }))
}

/// The live activities of `connection` linked to the record `remote_id` (as its person, company or
/// deal), at most `limit`, through the partial indexes of migration 0010.
pub fn activities_on(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
    remote_id: &str,
    limit: i64,
) -> Result<Vec<Record>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM records
          WHERE connection_id = ?1 AND json_extract(fields, '$.person_id') = ?2
            AND object_type = 'activity' AND deleted_at IS NULL
         UNION
         SELECT id FROM records
          WHERE connection_id = ?1 AND json_extract(fields, '$.company_id') = ?2
            AND object_type = 'activity' AND deleted_at IS NULL
         UNION
         SELECT id FROM records
          WHERE connection_id = ?1 AND json_extract(fields, '$.deal_id') = ?2
            AND object_type = 'activity' AND deleted_at IS NULL
         LIMIT ?3",
    )?;
    let ids = stmt
        .query_map(params![connection.0, remote_id, limit], |r| {
            r.get::<_, i64>(0)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.extend(get(conn, RecordId(id))?);
    }
    Ok(out)
}

/// One page of live records matching `query`, ordered by name.
pub fn page(conn: &rusqlite::Connection, query: &RecordQuery) -> Result<Vec<RecordRow>> {
    let filter = Filter::new(query);
    let Some(ids) = page_ids(conn, query, &filter)? else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT r.id, r.connection_id, r.object_type, r.remote_id, r.display_name,
                json_extract(r.fields, '$.email'), json_extract(r.fields, '$.phone'),
                json_extract(r.fields, '$.company'), r.remote_modified_at
         FROM ({ids}) p
         JOIN records r ON r.id = p.id
         ORDER BY r.display_name, r.id"
    );
    let limit = query.limit.clamp(0, RecordQuery::MAX_LIMIT);
    let offset = query.offset.max(0);
    let mut params: Vec<&dyn ToSql> = filter.params.iter().map(|p| p.as_ref()).collect();
    params.push(&limit);
    params.push(&offset);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params.as_slice(), |r| {
        <(
            i64,
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        )>::try_from(r)
    })?;
    rows.map(|row| {
        let (
            id,
            connection_id,
            object_type,
            remote_id,
            display_name,
            email,
            phone,
            company,
            modified,
        ) = row?;
        Ok(RecordRow {
            id: RecordId(id),
            connection_id: ConnectionId(connection_id),
            object_type: parse_object_type(id, &object_type)?,
            remote_id,
            display_name,
            email,
            phone,
            company,
            remote_modified_at: time::opt_from_sql("records.remote_modified_at", modified)?,
        })
    })
    .collect()
}

/// The SQL that pages through the ids of a list (the filter's parameters, then limit and offset),
/// or `None` when there is nothing to list (no connection).
fn page_ids(
    conn: &rusqlite::Connection,
    query: &RecordQuery,
    filter: &Filter,
) -> Result<Option<String>> {
    let limit_at = filter.params.len() + 1;
    let (limit, offset) = (limit_at, limit_at + 1);
    // Deferred join: page through the covering index first, then read only the rows of the page.
    // The one name index is by connection, type and name: a list across connections or types is
    // the name-ordered range of each connection and type, merged (SQLite merges a compound select
    // whose parts come ordered, without sorting).
    Ok(Some(match filter.ranges(conn, query)? {
        Some(ranges) if ranges.is_empty() => return Ok(None),
        Some(ranges) => {
            let parts: Vec<String> = ranges
                .iter()
                .map(|(connection, object_type)| {
                    format!(
                        "SELECT r.id, r.display_name FROM records r
                         WHERE {} AND r.connection_id = {connection} AND r.object_type = '{}'",
                        filter.sql,
                        object_type.as_str()
                    )
                })
                .collect();
            format!(
                "SELECT id FROM ({} ORDER BY display_name, id LIMIT ?{limit} OFFSET ?{offset})",
                parts.join(" UNION ALL ")
            )
        }
        None => format!(
            "SELECT r.id FROM {} WHERE {} ORDER BY r.display_name, r.id LIMIT ?{limit} OFFSET ?{offset}",
            filter.from, filter.sql
        ),
    }))
}

/// How many live records match `query` (its offset and limit are ignored).
pub fn count(conn: &rusqlite::Connection, query: &RecordQuery) -> Result<i64> {
    let filter = Filter::new(query);
    let sql = format!("SELECT count(*) FROM {} WHERE {}", filter.from, filter.sql);
    let params: Vec<&dyn ToSql> = filter.params.iter().map(|p| p.as_ref()).collect();
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params.as_slice(), |r| r.get(0))?)
}

/// Live records per connection and object type.
pub fn counts(conn: &rusqlite::Connection) -> Result<Vec<ObjectCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT connection_id, object_type, count(*) FROM records
         WHERE deleted_at IS NULL GROUP BY connection_id, object_type ORDER BY connection_id, object_type",
    )?;
    let rows = stmt.query_map([], |r| <(i64, String, i64)>::try_from(r))?;
    rows.map(|row| {
        let (connection_id, object_type, count) = row?;
        Ok(ObjectCount {
            connection_id: ConnectionId(connection_id),
            object_type: parse_object_type(connection_id, &object_type)?,
            count,
        })
    })
    .collect()
}

/// Live records of one connection per object type and, for activities, per kind (the `kind` field;
/// None for other types and for activities that name none).
pub fn kind_counts(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
) -> Result<Vec<(ObjectType, Option<String>, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT object_type,
                CASE WHEN object_type = 'activity' THEN json_extract(fields, '$.kind') END,
                count(*)
           FROM records
          WHERE connection_id = ?1 AND deleted_at IS NULL
          GROUP BY 1, 2 ORDER BY 1, 2",
    )?;
    let rows = stmt.query_map([connection.0], |r| {
        <(String, Option<String>, i64)>::try_from(r)
    })?;
    rows.map(|row| {
        let (object_type, kind, count) = row?;
        Ok((parse_object_type(connection.0, &object_type)?, kind, count))
    })
    .collect()
}

/// The FROM and WHERE clauses of a records query, built from fixed fragments with numbered parameters.
struct Filter {
    from: String,
    searching: bool,
    sql: String,
    params: Vec<Box<dyn ToSql>>,
}

impl Filter {
    fn new(query: &RecordQuery) -> Self {
        let mut f = Filter {
            from: "records r".to_owned(),
            searching: false,
            sql: "r.deleted_at IS NULL".to_owned(),
            params: Vec::new(),
        };
        if let Some(id) = query.connection_id {
            f.push(" AND r.connection_id = ?", Box::new(id.0));
        }
        if let Some(t) = query.object_type {
            f.push(" AND r.object_type = ?", Box::new(t.as_str()));
        }
        let words: Vec<String> = query
            .search
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
            .collect();
        if !words.is_empty() {
            // Every word must start a word of the record (a quoted prefix phrase each, so punctuation
            // in "ann@acme" or "o'brien" is tokenised like the stored text). Start from the matches and
            // sort only them: a search is usually far smaller than the table. Records the index does
            // not hold yet (stored by a pull in progress) are matched one by one.
            f.searching = true;
            f.params.push(Box::new(words.join(" ")));
            let fts = f.params.len();
            f.params
                .push(Box::new(query.search.clone().unwrap_or_default()));
            let search = f.params.len();
            f.from = format!(
                "(SELECT rowid AS id FROM records_fts WHERE records_fts MATCH ?{fts}
                  UNION ALL
                  SELECT id FROM records WHERE id > (SELECT indexed_to FROM search_index)
                                          AND {}(search_text, ?{search})) m
                 CROSS JOIN records r ON r.id = m.id",
                search_index::MATCH_FUNCTION
            );
        }
        f
    }

    /// The (connection, type) ranges of the name index a list merges, when it lists more than one
    /// connection or type in name order; `None` when one range or a search's matches are sorted.
    fn ranges(
        &self,
        conn: &rusqlite::Connection,
        query: &RecordQuery,
    ) -> Result<Option<Vec<(i64, ObjectType)>>> {
        if self.searching || (query.connection_id.is_some() && query.object_type.is_some()) {
            return Ok(None);
        }
        let connections: Vec<i64> = match query.connection_id {
            Some(id) => vec![id.0],
            None => conn
                .prepare_cached("SELECT id FROM connections ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
        };
        let types = query
            .object_type
            .map_or(ObjectType::ALL.to_vec(), |t| vec![t]);
        let ranges: Vec<(i64, ObjectType)> = connections
            .iter()
            .flat_map(|c| types.iter().map(move |t| (*c, *t)))
            .collect();
        // SQLite takes at most 500 parts in a compound select; that many ranges are sorted instead.
        Ok((ranges.len() <= 400).then_some(ranges))
    }

    fn push(&mut self, fragment: &str, param: Box<dyn ToSql>) {
        self.params.push(param);
        self.sql.push_str(fragment);
        self.sql.push_str(&self.params.len().to_string());
    }
}

fn parse_object_type(id: i64, text: &str) -> Result<ObjectType> {
    text.parse()
        .map_err(|e: bridge_model::ParseError| Error::Corrupt {
            what: format!("object_type of row {id}"),
            detail: e.to_string(),
        })
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)].into());
        out.push(DIGITS[usize::from(b & 15)].into());
    }
    out
}

/// (object type, remote id, content hash, deleted) of every record of a connection, in a stable order:
/// what two mirrors of the same CRM must agree on.
pub fn fingerprints(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
) -> Result<Vec<(String, String, String, bool)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT object_type, remote_id, content_hash, deleted_at IS NOT NULL FROM records
         WHERE connection_id = ?1 ORDER BY object_type, remote_id",
    )?;
    let rows = stmt.query_map(params![connection.0], |r| {
        <(String, String, String, bool)>::try_from(r)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A live record's canonical fields, as duplicate detection reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldsOf {
    pub id: RecordId,
    pub connection_id: ConnectionId,
    pub object_type: ObjectType,
    pub remote_id: String,
    pub fields: bridge_model::Fields,
}

/// Every live record of these types (of these connections, or all when empty), in id order.
pub fn fields_of(
    conn: &rusqlite::Connection,
    object_types: &[ObjectType],
    connections: &[ConnectionId],
) -> Result<Vec<FieldsOf>> {
    let types = serde_json::to_string(&object_types.iter().map(|t| t.as_str()).collect::<Vec<_>>())
        .expect("names serialise");
    let ids = serde_json::to_string(&connections.iter().map(|c| c.0).collect::<Vec<_>>())
        .expect("ids serialise");
    let mut stmt = conn.prepare_cached(
        "SELECT id, connection_id, object_type, remote_id, fields FROM records
         WHERE deleted_at IS NULL
           AND object_type IN (SELECT value FROM json_each(?1))
           AND (json_array_length(?2) = 0 OR connection_id IN (SELECT value FROM json_each(?2)))
         ORDER BY id",
    )?;
    let rows = stmt.query_map(params![types, ids], |r| {
        <(i64, i64, String, String, String)>::try_from(r)
    })?;
    rows.map(|row| {
        let (id, connection_id, object_type, remote_id, fields) = row?;
        let fields = match serde_json::from_str::<serde_json::Value>(&fields) {
            Ok(serde_json::Value::Object(map)) => map,
            other => {
                return Err(Error::Corrupt {
                    what: format!("records.fields of record {id}"),
                    detail: format!("not a JSON object: {other:?}"),
                });
            }
        };
        Ok(FieldsOf {
            id: RecordId(id),
            connection_id: ConnectionId(connection_id),
            object_type: parse_object_type(id, &object_type)?,
            remote_id,
            fields,
        })
    })
    .collect()
}

/// Live records of `connection` whose link `field` (`company_id`, `person_id` or `deal_id`) points at
/// `remote_id`: the children a merge moves. (id, object type, remote id).
pub fn children(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
    field: &str,
    remote_id: &str,
) -> Result<Vec<(RecordId, ObjectType, String)>> {
    // Companies and people are found through their indexed columns; deals are linked to by few
    // records (activities), read from the fields.
    let column = match field {
        "company_id" => "company_ref",
        "person_id" => "person_ref",
        "deal_id" => "fields ->> '$.deal_id'",
        other => {
            return Err(Error::Corrupt {
                what: "link field".into(),
                detail: format!("`{other}` is not a link field"),
            });
        }
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, object_type, remote_id FROM records
         WHERE connection_id = ?1 AND {column} = ?2 AND deleted_at IS NULL
         ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![connection.0, remote_id], |r| {
        <(i64, String, String)>::try_from(r)
    })?;
    rows.map(|row| {
        let (id, object_type, remote) = row?;
        Ok((RecordId(id), parse_object_type(id, &object_type)?, remote))
    })
    .collect()
}

/// Replaces a record's canonical fields with what was written to its CRM (a merge or its undo),
/// keeping the CRM's payload; the next pull brings the CRM's own copy.
pub fn set_fields(
    conn: &rusqlite::Connection,
    id: RecordId,
    fields: &bridge_model::Fields,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(record) = get(conn, id)? else {
        return Err(Error::Corrupt {
            what: format!("record {}", id.0),
            detail: "not found".into(),
        });
    };
    let new = NewRecord {
        connection_id: record.connection_id,
        object_type: record.object_type,
        remote_id: record.remote_id,
        fields: fields.clone(),
        raw: serde_json::Value::Null,
        remote_modified_at: record.remote_modified_at,
    };
    let p = prepare(&new);
    conn.prepare_cached(
        "UPDATE records SET display_name = ?2, fields = ?3, content_hash = ?4, search_text = ?5,
                pulled_at = ?6, deleted_at = NULL, company_ref = ?7, person_ref = ?8
         WHERE id = ?1",
    )?
    .execute(params![
        id.0,
        p.display_name,
        p.fields,
        p.hash,
        p.search_text,
        time::to_sql(now),
        p.company_ref,
        p.person_ref
    ])?;
    Ok(())
}

/// The name a record is listed by, where the mirror holds it.
pub fn display_name_of(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
    object_type: ObjectType,
    remote_id: &str,
) -> Result<Option<String>> {
    Ok(find(conn, connection, object_type, remote_id)?.map(|(_, name)| name))
}

/// The local id of a record by its CRM id.
pub fn id_of(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
    object_type: ObjectType,
    remote_id: &str,
) -> Result<Option<RecordId>> {
    Ok(find(conn, connection, object_type, remote_id)?.map(|(id, _)| id))
}

fn find(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
    object_type: ObjectType,
    remote_id: &str,
) -> Result<Option<(RecordId, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, display_name FROM records
             WHERE connection_id = ?1 AND object_type = ?2 AND remote_id = ?3",
        )?
        .query_row(
            params![connection.0, object_type.as_str(), remote_id],
            |r| Ok((RecordId(r.get(0)?), r.get(1)?)),
        )
        .optional()?)
}

/// Points the local children of a merged record at its survivor, as the CRM's merge did.
pub fn repoint(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
    field: &str,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<usize> {
    let children = children(conn, connection, field, from)?;
    for (child, _, _) in &children {
        if let Some(mut record) = get(conn, *child)? {
            record
                .fields
                .insert(field.to_owned(), serde_json::Value::String(to.to_owned()));
            set_fields(conn, *child, &record.fields, now)?;
        }
    }
    Ok(children.len())
}

/// A live record as a sync compares it: its fields and when the CRM last changed it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncView {
    /// The mirror's row id: it grows with every record the mirror first sees.
    pub row: i64,
    pub remote_id: String,
    pub display_name: String,
    pub fields: bridge_model::Fields,
    pub modified: Option<DateTime<Utc>>,
}

/// Every live record of one type of one connection.
pub fn sync_view(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
    object_type: ObjectType,
) -> Result<Vec<SyncView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, remote_id, display_name, fields, remote_modified_at FROM records
         WHERE connection_id = ?1 AND object_type = ?2 AND deleted_at IS NULL",
    )?;
    let rows = stmt.query_map(params![connection.0, object_type.as_str()], |r| {
        <(i64, String, String, String, Option<String>)>::try_from(r)
    })?;
    rows.map(|r| {
        let (row, remote_id, display_name, fields, modified) = r?;
        Ok(SyncView {
            row,
            fields: crate::from_json(&format!("records.fields of {remote_id}"), &fields)?,
            modified: time::opt_from_sql("records.remote_modified_at", modified)?,
            remote_id,
            display_name,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite's query plan of `sql`, one step a line.
    fn plan_of(c: &rusqlite::Connection, sql: &str) -> Result<String> {
        let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let mut rows = stmt.raw_query();
        let mut plan = Vec::new();
        while let Some(row) = rows.next()? {
            plan.push(row.get::<_, String>(3)?);
        }
        Ok(plan.join("\n"))
    }

    #[test]
    fn every_list_in_name_order_reads_the_name_index_without_sorting() {
        let store = crate::Store::open_in_memory().unwrap();
        store
            .write(|tx| {
                tx.execute_batch(
                    "INSERT INTO connections (id, provider, label, base_url, created_at) VALUES
                       (1, 'close', 'A', 'http://a', '2025-01-01T00:00:00.000Z'),
                       (2, 'hubspot', 'B', 'http://b', '2025-01-01T00:00:00.000Z');",
                )?;
                Ok(())
            })
            .unwrap();
        for (connection_id, object_type) in [
            (None, None),
            (Some(ConnectionId(1)), None),
            (None, Some(ObjectType::Person)),
            (Some(ConnectionId(1)), Some(ObjectType::Person)),
        ] {
            let query = RecordQuery {
                connection_id,
                object_type,
                limit: 100,
                ..Default::default()
            };
            let plan = store
                .read(|c| {
                    let filter = Filter::new(&query);
                    let sql = page_ids(c, &query, &filter)?.expect("two connections");
                    plan_of(c, &sql)
                })
                .unwrap();
            let what = format!("{connection_id:?} {object_type:?}:\n{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{what}");
            assert!(plan.contains("records_live_by_connection_type"), "{what}");
            if connection_id.is_none() || object_type.is_none() {
                assert!(plan.contains("MERGE"), "{what}");
            }
        }
    }

    #[test]
    fn a_records_activities_are_found_by_each_link_through_its_index() {
        let store = crate::Store::open_in_memory().unwrap();
        store
            .write(|tx| {
                tx.execute_batch(
                    "INSERT INTO connections (id, provider, label, base_url, created_at) VALUES
                       (1, 'close', 'A', 'http://a', '2025-01-01T00:00:00.000Z'),
                       (2, 'hubspot', 'B', 'http://b', '2025-01-01T00:00:00.000Z');",
                )?;
                let activity = |connection: i64, id: &str, links: serde_json::Value| NewRecord {
                    connection_id: ConnectionId(connection),
                    object_type: ObjectType::Activity,
                    remote_id: id.into(),
                    fields: links.as_object().cloned().unwrap(),
                    raw: serde_json::json!({}),
                    remote_modified_at: None,
                };
                let now = Utc::now();
                for r in [
                    activity(
                        1,
                        "a1",
                        serde_json::json!({"kind": "call", "person_id": "p1"}),
                    ),
                    activity(
                        1,
                        "a2",
                        serde_json::json!({"kind": "note", "company_id": "p1"}),
                    ),
                    activity(
                        1,
                        "a3",
                        serde_json::json!({"kind": "task", "deal_id": "p1", "person_id": "p1"}),
                    ),
                    activity(
                        1,
                        "a4",
                        serde_json::json!({"kind": "note", "person_id": "p2"}),
                    ),
                    // The same id in another connection is another record.
                    activity(
                        2,
                        "a5",
                        serde_json::json!({"kind": "note", "person_id": "p1"}),
                    ),
                ] {
                    upsert(tx, &r, now)?;
                }
                Ok(())
            })
            .unwrap();
        let found = store
            .read(|c| activities_on(c, ConnectionId(1), "p1", 100))
            .unwrap();
        let mut ids: Vec<&str> = found.iter().map(|r| r.remote_id.as_str()).collect();
        ids.sort();
        assert_eq!(ids, ["a1", "a2", "a3"]);
        let plan = store
            .read(|c| {
                plan_of(
                    c,
                    "SELECT id FROM records
                      WHERE connection_id = 1 AND json_extract(fields, '$.person_id') = 'p1'
                        AND object_type = 'activity' AND deleted_at IS NULL",
                )
            })
            .unwrap();
        assert!(plan.contains("records_activity_person"), "{plan}");
    }
}
