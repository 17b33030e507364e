//! `crm-bridge plan-migration` and `crm-bridge migrate`: a migration from a plan file, for scripts and
//! for people who keep their mappings in version control.

use std::path::{Path, PathBuf};

use bridge_engine::{Cancel, Engine, MigrationProgress, MigrationStep};

use crate::json;
use bridge_model::{ConnectionId, MigrationPlan};

#[derive(clap::Args)]
pub struct Plan {
    /// The connection records come from.
    #[arg(long)]
    from: i64,
    /// The connection they go to.
    #[arg(long)]
    to: i64,
    /// Where to write the suggested plan (JSON; edit it, then run `migrate --plan`).
    #[arg(long)]
    out: PathBuf,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["dry_run", "execute", "rollback"])))]
pub struct Migrate {
    #[arg(long)]
    plan: Option<PathBuf>,
    /// Show what would be written, writing nothing to either CRM.
    #[arg(long, requires = "plan")]
    dry_run: bool,
    /// Run the plan (again: only what changed since is written).
    #[arg(long, requires = "plan")]
    execute: bool,
    /// Undo migration ID: delete what it created, restore what it updated.
    #[arg(long, value_name = "ID")]
    rollback: Option<i64>,
    /// With --rollback: also write over target records changed since the run (left alone otherwise).
    #[arg(long, requires = "rollback")]
    overwrite_changed: bool,
    /// The result file (CSV: object, source id, target id, action, status, error); default: next to
    /// the plan, named after the run.
    #[arg(long)]
    results: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

pub(crate) fn io_error(path: &Path, e: impl std::fmt::Display) -> bridge_engine::Error {
    bridge_engine::Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

pub async fn plan(engine: &Engine, args: Plan) -> bridge_engine::Result<()> {
    let plan = engine
        .plan_migration(ConnectionId(args.from), ConnectionId(args.to))
        .await?;
    let text = json(&plan);
    std::fs::write(&args.out, text + "\n").map_err(|e| io_error(&args.out, e))?;
    println!(
        "Wrote {}: {} object type(s), {} stage(s), {} owner(s) mapped.",
        args.out.display(),
        plan.objects.len(),
        plan.stages.len(),
        plan.owners.len()
    );
    for w in &plan.warnings {
        println!("warning: {w}");
    }
    Ok(())
}

fn read_plan(path: &Path) -> bridge_engine::Result<MigrationPlan> {
    let text = std::fs::read_to_string(path).map_err(|e| io_error(path, e))?;
    serde_json::from_str(&text).map_err(|e| bridge_engine::Error::InvalidInput {
        field: "plan",
        message: format!("{} is not a migration plan: {e}", path.display()),
    })
}

fn show(p: &MigrationProgress) {
    let what = p.object_type.map(|t| t.as_str()).unwrap_or("");
    match p.step {
        MigrationStep::Pulling => eprint!("\rreading both CRMs…   "),
        MigrationStep::Writing | MigrationStep::RollingBack => {
            let eta = p
                .eta_seconds
                .map(|s| format!(", {s:.0} s left"))
                .unwrap_or_default();
            let verb = if p.step == MigrationStep::Writing {
                "writing"
            } else {
                "rolling back"
            };
            eprint!("\r{verb} {what}: {}/{}{eta}      ", p.done, p.planned);
        }
        MigrationStep::Done => eprintln!(),
    }
}

pub async fn migrate(engine: &Engine, args: Migrate) -> bridge_engine::Result<()> {
    let cancel = Cancel::default();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\nStopping after this batch; run it again to go on.");
            on_ctrl_c.cancel();
        }
    });
    if let Some(id) = args.rollback {
        let report = engine
            .rollback_migration(id, args.overwrite_changed, &show)
            .await?;
        if args.json {
            println!("{}", json(&report));
        } else {
            println!(
                "Migration #{id} rolled back: {} record(s) deleted or restored, {} could not be.",
                report.rolled_back, report.failed
            );
            if report.left_changed > 0 {
                println!(
                    "{} record(s) changed in the target since the run were left alone; \
                     `--rollback {id} --overwrite-changed` writes over them too.",
                    report.left_changed
                );
            }
        }
        return Ok(());
    }
    let path = args.plan.clone().expect("clap requires --plan");
    let plan = read_plan(&path)?;
    if args.dry_run {
        // What the plan's stages, owners and fields say against the CRMs as they are now.
        let options = engine.migration_options(&plan).await?;
        for w in bridge_engine::check_migration_plan(&plan, &options) {
            eprintln!("warning: {w}");
        }
        let dry = engine.dry_run_migration(&plan, &cancel).await?;
        if args.json {
            println!("{}", json(&dry));
            return Ok(());
        }
        for item in dry.items.iter().filter(|i| !i.problems.is_empty()).take(20) {
            for p in &item.problems {
                println!(
                    "problem: {} {} “{}”: {}: {}",
                    item.object_type.as_str(),
                    item.source_remote_id,
                    item.name,
                    p.field,
                    p.message
                );
            }
        }
        let counts: Vec<String> = dry.counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        println!(
            "Dry run (nothing written): {}; {} with problems; about {} API calls, {:.0} s at the target's limit.",
            counts.join(", "),
            dry.with_problems,
            dry.api_calls,
            dry.seconds
        );
        return Ok(());
    }
    let report = engine.run_migration(&plan, &show, &cancel).await?;
    let out = args
        .results
        .clone()
        .unwrap_or_else(|| path.with_extension(format!("run-{}.csv", report.run)));
    let csv = engine.migration_results_csv(report.migration_id)?;
    std::fs::write(&out, csv).map_err(|e| io_error(&out, e))?;
    if args.json {
        println!("{}", json(&report));
    } else {
        println!(
            "Migration #{} run {}: {} created, {} updated, {} linked, {} skipped, {} unchanged, {} failed. Results: {}",
            report.migration_id,
            report.run,
            report.created,
            report.updated,
            report.linked,
            report.skipped,
            report.unchanged,
            report.failed,
            out.display()
        );
    }
    Ok(())
}
