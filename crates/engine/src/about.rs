//! About: the version, where the workspace, its backups and the logs are, and the licences of the
//! libraries the build bundles (which the shell lists at build time).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Engine, Result};

/// One bundled library and its licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Licence {
    /// `rust` (a crate) or `npm` (a package the pages ship).
    pub ecosystem: String,
    pub name: String,
    pub version: String,
    /// An SPDX expression, as the library declares it.
    pub licence: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct About {
    pub version: String,
    pub workspace: Option<String>,
    pub backups: String,
    pub logs: Option<String>,
    pub licences: Vec<Licence>,
}

impl Engine {
    pub fn about(&self, licences: Vec<Licence>) -> Result<About> {
        let workspace = self.store.path();
        // The folder the store itself backs up into, from the same settings.
        let backups = self.store.backups_dir()?.map_or_else(
            || "none (an in-memory workspace)".into(),
            |d| d.display().to_string(),
        );
        Ok(About {
            version: env!("CARGO_PKG_VERSION").into(),
            workspace: workspace.map(|p| p.display().to_string()),
            backups,
            logs: crate::log_dir().map(|d| d.display().to_string()),
            licences,
        })
    }
}
