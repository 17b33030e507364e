//! Owner and stage ids mean something in one account only. A pair carries them across by the stage
//! and owner mappings saved for its two connections (Mappings screen, or a migration plan): the
//! mapping A -> B for writes to B, B -> A for writes to A (the inverse of A -> B where only that one
//! was saved). A value with no mapping is not written, as a link to a record not linked yet.

use std::collections::HashMap;

use bridge_model::{Fields, MappedOwner, MappedStage, Side};
use serde_json::{Value, json};

use crate::{field_path::id_text, mappings::StageOwnerMapping};

/// Fields a pair carries through the mappings (a deal's pipeline goes with its stage).
pub(crate) const MAPPED: &[&str] = &["owner_id", "stage_id"];

/// One direction's ids.
#[derive(Debug, Default, Clone)]
struct Direction {
    owners: HashMap<String, String>,
    /// Source stage -> (target pipeline, target stage).
    stages: HashMap<String, (String, String)>,
}

impl Direction {
    fn of(stages: &[MappedStage], owners: &[MappedOwner]) -> Self {
        let mut d = Direction::default();
        for o in owners {
            d.owners
                .entry(o.source_owner.clone())
                .or_insert_with(|| o.target_owner.clone());
        }
        for s in stages {
            d.stages
                .entry(s.source_stage.clone())
                .or_insert_with(|| (s.target_pipeline.clone(), s.target_stage.clone()));
        }
        d
    }

    /// Target -> source; where two sources map to one target, the first listed comes back.
    fn inverse(stages: &[MappedStage], owners: &[MappedOwner]) -> Self {
        let stages: Vec<MappedStage> = stages
            .iter()
            .map(|s| MappedStage {
                source_pipeline: s.target_pipeline.clone(),
                source_stage: s.target_stage.clone(),
                target_pipeline: s.source_pipeline.clone(),
                target_stage: s.source_stage.clone(),
            })
            .collect();
        let owners: Vec<MappedOwner> = owners
            .iter()
            .map(|o| MappedOwner {
                source_owner: o.target_owner.clone(),
                target_owner: o.source_owner.clone(),
            })
            .collect();
        Direction::of(&stages, &owners)
    }
}

/// The owner and stage ids of a pair's two accounts, each way.
#[derive(Debug, Default, Clone)]
pub(crate) struct AccountIds {
    to_b: Direction,
    to_a: Direction,
    /// Whether a side's deals take a pipeline id (HubSpot, Pipedrive) besides the stage.
    pipeline_in: [bool; 2],
}

impl AccountIds {
    /// From the mappings saved A -> B and B -> A (either may be missing).
    pub fn new(
        a_to_b: Option<&StageOwnerMapping>,
        b_to_a: Option<&StageOwnerMapping>,
        pipeline_in_a: bool,
        pipeline_in_b: bool,
    ) -> Self {
        let forward = |m: &StageOwnerMapping| Direction::of(&m.stages, &m.owners);
        let backward = |m: &StageOwnerMapping| Direction::inverse(&m.stages, &m.owners);
        AccountIds {
            to_b: a_to_b
                .map(forward)
                .or_else(|| b_to_a.map(backward))
                .unwrap_or_default(),
            to_a: b_to_a
                .map(forward)
                .or_else(|| a_to_b.map(backward))
                .unwrap_or_default(),
            pipeline_in: [pipeline_in_a, pipeline_in_b],
        }
    }

    /// Which of `MAPPED` the mappings carry both ways.
    pub fn carries(&self, field: &str) -> bool {
        match field {
            "owner_id" => !self.to_b.owners.is_empty() && !self.to_a.owners.is_empty(),
            "stage_id" => !self.to_b.stages.is_empty() && !self.to_a.stages.is_empty(),
            _ => false,
        }
    }

    /// The other side's id of `value` for `field`, going `to` that side.
    pub fn carry(&self, field: &str, value: &Value, to: Side) -> Option<String> {
        let id = id_text(value);
        let d = self.direction(to);
        match field {
            "owner_id" => d.owners.get(&id).cloned(),
            "stage_id" => d.stages.get(&id).map(|(_, stage)| stage.clone()),
            _ => None,
        }
    }

    /// Whether A's `a` and B's `b` are the same owner or stage: A's carried to B is B's. Judged
    /// A -> B only, so two of A's stages mapped to one of B's never take turns being written.
    pub fn same(&self, field: &str, a: &Value, b: &Value) -> bool {
        self.carry(field, a, Side::B)
            .is_some_and(|x| x == id_text(b))
    }

    /// `fields` (already in `to`'s ids) with the pipeline of their stage, where `to` takes one.
    pub fn with_pipeline(&self, mut fields: Fields, to: Side) -> Fields {
        let side = usize::from(to == Side::B);
        if !self.pipeline_in[side] {
            return fields;
        }
        let Some(Value::String(stage)) = fields.get("stage_id") else {
            return fields;
        };
        // The pipeline a stage of `to` sits in is what the other direction maps into.
        let pipeline = self
            .direction(to)
            .stages
            .values()
            .find(|(_, s)| s == stage)
            .map(|(p, _)| p.clone());
        if let Some(p) = pipeline {
            fields.insert("pipeline_id".into(), json!(p));
        }
        fields
    }

    fn direction(&self, to: Side) -> &Direction {
        match to {
            Side::A => &self.to_a,
            Side::B => &self.to_b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(sp: &str, s: &str, tp: &str, t: &str) -> MappedStage {
        MappedStage {
            source_pipeline: sp.into(),
            source_stage: s.into(),
            target_pipeline: tp.into(),
            target_stage: t.into(),
        }
    }

    fn mapping(stages: Vec<MappedStage>, owners: &[(&str, &str)]) -> StageOwnerMapping {
        StageOwnerMapping {
            source: bridge_model::ConnectionId(1),
            target: bridge_model::ConnectionId(2),
            stages,
            owners: owners
                .iter()
                .map(|(s, t)| MappedOwner {
                    source_owner: (*s).into(),
                    target_owner: (*t).into(),
                })
                .collect(),
            fallback_owner: Some("fallback".into()),
        }
    }

    #[test]
    fn ids_go_each_way_and_two_stages_mapped_to_one_stay_the_same() {
        // A's "qualified" and "demo" both map to B's "s1": B -> A is the inverse, first one wins.
        let ab = mapping(
            vec![
                stage("", "qualified", "p1", "s1"),
                stage("", "demo", "p1", "s1"),
                stage("", "won", "p1", "s9"),
            ],
            &[("u1", "71"), ("u2", "72")],
        );
        let ids = AccountIds::new(Some(&ab), None, false, true);
        assert!(ids.carries("owner_id") && ids.carries("stage_id"));
        assert!(!ids.carries("pipeline_id"));
        assert_eq!(
            ids.carry("owner_id", &json!("u2"), Side::B).as_deref(),
            Some("72")
        );
        assert_eq!(
            ids.carry("owner_id", &json!(71), Side::A).as_deref(),
            Some("u1"),
            "numbers as the CRM sends them"
        );
        assert_eq!(ids.carry("owner_id", &json!("u3"), Side::B), None);
        assert_eq!(
            ids.carry("stage_id", &json!("s1"), Side::A).as_deref(),
            Some("qualified")
        );
        assert!(
            ids.same("stage_id", &json!("demo"), &json!("s1")),
            "demo in A is s1 in B: nothing to write either way"
        );
        assert!(!ids.same("stage_id", &json!("won"), &json!("s1")));
        // B takes a pipeline with the stage, A does not.
        let to_b = ids.with_pipeline(
            json!({"stage_id": "s9"}).as_object().unwrap().clone(),
            Side::B,
        );
        assert_eq!(to_b["pipeline_id"], json!("p1"));
        let to_a = ids.with_pipeline(
            json!({"stage_id": "won"}).as_object().unwrap().clone(),
            Side::A,
        );
        assert!(!to_a.contains_key("pipeline_id"));
        // A saved B -> A mapping is used as it is, not the inverse.
        let ba = mapping(vec![stage("p1", "s1", "", "demo")], &[("71", "u9")]);
        let ids = AccountIds::new(Some(&ab), Some(&ba), false, true);
        assert_eq!(
            ids.carry("stage_id", &json!("s1"), Side::A).as_deref(),
            Some("demo")
        );
        assert_eq!(
            ids.carry("owner_id", &json!("71"), Side::A).as_deref(),
            Some("u9")
        );
        assert!(!AccountIds::default().carries("owner_id"));
    }
}
