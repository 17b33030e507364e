//! Duplicates in a spreadsheet export: read a CSV, find the rows that are one entity, write the pairs
//! and the groups. The same engine as the workspace's duplicates, for users with a file and for
//! measuring accuracy.

use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
};

use bridge_dedupe::{Column, Deduper, FieldKind, Settings};

use crate::{Error, Result};

/// What to read and where to write.
#[derive(Debug, Clone)]
pub struct CsvDedupe {
    pub input: PathBuf,
    /// The column that names each row in the output.
    pub id_column: String,
    /// Kinds given for columns (`COL=KIND`); other columns' kinds are guessed from their names.
    pub fields: Vec<(String, FieldKind)>,
    pub out: PathBuf,
    pub clusters: Option<PathBuf>,
    /// Where phone numbers without a country code are (ISO 3166).
    pub region: String,
}

/// What a run found.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvDedupeReport {
    pub records: usize,
    /// Candidate pairs compared.
    pub compared: usize,
    /// Pairs written: every pair of rows judged one entity.
    pub pairs: usize,
    /// Groups of two or more rows.
    pub groups: usize,
    /// The kind each column was read as.
    pub columns: Vec<(String, FieldKind)>,
}

fn io(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn invalid(field: &'static str, message: String) -> Error {
    Error::InvalidInput { field, message }
}

pub fn dedupe_csv(request: &CsvDedupe) -> Result<CsvDedupeReport> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(&request.input)
        .map_err(|e| io(&request.input, e))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| io(&request.input, e))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let id_index = header
        .iter()
        .position(|h| *h == request.id_column)
        .ok_or_else(|| {
            invalid(
                "id_column",
                format!(
                    "`{}` is not a column of {}; its columns are: {}",
                    request.id_column,
                    request.input.display(),
                    header.join(", ")
                ),
            )
        })?;
    for (name, _) in &request.fields {
        if !header.contains(name) {
            return Err(invalid(
                "field",
                format!(
                    "--field names `{name}`, which is not a column of {}; its columns are: {}",
                    request.input.display(),
                    header.join(", ")
                ),
            ));
        }
    }
    let columns: Vec<Column> = header
        .iter()
        .enumerate()
        .map(|(i, name)| Column {
            name: name.clone(),
            kind: if i == id_index {
                FieldKind::Id
            } else {
                request
                    .fields
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or_else(|| FieldKind::guess(name), |(_, k)| *k)
            },
        })
        .collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (i, record) in reader.records().enumerate() {
        // Line numbers as a person sees them in the file: the header is line 1.
        let line = i + 2;
        let record = record.map_err(|e| {
            invalid(
                "input",
                format!("{} line {line}: {e}", request.input.display()),
            )
        })?;
        let row: Vec<String> = record.iter().map(str::to_owned).collect();
        let id = row[id_index].trim();
        if id.is_empty() {
            return Err(invalid(
                "input",
                format!(
                    "{} line {line}: the `{}` column is empty",
                    request.input.display(),
                    request.id_column
                ),
            ));
        }
        if !seen.insert(id.to_owned()) {
            return Err(invalid(
                "input",
                format!(
                    "{} line {line}: the id `{id}` appears twice",
                    request.input.display()
                ),
            ));
        }
        rows.push(row);
    }
    let settings = Settings {
        region: request.region.clone(),
        ..Settings::default()
    };
    let kinds: Vec<(String, FieldKind)> =
        columns.iter().map(|c| (c.name.clone(), c.kind)).collect();
    let deduper = Deduper::new(columns, &rows, settings);
    let outcome = deduper.run();
    let id = |row: u32| rows[row as usize][id_index].trim();

    // Every pair within a group, scored by its own probability or, when the pair was only linked
    // through others, by the weakest link of the group.
    let direct: HashMap<(u32, u32), f64> = outcome
        .candidates
        .iter()
        .map(|c| ((c.a.min(c.b), c.a.max(c.b)), c.probability))
        .collect();
    let members = outcome.group_members();
    let mut writer = csv::Writer::from_path(&request.out).map_err(|e| io(&request.out, e))?;
    writer
        .write_record(["id_l", "id_r", "score"])
        .map_err(|e| io(&request.out, e))?;
    let mut pairs = 0;
    for group in &members {
        let weakest = group
            .iter()
            .enumerate()
            .flat_map(|(i, &a)| group[i + 1..].iter().map(move |&b| (a, b)))
            .filter_map(|k| direct.get(&k).copied())
            .fold(1.0f64, f64::min);
        for (i, &a) in group.iter().enumerate() {
            for &b in &group[i + 1..] {
                let score = direct.get(&(a, b)).copied().unwrap_or(weakest);
                writer
                    .write_record([id(a), id(b), &format!("{score:.6}")])
                    .map_err(|e| io(&request.out, e))?;
                pairs += 1;
            }
        }
    }
    writer.flush().map_err(|e| io(&request.out, e))?;
    if let Some(path) = &request.clusters {
        let mut number: HashMap<u32, usize> = HashMap::new();
        let mut writer = csv::Writer::from_path(path).map_err(|e| io(path, e))?;
        writer
            .write_record(["id", "cluster_id"])
            .map_err(|e| io(path, e))?;
        for (row, group) in outcome.groups.iter().enumerate() {
            let next = number.len() + 1;
            let cluster = *number.entry(*group).or_insert(next);
            writer
                .write_record([id(row as u32), &cluster.to_string()])
                .map_err(|e| io(path, e))?;
        }
        writer.flush().map_err(|e| io(path, e))?;
    }
    Ok(CsvDedupeReport {
        records: rows.len(),
        compared: outcome.compared,
        pairs,
        groups: members.len(),
        columns: kinds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(dir: &Path, csv: &str) -> CsvDedupe {
        let input = dir.join("in.csv");
        std::fs::write(&input, csv).unwrap();
        CsvDedupe {
            input,
            id_column: "id".into(),
            fields: Vec::new(),
            out: dir.join("pairs.csv"),
            clusters: Some(dir.join("clusters.csv")),
            region: "US".into(),
        }
    }

    #[test]
    fn pairs_and_clusters_are_written_with_guessed_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from("id,First Name,Last Name,E-mail,Phone,notes\n");
        csv.push_str("a1,William,Smith,w.smith@acme.com,(415) 555-0100,first\n");
        csv.push_str("a2,Bill,Smith,W.Smith@ACME.com,+1 415 555 0100,second\n");
        for i in 0..200 {
            csv.push_str(&format!(
                "x{i},Given{i},Family{i},p{i}@firm{i}.example,,filler\n"
            ));
        }
        let report = dedupe_csv(&request(dir.path(), &csv)).unwrap();
        assert_eq!(report.records, 202);
        assert_eq!(report.groups, 1);
        let kinds: Vec<FieldKind> = report.columns.iter().map(|c| c.1).collect();
        assert_eq!(
            kinds,
            [
                FieldKind::Id,
                FieldKind::GivenName,
                FieldKind::Surname,
                FieldKind::Email,
                FieldKind::Phone,
                FieldKind::Text
            ]
        );
        let pairs = std::fs::read_to_string(dir.path().join("pairs.csv")).unwrap();
        let lines: Vec<&str> = pairs.lines().collect();
        assert_eq!(lines[0], "id_l,id_r,score");
        assert_eq!(lines.len(), 2, "{pairs}");
        assert!(lines[1].starts_with("a1,a2,0.99"), "{pairs}");
        let clusters = std::fs::read_to_string(dir.path().join("clusters.csv")).unwrap();
        assert_eq!(clusters.lines().count(), 203, "a line for every row");
        assert!(clusters.contains("a1,1\n") && clusters.contains("a2,1\n"));
    }

    #[test]
    fn bad_input_names_the_column_or_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = request(dir.path(), "id,name\n1,Ann\n1,Bob\n");
        let e = dedupe_csv(&r).unwrap_err().to_string();
        assert!(
            e.contains("line 3") && e.contains("`1` appears twice"),
            "{e}"
        );
        r.id_column = "key".into();
        let e = dedupe_csv(&r).unwrap_err().to_string();
        assert!(
            e.contains("`key` is not a column") && e.contains("id, name"),
            "{e}"
        );
        r.id_column = "id".into();
        r.fields = vec![("mail".into(), FieldKind::Email)];
        let e = dedupe_csv(&r).unwrap_err().to_string();
        assert!(e.contains("--field names `mail`"), "{e}");
        let r = request(dir.path(), "id,name\n1,Ann\n2,Bob,extra\n");
        let e = dedupe_csv(&r).unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
    }
}
