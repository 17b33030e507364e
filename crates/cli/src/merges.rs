//! `crm-bridge merge`, `merges` and `undo-merge`: merging duplicate groups and the merge history.

use crate::json;
use bridge_engine::{Engine, KeepRule, MergeChoice, MergeEntry};
use bridge_model::RecordId;

/// `most_complete`, `oldest`, `most_recent`, or a CRM's name to keep its record.
pub fn parse_rule(text: &str) -> Result<KeepRule, String> {
    match text {
        "most_complete" => Ok(KeepRule::MostComplete),
        "oldest" => Ok(KeepRule::Oldest),
        "most_recent" => Ok(KeepRule::MostRecent),
        other => other.parse().map(KeepRule::Prefer).map_err(|_| {
            format!(
                "`{other}` is not a rule: most_complete, oldest, most_recent or a CRM (hubspot, salesforce, close, pipedrive)"
            )
        }),
    }
}

/// One line per merge: when, who, what was kept, from which records, and its state.
pub fn render(entries: &[MergeEntry], total: i64) -> String {
    if entries.is_empty() {
        return "No merges yet.\n".into();
    }
    let mut out = format!(
        "{:>5}  {:<16}  {:<10}  {:<8}  {}\n",
        "ID", "WHEN (UTC)", "BY", "STATUS", "KEPT  <-  MERGED / LINKED"
    );
    for e in entries {
        let others: Vec<String> = e
            .members
            .iter()
            .filter(|m| m.record_id != e.master)
            .map(|m| {
                format!(
                    "{} ({} {}{})",
                    m.display_name,
                    m.provider.label(),
                    m.remote_id,
                    if m.role == "merged" { "" } else { ", linked" }
                )
            })
            .collect();
        out.push_str(&format!(
            "{:>5}  {:<16}  {:<10}  {:<8}  {}  <-  {}\n",
            e.id,
            e.applied_at.format("%Y-%m-%d %H:%M"),
            e.merged_by,
            e.status,
            e.master_name,
            others.join(", ")
        ));
        if let Some(error) = &e.error {
            out.push_str(&format!("       stopped: {error}\n"));
        }
    }
    if (entries.len() as i64) < total {
        out.push_str(&format!("({} of {total} shown)\n", entries.len()));
    }
    out
}

pub fn list(engine: &Engine, as_json: bool) -> bridge_engine::Result<()> {
    let page = engine.merges(0, 500)?;
    if as_json {
        println!("{}", json(&page.rows));
    } else {
        print!("{}", render(&page.rows, page.total));
    }
    Ok(())
}

pub async fn merge(
    engine: &Engine,
    group: Option<i64>,
    keep: Option<i64>,
    rule: KeepRule,
    all_safe: bool,
    as_json: bool,
) -> bridge_engine::Result<()> {
    if all_safe {
        let summary = engine.merge_all_safe().await?;
        if as_json {
            println!("{}", json(&summary));
        } else {
            println!("{} groups merged", summary.merged);
            for f in &summary.failed {
                println!("group {} not merged: {}", f.group_id, f.message);
            }
        }
        return Ok(());
    }
    let Some(group) = group else {
        return Err(bridge_engine::Error::InvalidInput {
            field: "group",
            message: "name a duplicate group (see `crm-bridge dedupe`) or pass --all-safe".into(),
        });
    };
    let choice = MergeChoice {
        master: keep.map(RecordId),
        rule,
        ..MergeChoice::default()
    };
    let entry = engine.merge_group(group, &choice).await?;
    if as_json {
        println!("{}", json(&entry));
    } else {
        print!("{}", render(std::slice::from_ref(&entry), 1));
        println!("Undo with: crm-bridge undo-merge {}", entry.id);
    }
    Ok(())
}

pub async fn undo(engine: &Engine, id: i64, overwrite_changed: bool) -> bridge_engine::Result<()> {
    let entry = engine.undo_merge(id, overwrite_changed).await?;
    println!(
        "Merge {} undone: {} records as they were before.",
        entry.id,
        entry.members.len()
    );
    Ok(())
}
