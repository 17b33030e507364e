//! `crm-bridge`: the command line over the CRM Bridge engine, for scripts, cron and support.

use std::{path::PathBuf, process::ExitCode};

use bridge_engine::{Engine, ErrorPayload, Status, default_database_path};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "crm-bridge", version, about = "CRM Bridge on the command line")]
struct Cli {
    /// The sync database (default: the desktop app's, in the OS app-data directory).
    #[arg(long, global = true, env = "CRM_BRIDGE_DB")]
    db: Option<PathBuf>,
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let db = cli.db.unwrap_or_else(default_database_path);
    match run(&db, cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let payload = ErrorPayload::from(&e);
            eprintln!("error [{:?}]: {}", payload.code, payload.message);
            ExitCode::FAILURE
        }
    }
}

fn run(db: &std::path::Path, command: Command) -> bridge_engine::Result<()> {
    let engine = Engine::open(db)?;
    match command {
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
