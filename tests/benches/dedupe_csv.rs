//! `crm-bridge dedupe-csv` on generated CRM-like people (100,000 and 1,000,000 records with known
//! duplicates): wall time, peak memory of the process, and precision / recall / F1 of its groups.
//! Build the CLI first: `cargo build --release -p bridge-cli` (`make bench` does).
//! `DEDUPE_SIZES=100000` limits the sizes.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use bridge_dedupe::synth;

fn cli() -> PathBuf {
    // target/release/deps/dedupe_csv-… -> target/release/crm-bridge
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().parent().unwrap().join("crm-bridge");
    assert!(
        path.exists(),
        "build the CLI first: cargo build --release -p bridge-cli ({})",
        path.display()
    );
    path
}

fn write_csv(path: &Path, data: &synth::Dataset) {
    let mut w = csv::Writer::from_path(path).unwrap();
    let mut header: Vec<&str> = data.columns.iter().map(|c| c.name.as_str()).collect();
    header.push("entity");
    w.write_record(&header).unwrap();
    for (row, entity) in data.rows.iter().zip(&data.truth) {
        let mut record = row.clone();
        record.push(entity.to_string());
        w.write_record(&record).unwrap();
    }
    w.flush().unwrap();
}

/// Peak resident memory of a running process, from its high-water mark.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let sizes: Vec<usize> = std::env::var("DEDUPE_SIZES")
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|_| vec![100_000, 1_000_000]);
    let dir = tempfile::tempdir().unwrap();
    println!(
        "dedupe-csv on {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for n in sizes {
        let data = synth::people(n, 42);
        let input = dir.path().join(format!("people-{n}.csv"));
        write_csv(&input, &data);
        let (pairs, clusters) = (
            dir.path().join("pairs.csv"),
            dir.path().join("clusters.csv"),
        );
        let started = Instant::now();
        let mut child = Command::new(cli())
            .args(["dedupe-csv", "--input"])
            .arg(&input)
            .args(["--id-column", "id", "--field", "entity=ignore", "--out"])
            .arg(&pairs)
            .arg("--clusters")
            .arg(&clusters)
            .spawn()
            .unwrap();
        let mut peak = 0;
        let status = loop {
            if let Some(kib) = peak_kib(child.id()) {
                peak = peak.max(kib);
            }
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let elapsed = started.elapsed();
        assert!(status.success(), "dedupe-csv failed on {n} records");
        // Score the groups it wrote against the generator's truth.
        let ids: HashMap<String, usize> = data
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r[0].clone(), i))
            .collect();
        let mut groups = vec![0u32; n];
        let mut reader = csv::Reader::from_path(&clusters).unwrap();
        for record in reader.records() {
            let record = record.unwrap();
            groups[ids[&record[0]]] = record[1].parse().unwrap();
        }
        let acc = synth::accuracy(&data.truth, &groups);
        println!(
            "{n:>9} records: {:>6.1} s, peak memory {:>5} MiB, precision {:.4}, recall {:.4}, F1 {:.4} ({} true pairs, {} predicted)",
            elapsed.as_secs_f64(),
            peak / 1024,
            acc.precision,
            acc.recall,
            acc.f1,
            acc.true_pairs,
            acc.predicted_pairs
        );
        drop(std::fs::remove_file(&input));
    }
}
