//! The accuracy report: precision, recall and F1 over record pairs, on generated data sets with known
//! duplicates (people and companies, `bridge_dedupe::synth`), checked against a floor. The figures are
//! printed (`cargo test -p bridge-dedupe --release --test accuracy -- --nocapture`).

use bridge_dedupe::{Deduper, Settings, synth};

fn report(name: &str, data: synth::Dataset) -> synth::Accuracy {
    let deduper = Deduper::new(data.columns, &data.rows, Settings::default());
    let outcome = deduper.run();
    let acc = synth::accuracy(&data.truth, &outcome.groups);
    println!(
        "{name}: {} records, {} pairs compared, {} true pairs, {} predicted: precision {:.4}, recall {:.4}, F1 {:.4}",
        data.rows.len(),
        outcome.compared,
        acc.true_pairs,
        acc.predicted_pairs,
        acc.precision,
        acc.recall,
        acc.f1,
    );
    acc
}

#[test]
fn people_duplicates_are_found_with_high_precision_and_recall() {
    for (n, seed) in [(5_000, 1), (30_000, 2)] {
        let acc = report(&format!("people-{n}"), synth::people(n, seed));
        assert!(acc.precision >= 0.98, "people-{n}: {acc:?}");
        assert!(acc.recall >= 0.97, "people-{n}: {acc:?}");
        assert!(acc.f1 >= 0.98, "people-{n}: {acc:?}");
    }
}

#[test]
fn company_duplicates_are_found_with_high_precision_and_recall() {
    let acc = report("companies-10000", synth::companies_dataset(10_000, 3));
    assert!(acc.f1 >= 0.95, "{acc:?}");
}
