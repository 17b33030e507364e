//! `crm-bridge export-mapping` and `crm-bridge import-mapping`: field mappings as JSON files.

use std::path::PathBuf;

use bridge_engine::Engine;
use bridge_model::{ConnectionId, ObjectType};

use crate::{json, migrate::io_error};

#[derive(clap::Args)]
pub struct Export {
    /// The connection records come from.
    #[arg(long)]
    from: i64,
    /// The connection they go to.
    #[arg(long)]
    to: i64,
    /// The source object: company, person, lead, deal, activity.
    #[arg(long)]
    object: ObjectType,
    #[arg(long)]
    out: PathBuf,
}

#[derive(clap::Args)]
pub struct Import {
    /// A file written by `export-mapping` (or the app's Export).
    file: PathBuf,
    /// The connection records come from (of the CRM the file maps from).
    #[arg(long)]
    from: i64,
    /// The connection they go to.
    #[arg(long)]
    to: i64,
    #[arg(long)]
    json: bool,
}

pub fn export(engine: &Engine, args: Export) -> bridge_engine::Result<()> {
    let text =
        engine.field_mapping_file(ConnectionId(args.from), ConnectionId(args.to), args.object)?;
    std::fs::write(&args.out, text + "\n").map_err(|e| io_error(&args.out, e))?;
    println!("Wrote {}", args.out.display());
    Ok(())
}

pub fn import(engine: &Engine, args: Import) -> bridge_engine::Result<()> {
    let text = std::fs::read_to_string(&args.file).map_err(|e| io_error(&args.file, e))?;
    let saved =
        engine.import_field_mapping(ConnectionId(args.from), ConnectionId(args.to), &text)?;
    if args.json {
        println!("{}", json(&saved));
        return Ok(());
    }
    println!(
        "Saved the {} mapping ({} fields) as version {}; the next plan between the two connections starts from it.",
        saved.object, saved.fields, saved.version
    );
    Ok(())
}
