//! `crm-bridge sync`, `sync-pairs`, `add-sync-pair`, `conflicts` and `resolve-conflict`: two-way sync
//! for cron and scripts.

use std::collections::BTreeMap;

use crate::json;
use bridge_engine::{Cancel, Engine, SyncPhase, SyncProgress};
use bridge_model::{ConflictPolicy, ConnectionId, DeleteRule, FieldRule, ObjectType, Side};

#[derive(clap::Args)]
pub struct AddPair {
    /// Side A's connection id.
    #[arg(long)]
    a: i64,
    /// Side B's connection id.
    #[arg(long)]
    b: i64,
    #[arg(long)]
    name: Option<String>,
    /// Object types, parents first (default: company, person, deal where both CRMs have them).
    /// `lead` where only A has leads keeps them with B's people (contacts), the lead's status with
    /// the contact's lead status and lifecycle stage; list `person` before it.
    #[arg(long, value_delimiter = ',')]
    objects: Vec<ObjectType>,
    /// A field's rule as FIELD=RULE (prefer_a_unless_blank, prefer_b_unless_blank, always_a, always_b,
    /// two_way, dont_sync); fields not named are two-way.
    #[arg(long = "rule", value_parser = parse_rule)]
    rules: Vec<(String, FieldRule)>,
    /// What settles a field both sides changed: most_recent (the record changed last) or ask (the
    /// Conflicts inbox).
    #[arg(long, default_value = "most_recent", value_parser = parse_policy)]
    conflicts: ConflictPolicy,
    /// Sync every this many minutes while the app is open (default: the `sync-schedule` setting).
    #[arg(long)]
    every: Option<i64>,
    /// B's custom field (custom.KEY) that keeps A's record ids, for every object type: written by
    /// sync, read to link records before their e-mail or domain is.
    #[arg(long)]
    id_in_b: Option<String>,
    /// A's custom field that keeps B's record ids.
    #[arg(long)]
    id_in_a: Option<String>,
    /// What a record deleted on one side does on the other, for every object type: dont_carry,
    /// carry (deleted there too unless it changed since the last sync: then the Conflicts inbox
    /// asks) or ask.
    #[arg(long, default_value = "dont_carry")]
    deletions: DeleteRule,
}

fn parse_rule(text: &str) -> Result<(String, FieldRule), String> {
    let (field, rule) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not FIELD=RULE"))?;
    Ok((
        field.trim().to_owned(),
        rule.trim().parse().map_err(|e| format!("{e}"))?,
    ))
}

fn parse_policy(text: &str) -> Result<ConflictPolicy, String> {
    match text {
        "most_recent" => Ok(ConflictPolicy::MostRecent),
        "ask" => Ok(ConflictPolicy::Ask),
        other => Err(format!("`{other}` is not most_recent or ask")),
    }
}

pub async fn add_pair(engine: &Engine, args: AddPair) -> bridge_engine::Result<()> {
    let (a, b) = (ConnectionId(args.a), ConnectionId(args.b));
    let mut pair = engine.suggest_sync_pair(a, b)?;
    if let Some(name) = args.name {
        pair.name = name;
    }
    if !args.objects.is_empty() {
        let template = pair.objects[0].clone();
        let b_has_leads = engine.object_types(b)?.contains(&ObjectType::Lead);
        let mut objects = Vec::new();
        for t in &args.objects {
            // Leads on A only are kept with B's contacts, their status by its words.
            objects.push(if *t == ObjectType::Lead && !b_has_leads {
                engine.suggest_lead_sync(a, b).await?
            } else {
                bridge_model::ObjectSync {
                    object_type: *t,
                    ..template.clone()
                }
            });
        }
        pair.objects = objects;
    }
    for o in &mut pair.objects {
        o.fields = args.rules.iter().cloned().collect();
        o.id_in_b = args.id_in_b.clone();
        o.id_in_a = args.id_in_a.clone();
        o.deletions = args.deletions;
    }
    pair.conflicts = args.conflicts;
    pair.every_minutes = args.every.or(pair.every_minutes);
    let pair = engine.add_sync_pair(&pair)?;
    println!("Added sync pair #{} “{}”.", pair.id, pair.name);
    Ok(())
}

pub fn list_pairs(engine: &Engine, as_json: bool) -> bridge_engine::Result<()> {
    let pairs = engine.sync_pairs()?;
    if as_json {
        println!("{}", json(&pairs));
        return Ok(());
    }
    if pairs.is_empty() {
        println!("No sync pairs yet. Add one with `crm-bridge add-sync-pair --a ID --b ID`.");
    }
    for p in pairs {
        let objects: Vec<&str> = p.objects.iter().map(|o| o.object_type.as_str()).collect();
        println!(
            "#{}  {}  (connections {} ⇄ {}; {}; {})",
            p.id,
            p.name,
            p.a.0,
            p.b.0,
            objects.join(", "),
            p.every_minutes
                .map(|m| format!("every {m} min"))
                .unwrap_or_else(|| "on demand".into())
        );
    }
    Ok(())
}

/// Syncs one pair or every pair; Ctrl-C stops after the batch in flight (the next run sends the rest).
pub async fn sync(engine: &Engine, pair: Option<i64>, as_json: bool) -> bridge_engine::Result<()> {
    let cancel = Cancel::default();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\nStopping after this batch; the next sync sends the rest.");
            on_ctrl_c.cancel();
        }
    });
    let ids: Vec<i64> = match pair {
        Some(id) => vec![id],
        None => engine.sync_pairs()?.iter().map(|p| p.id).collect(),
    };
    if ids.is_empty() {
        eprintln!("No sync pairs yet. Add one with `crm-bridge add-sync-pair --a ID --b ID`.");
    }
    let mut reports = Vec::new();
    for id in ids {
        let report = |p: &SyncProgress| {
            if p.phase == SyncPhase::Sending && !as_json {
                let eta = p
                    .eta_seconds
                    .map(|s| format!(", {s:.0} s left"))
                    .unwrap_or_default();
                eprint!(
                    "\rpair #{} {}: {}/{} writes, {:.0}/s{eta}   ",
                    p.pair_id,
                    p.object_type.map(|t| t.as_str()).unwrap_or("left over"),
                    p.sent,
                    p.planned,
                    p.rate
                );
            }
        };
        let r = engine.sync(id, &report, &cancel).await?;
        if !as_json {
            let c = r.counts;
            eprintln!();
            println!(
                "pair #{id} run #{}: {:?} — {} created, {} updated, {} deleted, {} unchanged, {} failed, {} conflicts",
                r.run_id,
                r.status,
                c.created,
                c.updated,
                c.deleted,
                c.unchanged,
                c.failed,
                c.conflicts
            );
        }
        reports.push(r);
    }
    if as_json {
        println!("{}", json(&reports));
    }
    Ok(())
}

pub fn conflicts(engine: &Engine, as_json: bool) -> bridge_engine::Result<()> {
    let list = engine.conflicts(None)?;
    if as_json {
        println!("{}", json(&list));
        return Ok(());
    }
    if list.is_empty() {
        println!("No conflicts.");
    }
    for c in list {
        println!(
            "#{}  {} {}: {} ({}) ⇄ {} ({})",
            c.id, c.pair_name, c.object_type, c.a_name, c.a_label, c.b_name, c.b_label
        );
        if let Some(gone) = c.deleted_side {
            let (deleted, kept) = match gone {
                Side::A => (&c.a_label, &c.b_label),
                Side::B => (&c.b_label, &c.a_label),
            };
            println!(
                "      deleted in {deleted}; still in {kept}: --pick record={} deletes it there too, \
                 --pick record={} keeps it",
                side_word(gone),
                side_word(gone.other())
            );
        }
        for f in c.fields {
            println!(
                "      {}: A {}  B {}  (was {})",
                f.field, f.a, f.b, f.synced
            );
        }
    }
    Ok(())
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::A => "a",
        Side::B => "b",
    }
}

fn parse_side(text: &str) -> Result<Side, String> {
    match text.to_ascii_lowercase().as_str() {
        "a" => Ok(Side::A),
        "b" => Ok(Side::B),
        other => Err(format!("`{other}` is not a or b")),
    }
}

pub fn parse_pick(text: &str) -> Result<(String, Side), String> {
    let (field, side) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not FIELD=a or FIELD=b"))?;
    Ok((field.trim().to_owned(), parse_side(side.trim())?))
}

#[derive(clap::Args)]
pub struct Resolve {
    id: i64,
    /// A field's side as FIELD=a or FIELD=b.
    #[arg(long = "pick", value_parser = parse_pick)]
    picks: Vec<(String, Side)>,
    /// One side for every field not picked.
    #[arg(long, value_parser = parse_side)]
    all: Option<Side>,
}

pub async fn resolve(engine: &Engine, args: Resolve) -> bridge_engine::Result<()> {
    let conflict = engine
        .conflicts(None)?
        .into_iter()
        .find(|c| c.id == args.id);
    let mut picks: BTreeMap<String, Side> = args.picks.into_iter().collect();
    if let (Some(side), Some(c)) = (args.all, &conflict) {
        for f in &c.fields {
            picks.entry(f.field.clone()).or_insert(side);
        }
        if c.deleted_side.is_some() {
            picks
                .entry(bridge_engine::RECORD_PICK.into())
                .or_insert(side);
        }
    }
    let counts = engine.resolve_conflict(args.id, &picks).await?;
    println!(
        "Conflict #{} settled: {} written, {} deleted, {} failed (see `crm-bridge failed`).",
        args.id, counts.updated, counts.deleted, counts.failed
    );
    Ok(())
}

pub fn deletions(engine: &Engine, pair: Option<i64>, as_json: bool) -> bridge_engine::Result<()> {
    let list = engine.sync_deletions(pair, 500)?;
    if as_json {
        println!("{}", json(&list));
        return Ok(());
    }
    if list.is_empty() {
        println!("No deletions carried across.");
    }
    for d in list {
        let undone = match (&d.undone_at, &d.restored_id) {
            (Some(at), Some(id)) => format!("  — undone {}, now {id}", at.format("%Y-%m-%d %H:%M")),
            _ => String::new(),
        };
        println!(
            "#{}  pair #{} {} “{}” ({}) deleted in side {} {}{undone}",
            d.id,
            d.pair_id,
            d.object_type,
            d.name,
            d.remote_id,
            side_word(d.side),
            d.deleted_at.format("%Y-%m-%d %H:%M"),
        );
    }
    Ok(())
}

pub async fn undo_deletion(engine: &Engine, id: i64) -> bridge_engine::Result<()> {
    let d = engine.undo_sync_deletion(id).await?;
    println!(
        "{} “{}” created again as {} (the sync leaves it alone from now on).",
        d.object_type,
        d.name,
        d.restored_id.unwrap_or_default()
    );
    Ok(())
}
