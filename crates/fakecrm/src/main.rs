//! `fakecrm --port 0 --seed 42 --records 10000 [--faults SPEC]`: prints one line of JSON describing
//! how to reach each emulated CRM, then serves until stopped.

use std::process::ExitCode;

use bridge_fakecrm::{Config, Faults};
use clap::Parser;

#[derive(Parser)]
#[command(
    name = "fakecrm",
    version,
    about = "Local emulator of the HubSpot, Salesforce, Close and Pipedrive APIs"
)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The same seed always gives the same data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// People per provider; companies, deals and notes scale with it.
    #[arg(long, default_value_t = 10_000)]
    records: u32,
    /// Faults, e.g. `error_rate=0.1,rate_limit_rate=0.05,drop_rate=0.01,latency_ms=20,seed=7`.
    #[arg(long, default_value = "")]
    faults: Faults,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = Config {
        port: args.port,
        seed: args.seed,
        records: args.records,
        faults: args.faults,
        ..Config::default()
    };
    let running = match bridge_fakecrm::start(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fakecrm: cannot listen on port {}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{}",
        serde_json::to_string(&running.description).expect("description serialises")
    );
    let _ = tokio::signal::ctrl_c().await;
    running.stop().await;
    ExitCode::SUCCESS
}
