//! Which custom fields of a connection's object type the mirror holds, where a person chose.

use std::collections::HashMap;

use bridge_model::{ConnectionId, ObjectType};
use chrono::{DateTime, Utc};
use rusqlite::params;

use crate::{Result, from_json, time};

/// The custom keys chosen for each object type of a connection (a type not named: every one).
pub fn chosen(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
) -> Result<HashMap<ObjectType, Vec<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT object_type, custom_keys FROM mirrored_fields WHERE connection_id = ?1",
    )?;
    let rows = stmt.query_map([connection.0], |r| <(String, String)>::try_from(r))?;
    let mut out = HashMap::new();
    for row in rows {
        let (t, keys) = row?;
        let t: ObjectType = t.parse().map_err(|e| crate::Error::Corrupt {
            what: format!("mirrored_fields.object_type of connection {}", connection.0),
            detail: format!("{e}"),
        })?;
        out.insert(
            t,
            from_json(&format!("mirrored_fields.custom_keys of {t}"), &keys)?,
        );
    }
    Ok(out)
}

/// Chooses the custom keys of `object_type` (None: every one again), and takes the values of the
/// others out of the mirror's canonical fields, so what the app shows and works on is what a person
/// chose (the payload as received keeps them until the record is pulled again).
pub fn choose(
    tx: &rusqlite::Connection,
    connection: ConnectionId,
    object_type: ObjectType,
    keys: Option<&[String]>,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(keys) = keys else {
        tx.execute(
            "DELETE FROM mirrored_fields WHERE connection_id = ?1 AND object_type = ?2",
            params![connection.0, object_type.as_str()],
        )?;
        return Ok(());
    };
    let list = serde_json::to_string(keys).expect("keys serialise");
    tx.execute(
        "INSERT INTO mirrored_fields (connection_id, object_type, custom_keys, updated_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (connection_id, object_type)
         DO UPDATE SET custom_keys = excluded.custom_keys, updated_at = excluded.updated_at",
        params![connection.0, object_type.as_str(), list, time::to_sql(now)],
    )?;
    // Every custom value not chosen leaves the records; a record left with none loses `custom`.
    tx.execute(
        "UPDATE records SET fields = (
            SELECT CASE WHEN kept.custom = '{}' THEN json_remove(records.fields, '$.custom')
                        ELSE json_set(records.fields, '$.custom', json(kept.custom)) END
              FROM (SELECT coalesce((SELECT json_group_object(e.key,
                                              CASE WHEN e.type IN ('object', 'array') THEN json(e.value)
                                                   ELSE e.value END)
                                       FROM json_each(records.fields, '$.custom') AS e
                                      WHERE e.key IN (SELECT value FROM json_each(?3))),
                                    '{}') AS custom) AS kept)
         WHERE connection_id = ?1 AND object_type = ?2
           AND json_type(fields, '$.custom') = 'object'",
        params![connection.0, object_type.as_str(), list],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use bridge_model::{NewConnection, Provider};
    use serde_json::json;

    use super::*;
    use crate::Store;

    #[test]
    fn choosing_keeps_the_chosen_custom_values_in_the_mirror_and_drops_the_others() {
        let store = Store::open_in_memory().unwrap();
        let now = Utc::now();
        let c = store
            .write(|tx| {
                crate::connections::insert(
                    tx,
                    &NewConnection {
                        provider: Provider::Hubspot,
                        label: "HubSpot".into(),
                        base_url: "http://127.0.0.1:1".into(),
                        account_id: None,
                        secret_ref: None,
                    },
                    now,
                )
            })
            .unwrap();
        store
            .write(|tx| {
                tx.execute(
                    "INSERT INTO records (connection_id, object_type, remote_id, display_name, fields, raw,
                                          content_hash, search_text, pulled_at)
                     VALUES (?1, 'person', 'p1', 'Ann', ?2, '{}', '', '', ?3),
                            (?1, 'person', 'p2', 'Bo', ?4, '{}', '', '', ?3)",
                    params![
                        c.0,
                        json!({"email": "a@x.example", "custom": {"tier": "Gold", "region": "EU"}}).to_string(),
                        time::to_sql(now),
                        json!({"email": "b@x.example", "custom": {"region": "US"}}).to_string(),
                    ],
                )?;
                Ok(())
            })
            .unwrap();
        store
            .write(|tx| choose(tx, c, ObjectType::Person, Some(&["tier".to_owned()]), now))
            .unwrap();
        let fields = |id: &str| -> serde_json::Value {
            store
                .read(|conn| {
                    Ok(conn.query_row(
                        "SELECT fields FROM records WHERE remote_id = ?1",
                        [id],
                        |r| r.get::<_, String>(0),
                    )?)
                })
                .map(|t| serde_json::from_str(&t).unwrap())
                .unwrap()
        };
        assert_eq!(
            fields("p1"),
            json!({"email": "a@x.example", "custom": {"tier": "Gold"}})
        );
        assert_eq!(fields("p2"), json!({"email": "b@x.example"}));
        let found = store.read(|conn| chosen(conn, c)).unwrap();
        assert_eq!(found[&ObjectType::Person], ["tier"]);
        store
            .write(|tx| choose(tx, c, ObjectType::Person, None, now))
            .unwrap();
        assert!(store.read(|conn| chosen(conn, c)).unwrap().is_empty());
    }
}
