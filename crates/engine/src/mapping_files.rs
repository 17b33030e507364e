//! Field mappings as JSON files, to keep them beside a project or carry them to another workspace.
//! A file names the CRMs (not the connections) it maps between, so it fits any two connections of
//! those CRMs.

use bridge_model::{ConnectionId, FieldMapping, ObjectType, Provider};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Engine, Error, Result};

/// What a mapping file says it is; a file without it is not read.
pub const MAPPING_FILE_FORMAT: &str = "crm-bridge/field-mapping/1";

/// One object's field mapping as a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FieldMappingFile {
    pub format: String,
    /// The name and version it had where it was exported.
    pub name: String,
    pub version: i64,
    pub source_provider: Provider,
    pub target_provider: Provider,
    pub mapping: FieldMapping,
}

/// What an import saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportedMapping {
    pub object: ObjectType,
    pub fields: i64,
    pub version: i64,
}

impl Engine {
    /// The newest saved field mapping of `object` between two connections, as file text.
    pub fn field_mapping_file(
        &self,
        source: ConnectionId,
        target: ConnectionId,
        object: ObjectType,
    ) -> Result<String> {
        let (s, t) = (self.connection(source)?, self.connection(target)?);
        let (mapping, version) = self
            .saved_field_mapping(source, target, object)?
            .ok_or_else(|| Error::NotFound {
                what: "saved field mapping",
                id: crate::mappings::field_mapping_name(&s, &t, object),
            })?;
        let file = FieldMappingFile {
            format: MAPPING_FILE_FORMAT.into(),
            name: crate::mappings::field_mapping_name(&s, &t, object),
            version,
            source_provider: s.provider,
            target_provider: t.provider,
            mapping,
        };
        Ok(serde_json::to_string_pretty(&file).expect("a mapping serialises"))
    }

    /// Writes `field_mapping_file` into the Downloads folder (the home folder where there is
    /// none); returns the file's path.
    pub fn export_field_mapping(
        &self,
        source: ConnectionId,
        target: ConnectionId,
        object: ObjectType,
    ) -> Result<String> {
        let text = self.field_mapping_file(source, target, object)?;
        let (s, t) = (self.connection(source)?, self.connection(target)?);
        crate::failed::to_downloads(
            &format!(
                "crm-bridge-mapping-{}-to-{}-{}-{}.json",
                s.provider.as_str(),
                t.provider.as_str(),
                object.as_str(),
                Utc::now().format("%Y%m%d-%H%M%S")
            ),
            &text,
        )
    }

    /// Reads a mapping file and saves it as the next version of the object's mapping between two
    /// connections of the CRMs it names. Fields the CRMs no longer have are flagged when the
    /// mapping is next opened (the plan's check), not here: they may come back.
    pub fn import_field_mapping(
        &self,
        source: ConnectionId,
        target: ConnectionId,
        text: &str,
    ) -> Result<ImportedMapping> {
        let invalid = |message: String| Error::InvalidInput {
            field: "file",
            message,
        };
        let file: FieldMappingFile = serde_json::from_str(text)
            .map_err(|e| invalid(format!("not a CRM Bridge field mapping file: {e}")))?;
        if file.format != MAPPING_FILE_FORMAT {
            return Err(invalid(format!(
                "the file's format is `{}`; this version reads `{MAPPING_FILE_FORMAT}`",
                file.format
            )));
        }
        let (s, t) = (self.connection(source)?, self.connection(target)?);
        if (file.source_provider, file.target_provider) != (s.provider, t.provider) {
            return Err(invalid(format!(
                "\"{}\" maps {} to {}; {} is {} and {} is {}",
                file.name,
                file.source_provider.label(),
                file.target_provider.label(),
                s.label,
                s.provider.label(),
                t.label,
                t.provider.label()
            )));
        }
        let m = &file.mapping;
        for (side, provider, object) in [
            ("source", s.provider, m.source_object),
            ("target", t.provider, m.target_object),
        ] {
            if !bridge_crm::object_types(provider).contains(&object) {
                return Err(invalid(format!(
                    "the {side} object {object} is not one {} has",
                    provider.label()
                )));
            }
        }
        if let Some((i, f)) = m
            .fields
            .iter()
            .enumerate()
            .find(|(_, f)| f.source.trim().is_empty() || f.target.trim().is_empty())
        {
            return Err(invalid(format!(
                "field rule {} ({} -> {}) has no {} field",
                i + 1,
                f.source,
                f.target,
                if f.source.trim().is_empty() {
                    "source"
                } else {
                    "target"
                }
            )));
        }
        self.save_field_mappings(source, target, std::slice::from_ref(m))?;
        let (_, version) = self
            .saved_field_mapping(source, target, m.source_object)?
            .expect("just saved");
        Ok(ImportedMapping {
            object: m.source_object,
            fields: m.fields.len() as i64,
            version,
        })
    }
}
