//! Field, stage and owner mappings: the suggestions and the translation of one record. Pure: the
//! CRMs' descriptions come in as arguments, nothing here touches the network, the clock or the
//! database.

use std::collections::HashMap;

use bridge_crm::{Owner, Pipeline, StageOutcome};
use bridge_model::{
    FieldMapping, FieldProblem, Fields, MappedField, MappedOwner, MappedStage, ObjectType,
    Transform, field,
};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::{Value, json};

use crate::field_path::{self, id_text};
use bridge_dedupe::merge_plan::blank as is_blank;

/// What a dry run shows for a link to a record the run would create first: its id is not known
/// until then.
pub(crate) fn pending_link(parent: ObjectType, id: &str) -> String {
    format!("{PENDING}{parent} {id})")
}

const PENDING: &str = "(new ";

/// `fields` without the links to records not created yet (see [`pending_link`]): what a check
/// of the target's ids should see.
pub(crate) fn without_pending_links(fields: &Fields) -> Fields {
    let mut out = fields.clone();
    out.retain(|k, v| {
        !(LINKS.iter().any(|(f, _)| f == k) && v.as_str().is_some_and(|t| t.starts_with(PENDING)))
    });
    out
}

/// Link fields: carried as the target's id of the record they point at.
pub(crate) const LINKS: &[(&str, ObjectType)] = &[
    ("company_id", ObjectType::Company),
    ("person_id", ObjectType::Person),
    ("deal_id", ObjectType::Deal),
];

/// A field one side describes: its name (`custom.<key>` for custom fields), label and type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Described {
    pub name: String,
    pub label: String,
    pub kind: String,
    /// A picklist's values, as the CRM takes them.
    pub options: Vec<String>,
    /// The CRM refuses a create without it.
    pub required: bool,
}

/// How one picklist's values go into another's: as they are where the target takes every one;
/// else a value map pairing each value with the target's value of the same words ("Trade show" ->
/// `trade_show`), the others left out of the map (the dry run names a record holding one).
fn choices_between(source: &[String], target: &[String]) -> Transform {
    if source.is_empty() || target.is_empty() || source.iter().all(|v| target.contains(v)) {
        return Transform::Direct;
    }
    let map = source
        .iter()
        .filter_map(|v| {
            let t = target.iter().find(|t| words(t) == words(v))?;
            Some((v.clone(), t.clone()))
        })
        .collect();
    Transform::ValueMap {
        map,
        otherwise: None,
    }
}

/// Two CRMs' names for the same thing where the type is not obvious from the name.
fn same_kind(a: &str, b: &str) -> bool {
    let family = |k: &str| match k.to_ascii_lowercase().as_str() {
        "number" | "int" | "integer" | "double" | "currency" | "monetary" | "decimal"
        | "percent" => "number",
        "date" | "datetime" | "date_time" => "date",
        "bool" | "boolean" | "checkbox" => "bool",
        "enumeration" | "picklist" | "enum" | "choices" | "select" => "choice",
        _ => "text",
    };
    family(a) == family(b)
}

fn words(label: &str) -> String {
    label
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The suggested mapping of one object type: every canonical field both CRMs have goes across as
/// it is; a full name is split or joined where one side keeps first and last apart; custom fields
/// are paired by label (Jaro-Winkler at least 0.9) when their types agree.
pub(crate) fn suggest_fields(
    source_object: ObjectType,
    target_object: ObjectType,
    source: &[Described],
    target: &[Described],
) -> FieldMapping {
    let has = |side: &[Described], name: &str| side.iter().any(|f| f.name == name);
    let mut fields = Vec::new();
    for s in source.iter().filter(|f| !f.name.starts_with("custom.")) {
        if has(target, &s.name) {
            fields.push(MappedField {
                source: s.name.clone(),
                target: s.name.clone(),
                transform: Transform::Direct,
                required: false,
            });
        }
    }
    let names = [field::NAME, field::FIRST_NAME, field::LAST_NAME];
    let [name, first, last] = names.map(|n| (has(source, n), has(target, n)));
    if name.0 && !first.0 && first.1 && last.1 && !name.1 {
        fields.push(MappedField {
            source: field::NAME.into(),
            target: field::LAST_NAME.into(),
            transform: Transform::SplitName,
            required: false,
        });
    }
    if first.0 && last.0 && name.1 && !first.1 {
        fields.push(MappedField {
            source: field::LAST_NAME.into(),
            target: field::NAME.into(),
            transform: Transform::JoinName,
            required: false,
        });
    }
    let mut taken: Vec<&str> = Vec::new();
    for s in source.iter().filter(|f| f.name.starts_with("custom.")) {
        let best = target
            .iter()
            .filter(|t| t.name.starts_with("custom.") && !taken.contains(&t.name.as_str()))
            .filter(|t| same_kind(&s.kind, &t.kind))
            .map(|t| (strsim::jaro_winkler(&words(&s.label), &words(&t.label)), t))
            .filter(|(score, _)| *score >= 0.9)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, t)) = best {
            taken.push(&t.name);
            fields.push(MappedField {
                source: s.name.clone(),
                target: t.name.clone(),
                transform: choices_between(&s.options, &t.options),
                required: false,
            });
        }
    }
    FieldMapping {
        source_object,
        target_object,
        fields,
    }
}

/// Source stages -> target stages: the target stage of the same outcome (won, lost, open) whose
/// name is closest, ties going to the one at the same place in its pipeline. Warnings name a won
/// stage that maps to a lost or open one and probabilities that run backwards.
pub(crate) fn suggest_stages(
    source: &[Pipeline],
    target: &[Pipeline],
) -> (Vec<MappedStage>, Vec<String>) {
    let mut out = Vec::new();
    let Some(default_target) = target.first() else {
        return (
            out,
            vec!["the target has no pipeline: deals cannot be migrated".into()],
        );
    };
    for sp in source {
        // The target pipeline with the closest name (the first when none is close).
        let tp = target
            .iter()
            .map(|t| (strsim::jaro_winkler(&words(&sp.label), &words(&t.label)), t))
            .filter(|(score, _)| *score >= 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map_or(default_target, |(_, t)| t);
        let count = sp.stages.len().max(1) as f64;
        for (i, s) in sp.stages.iter().enumerate() {
            let place = i as f64 / count;
            let tcount = tp.stages.len().max(1) as f64;
            let best = tp
                .stages
                .iter()
                .enumerate()
                .map(|(j, t)| {
                    let outcome = if t.outcome == s.outcome { 1.0 } else { 0.0 };
                    let name = strsim::jaro_winkler(&words(&s.label), &words(&t.label));
                    let order = 1.0 - (place - j as f64 / tcount).abs();
                    (outcome * 10.0 + name * 2.0 + order, t)
                })
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, t)) = best {
                out.push(MappedStage {
                    source_pipeline: sp.id.clone(),
                    source_stage: s.id.clone(),
                    target_pipeline: tp.id.clone(),
                    target_stage: t.id.clone(),
                });
            }
        }
    }
    let warnings = check_stages(source, target, &out);
    (out, warnings)
}

/// What is wrong with a stage mapping: won or lost stages landing on another outcome, and stages
/// whose probabilities go down in the target as they go up in the source.
pub(crate) fn check_stages(
    source: &[Pipeline],
    target: &[Pipeline],
    mapped: &[MappedStage],
) -> Vec<String> {
    let find = |pipelines: &[Pipeline], p: &str, s: &str| {
        pipelines
            .iter()
            .filter(|x| x.id == p)
            .flat_map(|x| x.stages.iter())
            .find(|x| x.id == s)
            .cloned()
    };
    let mut warnings = Vec::new();
    let mut pairs = Vec::new();
    for m in mapped {
        let (Some(s), Some(t)) = (
            find(source, &m.source_pipeline, &m.source_stage),
            find(target, &m.target_pipeline, &m.target_stage),
        ) else {
            warnings.push(format!(
                "stage {} maps to {}, which is not in the target's pipeline {}",
                m.source_stage, m.target_stage, m.target_pipeline
            ));
            continue;
        };
        if s.outcome != t.outcome && s.outcome != StageOutcome::Open {
            warnings.push(format!(
                "the {} stage \"{}\" maps to \"{}\", which is {}",
                outcome_word(s.outcome),
                s.label,
                t.label,
                outcome_word(t.outcome)
            ));
        }
        pairs.push((m.source_pipeline.clone(), s, t));
    }
    for (i, (pa, sa, ta)) in pairs.iter().enumerate() {
        for (pb, sb, tb) in &pairs[i + 1..] {
            let (Some(s1), Some(s2), Some(t1), Some(t2)) = (
                sa.probability,
                sb.probability,
                ta.probability,
                tb.probability,
            ) else {
                continue;
            };
            if pa == pb && (s1 - s2) * (t1 - t2) < 0.0 {
                warnings.push(format!(
                    "probabilities run backwards: \"{}\" ({s1}%) -> \"{}\" ({t1}%) but \"{}\" ({s2}%) -> \"{}\" ({t2}%)",
                    sa.label, ta.label, sb.label, tb.label
                ));
            }
        }
    }
    warnings
}

fn outcome_word(o: StageOutcome) -> &'static str {
    match o {
        StageOutcome::Open => "open",
        StageOutcome::Won => "won",
        StageOutcome::Lost => "lost",
    }
}

/// Source owners -> target owners with the same e-mail (case and spaces aside); the names of
/// those without one, for the fallback owner.
pub(crate) fn suggest_owners(
    source: &[Owner],
    target: &[Owner],
) -> (Vec<MappedOwner>, Vec<String>) {
    let key = |o: &Owner| o.email.as_deref().map(|e| e.trim().to_lowercase());
    let by_email: HashMap<String, &Owner> = target
        .iter()
        .filter_map(|o| key(o).map(|k| (k, o)))
        .collect();
    let mut mapped = Vec::new();
    let mut unmapped = Vec::new();
    for o in source {
        match key(o).and_then(|k| by_email.get(&k)) {
            Some(t) => mapped.push(MappedOwner {
                source_owner: o.id.clone(),
                target_owner: t.id.clone(),
            }),
            None => unmapped.push(match &o.email {
                Some(e) => format!("{} <{e}>", o.name),
                None => o.name.clone(),
            }),
        }
    }
    (mapped, unmapped)
}

/// What a record's ids become in the target.
pub(crate) struct Translate<'a> {
    /// (type, source id) -> target id of records already in the target.
    pub crosswalk: &'a HashMap<(ObjectType, String), String>,
    pub stages: &'a [MappedStage],
    pub owners: &'a [MappedOwner],
    pub fallback_owner: Option<&'a str>,
}

/// A source record's fields as the target takes them, and every value that cannot be written
/// (named by field). A link to a record that is not in the target yet is a problem only when
/// `pending_links` does not hold it (a dry run counts records it would create as there).
pub(crate) fn map_record(
    mapping: &FieldMapping,
    source: &Fields,
    translate: &Translate,
    pending_links: &dyn Fn(ObjectType, &str) -> bool,
) -> (Fields, Vec<FieldProblem>) {
    let mut out = Fields::new();
    let mut problems = Vec::new();
    let get = |name: &str| -> Option<Value> {
        field_path::get(source, name)
            .filter(|v| !is_blank(Some(v)))
            .cloned()
    };
    for rule in &mapping.fields {
        let value = match transform(&rule.transform, get(&rule.source), source) {
            Ok(v) => v,
            Err(message) => {
                problems.push(FieldProblem {
                    field: rule.target.clone(),
                    message,
                });
                continue;
            }
        };
        if let Transform::SplitName = rule.transform {
            if let Some(Value::String(full)) = &value {
                let (first, last) = match full.trim().rsplit_once(' ') {
                    Some((f, l)) => (Some(f.trim().to_owned()), l.to_owned()),
                    None => (None, full.trim().to_owned()),
                };
                if let Some(first) = first {
                    out.insert(field::FIRST_NAME.into(), json!(first));
                }
                out.insert(field::LAST_NAME.into(), json!(last));
            }
            continue;
        }
        let value = match value {
            Some(v) => translate_id(&rule.target, v, translate, pending_links, &mut problems),
            None => None,
        };
        match value {
            Some(v) => field_path::put(&mut out, &rule.target, v),
            None if rule.required => problems.push(FieldProblem {
                field: rule.target.clone(),
                message: format!("`{}` is required and the source has no value", rule.target),
            }),
            None => {}
        }
    }
    // A deal's pipeline goes with its stage.
    if let Some(Value::String(stage)) = out.get("stage_id").cloned()
        && let Some(m) = translate.stages.iter().find(|m| m.target_stage == stage)
        && mapping.fields.iter().any(|f| f.target == "pipeline_id")
    {
        out.insert("pipeline_id".into(), json!(m.target_pipeline));
    }
    (out, problems)
}

/// Ids that mean something only in the source account: links, owners, stages, pipelines.
fn translate_id(
    target: &str,
    value: Value,
    translate: &Translate,
    pending_links: &dyn Fn(ObjectType, &str) -> bool,
    problems: &mut Vec<FieldProblem>,
) -> Option<Value> {
    let id = id_text(&value);
    if let Some((_, parent)) = LINKS.iter().find(|(f, _)| *f == target) {
        // A person may have been a Salesforce lead (a task on a lead).
        let found = translate.crosswalk.get(&(*parent, id.clone())).or_else(|| {
            (*parent == ObjectType::Person)
                .then(|| translate.crosswalk.get(&(ObjectType::Lead, id.clone())))
                .flatten()
        });
        return match found {
            Some(t) => Some(json!(t)),
            None if pending_links(*parent, &id) => Some(json!(pending_link(*parent, &id))),
            None => {
                problems.push(FieldProblem {
                    field: target.to_owned(),
                    message: format!("links to {parent} {id}, which is not in the target"),
                });
                None
            }
        };
    }
    match target {
        "owner_id" => {
            let mapped = translate
                .owners
                .iter()
                .find(|o| o.source_owner == id)
                .map(|o| o.target_owner.as_str())
                .or(translate.fallback_owner);
            mapped.map(|t| json!(t))
        }
        "stage_id" => match translate.stages.iter().find(|m| m.source_stage == id) {
            Some(m) => Some(json!(m.target_stage)),
            None => {
                problems.push(FieldProblem {
                    field: target.to_owned(),
                    message: format!("stage {id} has no target stage in the stage mapping"),
                });
                None
            }
        },
        // Set from the stage (above): a pipeline id alone means nothing in the target.
        "pipeline_id" => None,
        _ => Some(value),
    }
}

/// One value through one transform; `Err` names what is wrong with it.
fn transform(
    t: &Transform,
    value: Option<Value>,
    source: &Fields,
) -> Result<Option<Value>, String> {
    Ok(match t {
        Transform::Direct | Transform::SplitName => value,
        Transform::Constant { value } => Some(value.clone()),
        Transform::Default { value: fallback } => value.or_else(|| Some(fallback.clone())),
        Transform::ValueMap { map, otherwise } => match value {
            None => None,
            Some(v) => {
                let key = id_text(&v);
                match map.get(&key).or(otherwise.as_ref()) {
                    Some(m) => Some(json!(m)),
                    None => return Err(format!("\"{key}\" has no value in the value map")),
                }
            }
        },
        Transform::JoinName => {
            let part = |f: &str| source.get(f).and_then(Value::as_str).map(str::trim);
            let joined = [part(field::FIRST_NAME), part(field::LAST_NAME)]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            (!joined.is_empty()).then(|| json!(joined))
        }
        Transform::Number => match value {
            None => None,
            Some(Value::Number(n)) => Some(Value::Number(n)),
            Some(v) => {
                let text = id_text(&v);
                let digits: String = text
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
                    .collect();
                match digits.parse::<f64>() {
                    Ok(n) => Some(json!(n)),
                    Err(_) => return Err(format!("\"{text}\" is not a number")),
                }
            }
        },
        Transform::Date { offset_minutes } => match value {
            None => None,
            Some(v) => {
                let text = id_text(&v);
                Some(json!(to_date(&text, *offset_minutes).ok_or_else(|| {
                    format!("\"{text}\" is not a date or a date-time")
                })?))
            }
        },
        Transform::Join { separator } => match value {
            Some(Value::Array(items)) => Some(json!(
                items
                    .iter()
                    .map(id_text)
                    .collect::<Vec<_>>()
                    .join(separator)
            )),
            other => other,
        },
        Transform::Split { separator } => match value {
            Some(Value::String(s)) => Some(json!(
                s.split(separator.as_str())
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
            )),
            other => other,
        },
    })
}

/// The calendar day of a date or date-time text in the given offset from UTC.
fn to_date(text: &str, offset_minutes: i32) -> Option<String> {
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(d.to_string());
    }
    let offset = FixedOffset::east_opt(offset_minutes * 60)?;
    let t = DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map(|t| t.with_timezone(&chrono::Utc))
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").map(|t| t.and_utc())
        })
        .ok()?;
    Some(t.with_timezone(&offset).date_naive().to_string())
}

/// What a lead's status says, in each target field's words: (word in the status, HubSpot's value).
/// The first word a status holds decides; a status none holds is left out (refused by name) or, for
/// a lifecycle stage, is a lead.
/// (target field, (word, value) in order, the value of a status no word names).
type StatusWords = (
    &'static str,
    &'static [(&'static str, &'static str)],
    Option<&'static str>,
);

const LEAD_STATUS_WORDS: &[StatusWords] = &[
    (
        "lifecycle_stage",
        &[
            ("not converted", "other"),
            ("unqualified", "other"),
            ("converted", "opportunity"),
            ("not contacted", "lead"),
            ("qualified", "salesqualifiedlead"),
            ("working", "salesqualifiedlead"),
            ("contacted", "salesqualifiedlead"),
            ("open", "lead"),
            ("new", "lead"),
        ],
        Some("lead"),
    ),
    (
        "lead_status",
        &[
            ("not converted", "UNQUALIFIED"),
            ("unqualified", "UNQUALIFIED"),
            ("converted", "OPEN_DEAL"),
            ("not contacted", "NEW"),
            ("working", "IN_PROGRESS"),
            ("contacted", "ATTEMPTED_TO_CONTACT"),
            ("qualified", "CONNECTED"),
            ("open", "NEW"),
            ("new", "NEW"),
        ],
        None,
    ),
];

/// A lead's status as the target person's lifecycle stage and lead status, value by value, where
/// the target has those picklists (HubSpot): the map the person then checks in the Fields step.
pub(crate) fn lead_status_rules(
    statuses: &[String],
    target_options: &std::collections::BTreeMap<String, Vec<String>>,
) -> Vec<MappedField> {
    let mut out = Vec::new();
    for (field, words, otherwise) in LEAD_STATUS_WORDS {
        let Some(values) = target_options.get(*field) else {
            continue;
        };
        let value = |want: &str| {
            values
                .iter()
                .find(|v| v.eq_ignore_ascii_case(want))
                .cloned()
        };
        let map: std::collections::BTreeMap<String, String> = statuses
            .iter()
            .filter_map(|status| {
                let said = status.to_lowercase();
                let (_, to) = words.iter().find(|(word, _)| said.contains(word))?;
                Some((status.clone(), value(to)?))
            })
            .collect();
        if map.is_empty() {
            continue;
        }
        out.push(MappedField {
            source: "status".into(),
            target: (*field).into(),
            transform: Transform::ValueMap {
                map,
                otherwise: otherwise.and_then(value),
            },
            required: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use bridge_crm::Stage;
    use serde_json::json;

    use super::*;

    fn fields(v: Value) -> Fields {
        v.as_object().unwrap().clone()
    }

    fn rule(source: &str, target: &str, transform: Transform) -> MappedField {
        MappedField {
            source: source.into(),
            target: target.into(),
            transform,
            required: false,
        }
    }

    fn apply(rules: Vec<MappedField>, source: Value) -> (Fields, Vec<FieldProblem>) {
        let crosswalk = HashMap::from([((ObjectType::Company, "lead_1".into()), "901".into())]);
        let stages = [MappedStage {
            source_pipeline: "p".into(),
            source_stage: "stat_won".into(),
            target_pipeline: "default".into(),
            target_stage: "closedwon".into(),
        }];
        let owners = [MappedOwner {
            source_owner: "user_1".into(),
            target_owner: "7001".into(),
        }];
        let translate = Translate {
            crosswalk: &crosswalk,
            stages: &stages,
            owners: &owners,
            fallback_owner: Some("7000"),
        };
        let mapping = FieldMapping {
            source_object: ObjectType::Deal,
            target_object: ObjectType::Deal,
            fields: rules,
        };
        map_record(&mapping, &fields(source), &translate, &|t, id| {
            t == ObjectType::Person && id == "cont_new"
        })
    }

    #[test]
    fn transforms_turn_source_values_into_target_values() {
        let map = BTreeMap::from([("Hot".to_owned(), "high".to_owned())]);
        let cases: Vec<(MappedField, Value, Value)> = vec![
            (
                rule("name", "name", Transform::Direct),
                json!({"name": "Acme"}),
                json!({"name": "Acme"}),
            ),
            (
                rule("name", "last_name", Transform::SplitName),
                json!({"name": "Ann Marie Lee"}),
                json!({"first_name": "Ann Marie", "last_name": "Lee"}),
            ),
            (
                rule("name", "last_name", Transform::SplitName),
                json!({"name": "Cher"}),
                json!({"last_name": "Cher"}),
            ),
            (
                rule("last_name", "name", Transform::JoinName),
                json!({"first_name": "Ann", "last_name": "Lee"}),
                json!({"name": "Ann Lee"}),
            ),
            (
                rule(
                    "rating",
                    "custom.priority",
                    Transform::ValueMap {
                        map: map.clone(),
                        otherwise: None,
                    },
                ),
                json!({"rating": "Hot"}),
                json!({"custom": {"priority": "high"}}),
            ),
            (
                rule(
                    "rating",
                    "rating",
                    Transform::ValueMap {
                        map: map.clone(),
                        otherwise: Some("low".into()),
                    },
                ),
                json!({"rating": "Cold"}),
                json!({"rating": "low"}),
            ),
            (
                rule("amount", "amount", Transform::Number),
                json!({"amount": "$1,200.50"}),
                json!({"amount": 1200.5}),
            ),
            (
                rule(
                    "close_date",
                    "close_date",
                    Transform::Date {
                        offset_minutes: -300,
                    },
                ),
                json!({"close_date": "2026-03-02T03:30:00Z"}),
                json!({"close_date": "2026-03-01"}),
            ),
            (
                rule(
                    "close_date",
                    "close_date",
                    Transform::Date { offset_minutes: 0 },
                ),
                json!({"close_date": "2026-03-02"}),
                json!({"close_date": "2026-03-02"}),
            ),
            (
                rule(
                    "custom.src",
                    "source",
                    Transform::Default {
                        value: json!("import"),
                    },
                ),
                json!({}),
                json!({"source": "import"}),
            ),
            (
                rule(
                    "x",
                    "source",
                    Transform::Constant {
                        value: json!("migration"),
                    },
                ),
                json!({"x": "y"}),
                json!({"source": "migration"}),
            ),
            (
                rule(
                    "tags",
                    "tags",
                    Transform::Join {
                        separator: "; ".into(),
                    },
                ),
                json!({"tags": ["a", "b"]}),
                json!({"tags": "a; b"}),
            ),
            (
                rule(
                    "tags",
                    "tags",
                    Transform::Split {
                        separator: ";".into(),
                    },
                ),
                json!({"tags": "a; b;"}),
                json!({"tags": ["a", "b"]}),
            ),
            (
                rule("company_id", "company_id", Transform::Direct),
                json!({"company_id": "lead_1"}),
                json!({"company_id": "901"}),
            ),
            (
                rule("person_id", "person_id", Transform::Direct),
                json!({"person_id": "cont_new"}),
                json!({"person_id": "(new person cont_new)"}),
            ),
            (
                rule("owner_id", "owner_id", Transform::Direct),
                json!({"owner_id": "user_1"}),
                json!({"owner_id": "7001"}),
            ),
            (
                rule("owner_id", "owner_id", Transform::Direct),
                json!({"owner_id": "user_9"}),
                json!({"owner_id": "7000"}),
            ),
            (
                rule("stage_id", "stage_id", Transform::Direct),
                json!({"stage_id": "stat_won"}),
                json!({"stage_id": "closedwon"}),
            ),
        ];
        for (r, source, want) in cases {
            let what = format!("{r:?} on {source}");
            let (got, problems) = apply(vec![r], source);
            assert!(problems.is_empty(), "{what}: {problems:?}");
            assert_eq!(Value::Object(got), want, "{what}");
        }
    }

    #[test]
    fn values_that_cannot_be_written_name_their_field() {
        let map = BTreeMap::from([("Hot".to_owned(), "high".to_owned())]);
        let cases: Vec<(MappedField, Value, &str, &str)> = vec![
            (
                rule(
                    "rating",
                    "rating",
                    Transform::ValueMap {
                        map,
                        otherwise: None,
                    },
                ),
                json!({"rating": "Warm"}),
                "rating",
                "\"Warm\" has no value in the value map",
            ),
            (
                rule("amount", "amount", Transform::Number),
                json!({"amount": "lots"}),
                "amount",
                "\"lots\" is not a number",
            ),
            (
                rule("d", "close_date", Transform::Date { offset_minutes: 0 }),
                json!({"d": "soon"}),
                "close_date",
                "\"soon\" is not a date or a date-time",
            ),
            (
                rule("company_id", "company_id", Transform::Direct),
                json!({"company_id": "lead_404"}),
                "company_id",
                "links to company lead_404, which is not in the target",
            ),
            (
                rule("stage_id", "stage_id", Transform::Direct),
                json!({"stage_id": "stat_x"}),
                "stage_id",
                "stage stat_x has no target stage in the stage mapping",
            ),
            (
                MappedField {
                    required: true,
                    ..rule("name", "name", Transform::Direct)
                },
                json!({"name": "  "}),
                "name",
                "`name` is required and the source has no value",
            ),
        ];
        for (r, source, field, message) in cases {
            let (_, problems) = apply(vec![r], source);
            assert_eq!(
                problems,
                vec![FieldProblem {
                    field: field.into(),
                    message: message.into()
                }]
            );
        }
    }

    #[test]
    fn a_picklist_goes_as_it_is_where_the_target_takes_every_value_else_by_a_map_of_same_words() {
        let v = |xs: &[&str]| xs.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let close = v(&["Webinar", "Trade show", "Referral", "Partner"]);
        assert_eq!(choices_between(&close, &close), Transform::Direct);
        assert_eq!(choices_between(&close, &[]), Transform::Direct);
        let Transform::ValueMap { map, otherwise } =
            choices_between(&close, &v(&["webinar", "trade_show", "referral"]))
        else {
            panic!("a value map");
        };
        assert_eq!(
            map,
            BTreeMap::from([
                ("Webinar".to_owned(), "webinar".to_owned()),
                ("Trade show".to_owned(), "trade_show".to_owned()),
                ("Referral".to_owned(), "referral".to_owned()),
            ]),
            "Partner has no value of its words there"
        );
        assert_eq!(otherwise, None);
    }

    fn described(names: &[(&str, &str, &str)]) -> Vec<Described> {
        names
            .iter()
            .map(|(n, l, k)| Described {
                name: (*n).into(),
                label: (*l).into(),
                kind: (*k).into(),
                options: Vec::new(),
                required: false,
            })
            .collect()
    }

    #[test]
    fn fields_are_suggested_by_name_label_and_type() {
        let source = described(&[
            ("name", "name", "string"),
            ("email", "email", "string"),
            ("custom.cf_1", "Lead Source", "choices"),
            ("custom.cf_2", "Contract value", "number"),
            ("custom.cf_3", "Renewal", "date"),
        ]);
        let target = described(&[
            ("first_name", "first name", "string"),
            ("last_name", "last name", "string"),
            ("email", "email", "string"),
            ("custom.lead_source", "Lead source", "enumeration"),
            ("custom.contract_value", "Contract Value", "string"),
            ("custom.renewal_date", "Renewal date", "date"),
        ]);
        let m = suggest_fields(ObjectType::Person, ObjectType::Person, &source, &target);
        let got: Vec<(String, String, Transform)> = m
            .fields
            .into_iter()
            .map(|f| (f.source, f.target, f.transform))
            .collect();
        assert_eq!(
            got,
            vec![
                ("email".into(), "email".into(), Transform::Direct),
                ("name".into(), "last_name".into(), Transform::SplitName),
                (
                    "custom.cf_1".into(),
                    "custom.lead_source".into(),
                    Transform::Direct
                ),
                // "Contract value" is a number there and a text here: not paired.
                (
                    "custom.cf_3".into(),
                    "custom.renewal_date".into(),
                    Transform::Direct
                ),
            ]
        );
    }

    fn pipeline(id: &str, stages: &[(&str, &str, Option<f64>, StageOutcome)]) -> Pipeline {
        Pipeline {
            id: id.into(),
            label: id.into(),
            stages: stages
                .iter()
                .enumerate()
                .map(|(i, (id, label, p, o))| Stage {
                    id: (*id).into(),
                    label: (*label).into(),
                    order: i as u32,
                    probability: *p,
                    outcome: *o,
                })
                .collect(),
        }
    }

    #[test]
    fn stages_map_by_outcome_name_and_order_and_wrong_meanings_are_warned() {
        use StageOutcome::{Lost, Open, Won};
        let source = [pipeline(
            "Sales",
            &[
                ("s1", "Qualified", Some(20.0), Open),
                ("s2", "Proposal sent", Some(60.0), Open),
                ("s3", "Won", Some(100.0), Won),
                ("s4", "Lost", Some(0.0), Lost),
            ],
        )];
        let target = [pipeline(
            "Sales Pipeline",
            &[
                ("t1", "Qualified to buy", Some(20.0), Open),
                ("t2", "Proposal", Some(60.0), Open),
                ("t3", "Closed won", Some(100.0), Won),
                ("t4", "Closed lost", Some(0.0), Lost),
            ],
        )];
        let (mapped, warnings) = suggest_stages(&source, &target);
        let pairs: Vec<(&str, &str)> = mapped
            .iter()
            .map(|m| (m.source_stage.as_str(), m.target_stage.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![("s1", "t1"), ("s2", "t2"), ("s3", "t3"), ("s4", "t4")]
        );
        assert!(warnings.is_empty(), "{warnings:?}");

        // A person's edits: won -> an open stage, and the two open stages swapped.
        let mut edited = mapped.clone();
        edited[2].target_stage = "t2".into();
        edited[0].target_stage = "t2".into();
        edited[1].target_stage = "t1".into();
        let warnings = check_stages(&source, &target, &edited);
        assert!(
            warnings
                .iter()
                .any(|w| w == "the won stage \"Won\" maps to \"Proposal\", which is open"),
            "{warnings:?}"
        );
        assert!(warnings.iter().any(|w| w.starts_with("probabilities run backwards: \"Qualified\" (20%) -> \"Proposal\" (60%) but \"Proposal sent\" (60%) -> \"Qualified to buy\" (20%)")), "{warnings:?}");
    }

    #[test]
    fn owners_map_by_email_and_the_rest_are_named() {
        let owner = |id: &str, name: &str, email: Option<&str>| Owner {
            id: id.into(),
            name: name.into(),
            email: email.map(str::to_owned),
        };
        let source = [
            owner("u1", "Ava Reyes", Some("Ava.Reyes@demo.example ")),
            owner("u2", "Omar Bauer", Some("omar@demo.example")),
            owner("u3", "No Mail", None),
        ];
        let target = [
            owner("71", "Ava R.", Some("ava.reyes@demo.example")),
            owner("72", "Other", Some("x@demo.example")),
        ];
        let (mapped, unmapped) = suggest_owners(&source, &target);
        assert_eq!(
            mapped,
            vec![MappedOwner {
                source_owner: "u1".into(),
                target_owner: "71".into()
            }]
        );
        assert_eq!(
            unmapped,
            vec![
                "Omar Bauer <omar@demo.example>".to_owned(),
                "No Mail".to_owned()
            ]
        );
    }

    #[test]
    fn a_lead_status_maps_to_a_lifecycle_stage_and_a_lead_status_by_what_it_says() {
        let statuses: Vec<String> = [
            "Open - Not Contacted",
            "Working - Contacted",
            "Closed - Converted",
            "Closed - Not Converted",
            "Nurturing",
        ]
        .map(String::from)
        .to_vec();
        let options = BTreeMap::from([
            (
                "lifecycle_stage".to_owned(),
                ["lead", "salesqualifiedlead", "opportunity", "other"]
                    .map(String::from)
                    .to_vec(),
            ),
            (
                "lead_status".to_owned(),
                ["NEW", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED"]
                    .map(String::from)
                    .to_vec(),
            ),
        ]);
        let rules = lead_status_rules(&statuses, &options);
        let map = |target: &str| match &rules.iter().find(|r| r.target == target).unwrap().transform
        {
            Transform::ValueMap { map, otherwise } => (map.clone(), otherwise.clone()),
            t => panic!("{t:?}"),
        };
        let (stage, otherwise) = map("lifecycle_stage");
        assert_eq!(stage["Open - Not Contacted"], "lead");
        assert_eq!(stage["Working - Contacted"], "salesqualifiedlead");
        assert_eq!(stage["Closed - Converted"], "opportunity");
        assert_eq!(stage["Closed - Not Converted"], "other");
        assert!(!stage.contains_key("Nurturing"));
        assert_eq!(
            otherwise.as_deref(),
            Some("lead"),
            "a status it cannot read is a lead"
        );
        let (status, otherwise) = map("lead_status");
        assert_eq!(status["Closed - Not Converted"], "UNQUALIFIED");
        assert_eq!(status["Open - Not Contacted"], "NEW");
        assert_eq!(
            otherwise, None,
            "a status it cannot read is refused by name"
        );
        // A target without these picklists (Pipedrive, Close) gets no rule.
        assert!(lead_status_rules(&statuses, &BTreeMap::new()).is_empty());
    }
}
