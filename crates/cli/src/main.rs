//! `crm-bridge`: the command line over the CRM Bridge engine, for scripts, cron and support.

mod failed;
mod fields;
mod login;
mod mappings;
mod merges;
mod migrate;
mod sync;
mod workspace;

/// mimalloc, as the app uses (see `src-tauri/src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A value as the `--json` output prints it.
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("CLI output serialises")
}

use std::{path::PathBuf, process::ExitCode};

use std::sync::Arc;

use bridge_engine::{
    Cancel, ConnectRequest, Engine, ErrorPayload, Keyring, PullOptions, PullPhase, PullProgress,
    Status, chosen_workspace_path,
};
use bridge_model::{ConnectionId, ObjectType, Provider};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "crm-bridge", version, about = "CRM Bridge on the command line")]
struct Cli {
    /// The sync database (default: the desktop app's, in the OS app-data directory).
    #[arg(long, global = true, env = "CRM_BRIDGE_DB")]
    db: Option<PathBuf>,
    /// The keyring service that holds sign-ins (tests use their own).
    #[arg(long, global = true, env = "CRM_BRIDGE_KEYRING_SERVICE", default_value = bridge_engine::APP_IDENTIFIER, hide = true)]
    keyring_service: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Counts of mirrored records per connection and object type.
    Status {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Connect a CRM account: checks the sign-in, keeps the secret in the OS keyring.
    Connect(Box<ConnectArgs>),
    /// The connected CRM accounts.
    Connections {
        #[arg(long)]
        json: bool,
    },
    /// Remove a connection: its secret leaves the keyring and it is archived; its merges, migrations,
    /// sync state and failed records stay (undo and rollback work again after `reconnect`).
    Disconnect {
        id: i64,
        /// Keep its records in the mirror (default: they leave it).
        #[arg(long)]
        keep_records: bool,
    },
    /// Sign in again on a connection (expired or revoked sign-in, or an archived connection): the same
    /// account only; the new secret replaces the old one in place and the history stays.
    Reconnect {
        id: i64,
        #[command(flatten)]
        login: login::LoginArgs,
    },
    /// The audit log: every action that changed data or access, who, when, what and how many.
    Log {
        /// Only this kind of action (connect, reconnect, disconnect, merge, undo_merge, bulk_merge,
        /// migration_run, migration_rollback, sync_run, discard_failed, restore_backup).
        #[arg(long)]
        action: Option<String>,
        /// Only this connection.
        #[arg(long)]
        connection: Option<i64>,
        #[arg(long, default_value_t = 100)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// The workspace's automatic backups (taken before schema upgrades and bulk changes), newest first.
    Backups {
        #[arg(long)]
        json: bool,
    },
    /// Replace the workspace with a backup; what it replaces is backed up first.
    RestoreBackup { file: PathBuf },
    /// The workspace's settings (the app's Settings screen): `config get [KEY]`, `config set KEY VALUE`.
    Config {
        #[command(subcommand)]
        action: workspace::ConfigAction,
    },
    /// What support asks first: versions, the OS, connections (no secrets), counts, the last errors
    /// and the log's tail.
    Diagnostics,
    /// Mirror CRM records into the database (incremental unless --full).
    Pull {
        /// Only this connection (default: every one).
        #[arg(long)]
        connection: Option<i64>,
        /// Only this object type: company, person, lead, deal, activity.
        #[arg(long)]
        object: Option<ObjectType>,
        /// Pull everything again and find deletions by comparison.
        #[arg(long)]
        full: bool,
    },
    /// Start the four emulated CRMs in-process, connect them, and pull them, in the demo workspace
    /// beside yours (its own file and keyring service): a workspace to try things on.
    Demo {
        /// People per CRM.
        #[arg(long, default_value_t = bridge_engine::DEMO_PEOPLE)]
        records: u32,
    },
    /// Finds duplicate people and companies in the workspace, within and across CRMs.
    Dedupe {
        /// Only these connections (default: all).
        #[arg(long = "connection")]
        connections: Vec<i64>,
        /// Print JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Duplicates in a CSV file: writes every pair of rows judged one entity (and each row's group).
    DedupeCsv(DedupeCsvArgs),
    /// Merge a duplicate group in its CRMs (or every group safe to merge without a look).
    Merge {
        /// The group's id (from `dedupe --json` or the app).
        group: Option<i64>,
        /// The record to keep (its local id); default: the one `--rule` picks.
        #[arg(long)]
        keep: Option<i64>,
        /// How to pick the record to keep: most_complete (default), oldest, most_recent, or a CRM
        /// (hubspot, salesforce, close, pipedrive) to keep its record.
        #[arg(long, value_parser = merges::parse_rule, default_value = "most_complete")]
        rule: bridge_engine::KeepRule,
        /// Merge every open group scored at the automatic threshold or above.
        #[arg(long, conflicts_with = "group")]
        all_safe: bool,
        #[arg(long)]
        json: bool,
    },
    /// The merge history: who merged what, when, and each record as it was before.
    Merges {
        #[arg(long)]
        json: bool,
    },
    /// Undo a merge: recreate what the CRM deleted, relink its children, restore every field.
    UndoMerge {
        id: i64,
        /// Also write over records changed in their CRM since the merge (refused otherwise).
        #[arg(long)]
        overwrite_changed: bool,
    },
    /// Link records across connections by e-mail (people) and domain (companies): the identity map.
    Link {
        #[arg(long)]
        json: bool,
    },
    /// The failed-records queue: writes a CRM refused, with its message and the field it named.
    Failed {
        #[command(flatten)]
        which: failed::Which,
        #[arg(long)]
        json: bool,
    },
    /// Send failed records again (after fixing the data or the cause).
    ResyncFailed {
        #[command(flatten)]
        which: failed::Which,
    },
    /// Give failed records up, keeping them with the reason.
    DiscardFailed {
        #[command(flatten)]
        which: failed::Which,
        #[arg(long)]
        reason: String,
    },
    /// Keep two connections in sync: add a pair (every shared field two-way unless --rule says otherwise).
    AddSyncPair(sync::AddPair),
    /// The sync pairs.
    SyncPairs {
        #[arg(long)]
        json: bool,
    },
    /// Sync a pair (default: every pair) both ways; safe to stop or kill, the next run sends the rest.
    Sync {
        #[arg(long)]
        pair: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Fields both sides changed that the rules could not settle, and deletions the pair asks about.
    Conflicts {
        #[arg(long)]
        json: bool,
    },
    /// Settle a conflict: pick side A or B per field (for a deletion, `--pick record=SIDE`: the side
    /// it was deleted on deletes it on the other too, the other side keeps it).
    ResolveConflict(sync::Resolve),
    /// Records syncs deleted because their counterpart was deleted on the other side.
    SyncDeletions {
        #[arg(long)]
        pair: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Create a record a sync deleted again from its before-image; the sync leaves it alone after.
    UndoSyncDeletion { id: i64 },
    /// Suggest a migration plan from one connection to another and write it as JSON.
    PlanMigration(migrate::Plan),
    /// Dry-run, run or roll back a migration plan.
    Migrate(migrate::Migrate),
    /// Create a custom field in a connection's CRM (or find the one made before under that label),
    /// to map a field the target lacks to.
    CreateField(fields::Create),
    /// List a connection's custom fields and which the mirror holds; choose fewer with `--object`
    /// and `--only`, or every one again with `--all`.
    MirroredFields(fields::Mirrored),
    /// Write an object's saved field mapping between two connections as a JSON file.
    ExportMapping(mappings::Export),
    /// Save a field mapping file as the next version between two connections of its CRMs.
    ImportMapping(mappings::Import),
    /// Write the failed-records queue as CSV.
    ExportFailed {
        #[command(flatten)]
        which: failed::Which,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(clap::Args)]
struct DedupeCsvArgs {
    #[arg(long)]
    input: PathBuf,
    /// The column that names each row in the output.
    #[arg(long)]
    id_column: String,
    /// What a column holds, as COL=KIND (name, given_name, surname, email, phone, company, domain,
    /// address, street_number, city, postcode, state, country, date, id, text, ignore); columns not
    /// given are guessed from their names.
    #[arg(long = "field", value_parser = parse_field)]
    fields: Vec<(String, bridge_engine::FieldKind)>,
    /// PAIRS.csv: `id_l,id_r,score` for every pair judged one entity.
    #[arg(long)]
    out: PathBuf,
    /// CLUSTERS.csv: `id,cluster_id` for every row.
    #[arg(long)]
    clusters: Option<PathBuf>,
    /// Where phone numbers without a country code are (ISO 3166 code).
    #[arg(long, default_value = "US")]
    region: String,
}

fn parse_field(text: &str) -> Result<(String, bridge_engine::FieldKind), String> {
    let (column, kind) = text
        .rsplit_once('=')
        .ok_or_else(|| format!("`{text}` is not COL=KIND"))?;
    Ok((column.trim().to_owned(), kind.trim().parse()?))
}

#[derive(clap::Args)]
struct ConnectArgs {
    /// hubspot, salesforce, close or pipedrive.
    provider: Provider,
    /// The API base URL (Salesforce: the instance URL).
    #[arg(long)]
    base_url: String,
    #[command(flatten)]
    login: login::LoginArgs,
    /// A name for the connection (default: the account's name).
    #[arg(long)]
    label: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let db = cli.db.unwrap_or_else(chosen_workspace_path);
    // The CLI logs beside the app (at the level the workspace's settings name, once it is open);
    // without a log file it still runs.
    if let Err(e) = bridge_engine::start_logging(
        &bridge_engine::default_log_dir(),
        bridge_model::LogLevel::Info,
    ) {
        eprintln!("note: no log file: {e}");
    }
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime starts");
    match runtime.block_on(run(&db, cli.keyring_service, cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let payload = ErrorPayload::from(&e);
            eprintln!("error [{:?}]: {}", payload.code, payload.message);
            ExitCode::FAILURE
        }
    }
}

async fn run(
    db: &std::path::Path,
    keyring_service: String,
    command: Command,
) -> bridge_engine::Result<()> {
    if let Command::DedupeCsv(args) = command {
        return dedupe_csv(args);
    }
    let engine = Engine::open_with_secrets(db, Arc::new(Keyring::new(keyring_service)))?;
    // Logging started in `main`: this sets the workspace's level.
    let _ = bridge_engine::start_logging(
        &bridge_engine::default_log_dir(),
        engine.settings()?.log_level,
    );
    match command {
        Command::DedupeCsv(_) => unreachable!("handled without a workspace"),
        Command::Dedupe { connections, json } => {
            let ids: Vec<ConnectionId> = connections.into_iter().map(ConnectionId).collect();
            let summary = engine.find_duplicates(&ids)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&summary).expect("a summary serialises")
                );
            } else {
                println!(
                    "{} records compared ({} candidate pairs): {} duplicate groups, {} new for review",
                    summary.records, summary.compared, summary.groups, summary.new_groups
                );
            }
        }
        Command::Merge {
            group,
            keep,
            rule,
            all_safe,
            json,
        } => merges::merge(&engine, group, keep, rule, all_safe, json).await?,
        Command::Merges { json } => merges::list(&engine, json)?,
        Command::UndoMerge {
            id,
            overwrite_changed,
        } => merges::undo(&engine, id, overwrite_changed).await?,
        Command::Link { json } => {
            let s = engine.link_by_keys()?;
            if json {
                println!("{}", self::json(&s));
            } else {
                println!(
                    "{} entities held by several connections, {} links added; {} keys left for duplicate review (held twice in one connection)",
                    s.entities, s.added, s.ambiguous
                );
            }
        }
        Command::Failed { which, json } => failed::list(&engine, &which, json)?,
        Command::ResyncFailed { which } => failed::resync(&engine, &which).await?,
        Command::DiscardFailed { which, reason } => failed::discard(&engine, &which, &reason)?,
        Command::ExportFailed { which, out } => failed::export(&engine, &which, &out)?,
        Command::PlanMigration(args) => migrate::plan(&engine, args).await?,
        Command::Migrate(args) => migrate::migrate(&engine, args).await?,
        Command::CreateField(args) => fields::create(&engine, args).await?,
        Command::MirroredFields(args) => fields::mirrored(&engine, args).await?,
        Command::ExportMapping(args) => mappings::export(&engine, args)?,
        Command::ImportMapping(args) => mappings::import(&engine, args)?,
        Command::AddSyncPair(args) => sync::add_pair(&engine, args).await?,
        Command::SyncPairs { json } => sync::list_pairs(&engine, json)?,
        Command::Sync { pair, json } => sync::sync(&engine, pair, json).await?,
        Command::Conflicts { json } => sync::conflicts(&engine, json)?,
        Command::ResolveConflict(args) => sync::resolve(&engine, args).await?,
        Command::SyncDeletions { pair, json } => sync::deletions(&engine, pair, json)?,
        Command::UndoSyncDeletion { id } => sync::undo_deletion(&engine, id).await?,
        Command::Status { json } => {
            let status = engine.status()?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&status).expect("status serialises")
                );
            } else {
                print!("{}", render_status(db, &status));
            }
        }
        Command::Connect(args) => {
            let request = connect_request(*args)?;
            let connection = engine.connect(request, login::open_browser).await?;
            println!(
                "Connected #{}: {} — {} ({})",
                connection.id,
                connection.provider.label(),
                connection.label,
                connection.base_url
            );
        }
        Command::Connections { json } => {
            let connections = engine.connections()?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&connections).expect("connections serialise")
                );
            } else if connections.is_empty() {
                println!("No connections yet. Add one with `crm-bridge connect`.");
            } else {
                for c in connections {
                    println!(
                        "#{:<3} {:<10} {:<30} {}",
                        c.id,
                        c.provider.label(),
                        c.label,
                        c.base_url
                    );
                }
            }
        }
        Command::Disconnect { id, keep_records } => {
            workspace::disconnect(&engine, ConnectionId(id), keep_records)?
        }
        Command::Reconnect { id, login } => {
            workspace::reconnect(&engine, ConnectionId(id), login.login()?).await?
        }
        Command::Log {
            action,
            connection,
            limit,
            json,
        } => {
            let query = bridge_engine::AuditQuery {
                action,
                connection_id: connection.map(ConnectionId),
                limit: Some(limit),
            };
            workspace::log(&engine, &query, json)?
        }
        Command::Backups { json } => workspace::backups(&engine, json)?,
        Command::RestoreBackup { file } => workspace::restore(&engine, &file)?,
        Command::Config { action } => workspace::config(&engine, action)?,
        Command::Diagnostics => print!("{}", engine.diagnostics("command line")?),
        Command::Pull {
            connection,
            object,
            full,
        } => {
            let ids: Vec<ConnectionId> = match connection {
                Some(id) => vec![ConnectionId(id)],
                None => engine.connections()?.into_iter().map(|c| c.id).collect(),
            };
            let options = PullOptions {
                object_types: object.into_iter().collect(),
                full,
            };
            pull(&engine, &ids, &options).await?;
        }
        Command::Demo { records } => {
            eprintln!("Starting the four emulated CRMs with {records} people each...");
            let crms = bridge_engine::start_demo_crms(records).await?;
            drop(engine);
            let engine = Engine::open_demo_workspace(db)?;
            let db = &bridge_engine::demo_database_path(db);
            let connections = engine.connect_demo(&crms).await?;
            let ids: Vec<ConnectionId> = connections.iter().map(|c| c.id).collect();
            pull(&engine, &ids, &PullOptions::default()).await?;
            print!("{}", render_status(db, &engine.status()?));
            eprintln!(
                "The emulated CRMs stop when this command ends; `crm-bridge demo` again makes a fresh demo."
            );
            crms.stop().await;
        }
    }
    Ok(())
}

fn dedupe_csv(args: DedupeCsvArgs) -> bridge_engine::Result<()> {
    let started = std::time::Instant::now();
    let report = bridge_engine::dedupe_csv(&bridge_engine::CsvDedupe {
        input: args.input,
        id_column: args.id_column,
        fields: args.fields,
        out: args.out.clone(),
        clusters: args.clusters,
        region: args.region,
    })?;
    let kinds: Vec<String> = report
        .columns
        .iter()
        .map(|(name, kind)| format!("{name}={kind}"))
        .collect();
    eprintln!("Columns read as: {}", kinds.join(", "));
    eprintln!(
        "{} records, {} pairs compared: {} groups, {} pairs judged one entity -> {} ({:.1} s)",
        report.records,
        report.compared,
        report.groups,
        report.pairs,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The first line of standard input: a secret given without putting it in argv.
fn connect_request(args: ConnectArgs) -> bridge_engine::Result<ConnectRequest> {
    Ok(ConnectRequest {
        provider: args.provider,
        base_url: args.base_url,
        login: args.login.login()?,
        label: args.label,
    })
}

/// Pulls connections one after another with a progress bar per object type; Ctrl-C stops between pages
/// (the next pull resumes there).
async fn pull(
    engine: &Engine,
    ids: &[ConnectionId],
    options: &PullOptions,
) -> bridge_engine::Result<()> {
    let cancel = Cancel::default();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\nStopping after this page; the next pull resumes here.");
            on_ctrl_c.cancel();
        }
    });
    let bars = indicatif::MultiProgress::new();
    let style = indicatif::ProgressStyle::with_template("{prefix:>28} {bar:30} {msg}")
        .expect("a valid template");
    for &id in ids {
        let current: std::sync::Mutex<Option<(bridge_model::ObjectType, indicatif::ProgressBar)>> =
            std::sync::Mutex::new(None);
        let label = engine
            .connections()?
            .into_iter()
            .find(|c| c.id == id)
            .map(|c| format!("#{} {}", c.id, c.provider.label()))
            .unwrap_or_default();
        let report = |p: &PullProgress| {
            let mut current = current.lock().expect("progress lock");
            if current.as_ref().is_none_or(|(t, _)| *t != p.object_type) {
                let bar = bars.add(indicatif::ProgressBar::new(1000).with_style(style.clone()));
                bar.set_prefix(format!("{label} {}", p.object_type));
                *current = Some((p.object_type, bar));
            }
            let (_, bar) = current.as_ref().expect("a bar");
            bar.set_position((p.fraction.unwrap_or(0.0) * 1000.0) as u64);
            let eta = p
                .eta_seconds
                .filter(|_| p.phase == PullPhase::Pulling)
                .map(|s| format!(", {s:.0} s left"))
                .unwrap_or_default();
            let what = match p.phase {
                PullPhase::Pulling => "pulling",
                PullPhase::Deletions => "checking deletions",
                PullPhase::Indexing => "indexing for search",
                PullPhase::Done => "done",
                PullPhase::Failed => "failed",
                PullPhase::Cancelled => "stopped",
            };
            bar.set_message(format!(
                "{what}: {} records ({} new, {} changed, {} deleted), {:.0}/s{eta}",
                p.records, p.created, p.updated, p.deleted, p.rate
            ));
            if matches!(
                p.phase,
                PullPhase::Done | PullPhase::Failed | PullPhase::Cancelled
            ) {
                bar.finish();
            }
        };
        engine.pull(id, options, &report, &cancel).await?;
    }
    Ok(())
}

fn render_status(db: &std::path::Path, status: &Status) -> String {
    let mut out = format!("Database: {}\n", db.display());
    if status.connections.is_empty() {
        out.push_str("No connections yet.\n");
        return out;
    }
    for c in &status.connections {
        out.push_str(&format!(
            "\n#{} {} — {} ({})\n",
            c.connection.id,
            c.connection.provider.label(),
            c.connection.label,
            c.connection.base_url
        ));
        if c.counts.is_empty() {
            out.push_str("    no records pulled yet\n");
        }
        for (object_type, n) in &c.counts {
            out.push_str(&format!("    {:<10} {:>10}\n", object_type.as_str(), n));
        }
        out.push_str(&format!("    {:<10} {:>10}\n", "total", c.total));
    }
    out.push_str(&format!(
        "\nAll connections: {} records\n",
        status.total_records
    ));
    out
}
