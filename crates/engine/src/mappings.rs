//! Field, stage and owner mappings between two connections, saved as versions from the Mappings
//! screen or a migration plan: the next plan between them starts from them, and a sync pair of the
//! two carries owners and stages by them.

use bridge_model::{
    Connection, ConnectionId, FieldMapping, MappedField, MappedOwner, MappedStage, MigrationPlan,
    ObjectType,
};
use bridge_store::{field_mappings, owner_mappings, stage_mappings};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Engine, Error, Result};

/// A saved stage or owner mapping as the Mappings screen lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SavedMappingRow {
    pub name: String,
    pub version: i64,
    pub source: Option<ConnectionId>,
    pub target: Option<ConnectionId>,
    /// Stages or owners mapped.
    pub count: i64,
    pub fallback_owner: Option<String>,
    pub saved_at: DateTime<Utc>,
}

/// Every saved stage and owner mapping, newest versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SavedMappings {
    pub stages: Vec<SavedMappingRow>,
    pub owners: Vec<SavedMappingRow>,
}

/// The stages and owners of one connection mapped to another's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StageOwnerMapping {
    pub source: ConnectionId,
    pub target: ConnectionId,
    pub stages: Vec<MappedStage>,
    pub owners: Vec<MappedOwner>,
    pub fallback_owner: Option<String>,
}

fn row(m: stage_mappings::SavedMapping) -> SavedMappingRow {
    SavedMappingRow {
        count: m.rules.as_array().map_or(0, |a| a.len() as i64),
        name: m.name,
        version: m.version,
        source: m.source,
        target: m.target,
        fallback_owner: m.fallback_owner,
        saved_at: m.created_at,
    }
}

/// The name a field mapping is saved under: "<source> -> <target>: <object>".
pub(crate) fn field_mapping_name(s: &Connection, t: &Connection, object: ObjectType) -> String {
    format!("{} -> {}: {}", s.label, t.label, object.as_str())
}

impl Engine {
    /// Saves a plan's field mappings, stages and owners as the two connections' mappings (new
    /// versions where they changed), without a migration.
    pub fn save_mappings(&self, plan: &MigrationPlan) -> Result<()> {
        self.save_field_mappings(plan.source, plan.target, &plan.objects)?;
        self.save_stage_owner_mapping(&StageOwnerMapping {
            source: plan.source,
            target: plan.target,
            stages: plan.stages.clone(),
            owners: plan.owners.clone(),
            fallback_owner: plan.fallback_owner.clone(),
        })
    }

    /// Saves each of `mappings` as the next version of its name where its rules changed.
    pub fn save_field_mappings(
        &self,
        source: ConnectionId,
        target: ConnectionId,
        mappings: &[FieldMapping],
    ) -> Result<()> {
        let (s, t) = (self.connection(source)?, self.connection(target)?);
        let now = Utc::now();
        self.store.write(|tx| {
            for m in mappings {
                let rules = serde_json::to_value(&m.fields).expect("fields serialise");
                field_mappings::save(
                    tx,
                    &field_mappings::NewFieldMapping {
                        name: &field_mapping_name(&s, &t, m.source_object),
                        source_connection: Some(s.id),
                        source_provider: s.provider,
                        source_object: m.source_object.as_str(),
                        target_connection: Some(t.id),
                        target_provider: t.provider,
                        target_object: m.target_object.as_str(),
                        rules: &rules,
                    },
                    now,
                )?;
            }
            Ok(())
        })?;
        Ok(())
    }

    /// The newest saved field mapping of `object` from `source` to `target`, with its version.
    pub fn saved_field_mapping(
        &self,
        source: ConnectionId,
        target: ConnectionId,
        object: ObjectType,
    ) -> Result<Option<(FieldMapping, i64)>> {
        let Some((target_object, rules, version)) = self
            .store
            .read(|c| field_mappings::latest(c, source, target, object.as_str()))?
        else {
            return Ok(None);
        };
        let corrupt = |detail: String| {
            Error::Store(bridge_store::Error::Corrupt {
                what: format!("field mapping {source:?} -> {target:?}: {object}"),
                detail,
            })
        };
        let fields: Vec<MappedField> =
            serde_json::from_value(rules).map_err(|e| corrupt(e.to_string()))?;
        let target_object = target_object
            .parse()
            .map_err(|e: bridge_model::ParseError| corrupt(e.to_string()))?;
        Ok(Some((
            FieldMapping {
                source_object: object,
                target_object,
                fields,
            },
            version,
        )))
    }

    /// The newest version of every saved stage mapping and owner mapping.
    pub fn stage_and_owner_mappings(&self) -> Result<SavedMappings> {
        let (stages, owners) = self.store.read(|c| {
            Ok((
                stage_mappings::list_current(c)?,
                owner_mappings::list_current(c)?,
            ))
        })?;
        Ok(SavedMappings {
            stages: stages.into_iter().map(row).collect(),
            owners: owners.into_iter().map(row).collect(),
        })
    }

    /// Saves the stages and owners of `source` -> `target` as new versions where they changed.
    pub fn save_stage_owner_mapping(&self, m: &StageOwnerMapping) -> Result<()> {
        let (s, t) = (self.connection(m.source)?, self.connection(m.target)?);
        if m.source == m.target {
            return Err(Error::InvalidInput {
                field: "target",
                message: "a mapping needs two different connections".into(),
            });
        }
        let stages = serde_json::to_value(&m.stages).expect("stages serialise");
        let owners = serde_json::to_value(&m.owners).expect("owners serialise");
        let now = Utc::now();
        self.store.write(|tx| {
            stage_mappings::save(
                tx,
                &format!("{} -> {}: stages", s.label, t.label),
                m.source,
                m.target,
                &stages,
                now,
            )?;
            owner_mappings::save(
                tx,
                &format!("{} -> {}: owners", s.label, t.label),
                m.source,
                m.target,
                &owners,
                m.fallback_owner.as_deref(),
                now,
            )?;
            Ok(())
        })?;
        Ok(())
    }

    /// The saved stages and owners of `source` -> `target`, if any were saved.
    pub fn stage_owner_mapping(
        &self,
        source: ConnectionId,
        target: ConnectionId,
    ) -> Result<Option<StageOwnerMapping>> {
        let (stages, owners) = self.store.read(|c| {
            Ok((
                stage_mappings::latest(c, source, target)?,
                owner_mappings::latest(c, source, target)?,
            ))
        })?;
        let (Some(stages), Some(owners)) = (stages, owners) else {
            return Ok(None);
        };
        let corrupt = |e: serde_json::Error| {
            Error::Store(bridge_store::Error::Corrupt {
                what: format!("mapping {source:?} -> {target:?}"),
                detail: e.to_string(),
            })
        };
        Ok(Some(StageOwnerMapping {
            source,
            target,
            stages: serde_json::from_value(stages.rules).map_err(corrupt)?,
            owners: serde_json::from_value(owners.rules).map_err(corrupt)?,
            fallback_owner: owners.fallback_owner,
        }))
    }
}
