//! The workspace's settings: what a person may change in Settings or with `crm-bridge config set`.
//! Each is stored as text under its key, the form the CLI reads and prints.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every setting of a workspace, with its default where none was set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Settings {
    /// Where phone numbers without a country code are (ISO 3166: "US", "DE").
    pub phone_region: String,
    /// From this score a pair of records is shown for review as a duplicate.
    pub review_threshold: f64,
    /// From this score a duplicate group is safe to merge without a look ("Merge all safe").
    pub automatic_threshold: f64,
    /// The schedule a new sync pair starts with, in minutes; none: it syncs only when asked.
    pub sync_every_minutes: Option<i64>,
    /// How many automatic backups are kept.
    pub backups_kept: u32,
    /// Where backups go; none: the `backups` folder beside the workspace file.
    pub backups_dir: Option<String>,
    pub theme: Theme,
    pub log_level: LogLevel,
    /// Tell through the OS when a scheduled sync failed or left failed records.
    pub notify_sync_failures: bool,
    /// Tell through the OS when a long job finished while the window was in the background.
    pub notify_long_jobs: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            phone_region: "US".into(),
            review_threshold: 0.5,
            automatic_threshold: 0.995,
            sync_every_minutes: None,
            backups_kept: 5,
            backups_dir: None,
            theme: Theme::System,
            log_level: LogLevel::Info,
            notify_sync_failures: true,
            notify_long_jobs: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    System,
    Light,
    Dark,
}

/// How much the log file holds: `info` has one line per CRM request and per job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

/// The keys `crm-bridge config get|set` and Settings use, in the order they are listed.
pub const SETTING_KEYS: [&str; 10] = [
    "phone-region",
    "review-threshold",
    "automatic-threshold",
    "sync-schedule",
    "backups-kept",
    "backups-dir",
    "theme",
    "log-level",
    "notify-sync-failures",
    "notify-long-jobs",
];

/// The lowest score a pair may be shown from: below it, most pairs are not one entity.
pub const LOWEST_REVIEW_THRESHOLD: f64 = 0.5;

impl Settings {
    /// A setting as text (`config get`); `None` for an unknown key.
    pub fn get(&self, key: &str) -> Option<String> {
        let on = |b: bool| if b { "on" } else { "off" }.to_owned();
        Some(match key {
            "phone-region" => self.phone_region.clone(),
            "review-threshold" => self.review_threshold.to_string(),
            "automatic-threshold" => self.automatic_threshold.to_string(),
            "sync-schedule" => self
                .sync_every_minutes
                .map_or_else(|| "off".to_owned(), |m| m.to_string()),
            "backups-kept" => self.backups_kept.to_string(),
            "backups-dir" => self.backups_dir.clone().unwrap_or_default(),
            "theme" => serde_plain(&self.theme),
            "log-level" => self.log_level.as_str().to_owned(),
            "notify-sync-failures" => on(self.notify_sync_failures),
            "notify-long-jobs" => on(self.notify_long_jobs),
            _ => return None,
        })
    }

    /// Sets one setting from its text, or says why the text is not a value it takes. Checks that
    /// need the machine (a known phone region, a folder that can be made) are the engine's.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let value = value.trim();
        match key {
            "phone-region" => {
                if value.len() != 2 || !value.chars().all(|c| c.is_ascii_alphabetic()) {
                    return Err(format!(
                        "must be a two-letter country code such as US or DE, not `{value}`"
                    ));
                }
                self.phone_region = value.to_ascii_uppercase();
            }
            "review-threshold" => {
                let t = score(value)?;
                if t < LOWEST_REVIEW_THRESHOLD {
                    return Err(format!(
                        "must be at least {LOWEST_REVIEW_THRESHOLD}: below it most pairs shown are not one entity"
                    ));
                }
                if t > self.automatic_threshold {
                    return Err(format!(
                        "must be at most the automatic threshold ({}); raise that first",
                        self.automatic_threshold
                    ));
                }
                self.review_threshold = t;
            }
            "automatic-threshold" => {
                let t = score(value)?;
                if t < self.review_threshold {
                    return Err(format!(
                        "must be at least the review threshold ({})",
                        self.review_threshold
                    ));
                }
                self.automatic_threshold = t;
            }
            "sync-schedule" => {
                self.sync_every_minutes = match value {
                    "off" | "" => None,
                    minutes => Some(
                        minutes
                            .parse::<i64>()
                            .ok()
                            .filter(|m| (5..=10_080).contains(m))
                            .ok_or_else(|| {
                                format!("must be `off` or a number of minutes from 5 to 10080 (a week), not `{minutes}`"
                                )
                            })?,
                    ),
                };
            }
            "backups-kept" => {
                self.backups_kept = value
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| format!("must be a number from 1 to 100, not `{value}`"))?;
            }
            "backups-dir" => {
                self.backups_dir = match value {
                    "" => None,
                    dir if std::path::Path::new(dir).is_absolute() => Some(dir.to_owned()),
                    dir => {
                        return Err(format!(
                            "must be a full path to a folder (or empty for the default), not `{dir}`"
                        ));
                    }
                };
            }
            "theme" => {
                self.theme = match value {
                    "system" => Theme::System,
                    "light" => Theme::Light,
                    "dark" => Theme::Dark,
                    _ => return Err(format!("must be system, light or dark, not `{value}`")),
                };
            }
            "log-level" => {
                self.log_level = match value {
                    "error" => LogLevel::Error,
                    "warn" => LogLevel::Warn,
                    "info" => LogLevel::Info,
                    "debug" => LogLevel::Debug,
                    "trace" => LogLevel::Trace,
                    _ => {
                        return Err(format!(
                            "must be error, warn, info, debug or trace, not `{value}`"
                        ));
                    }
                };
            }
            "notify-sync-failures" => self.notify_sync_failures = switch(value)?,
            "notify-long-jobs" => self.notify_long_jobs = switch(value)?,
            _ => {
                return Err(format!(
                    "`{key}` is not a setting; the settings are: {}",
                    SETTING_KEYS.join(", ")
                ));
            }
        }
        Ok(())
    }
}

fn score(value: &str) -> Result<f64, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|t| (0.0..=1.0).contains(t))
        .ok_or_else(|| format!("must be a score from 0 to 1 such as 0.9, not `{value}`"))
}

fn switch(value: &str) -> Result<bool, String> {
    match value {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(format!("must be on or off, not `{value}`")),
    }
}

/// A unit enum's serde name (`system`, `dark`).
fn serde_plain(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_reads_back_what_was_set() {
        let mut s = Settings::default();
        for (key, value) in [
            ("phone-region", "DE"),
            ("automatic-threshold", "0.99"),
            ("review-threshold", "0.8"),
            ("sync-schedule", "30"),
            ("backups-kept", "12"),
            ("backups-dir", "/srv/backups"),
            ("theme", "dark"),
            ("log-level", "debug"),
            ("notify-sync-failures", "off"),
            ("notify-long-jobs", "on"),
        ] {
            s.set(key, value).unwrap();
            assert_eq!(s.get(key).as_deref(), Some(value), "{key}");
        }
        assert_eq!(
            SETTING_KEYS.iter().filter(|k| s.get(k).is_none()).count(),
            0
        );
    }

    #[test]
    fn bad_values_are_refused_with_what_is_taken_and_change_nothing() {
        let mut s = Settings::default();
        for (key, value, says) in [
            ("phone-region", "Germany", "two-letter"),
            ("review-threshold", "0.3", "at least 0.5"),
            (
                "review-threshold",
                "0.999",
                "at most the automatic threshold",
            ),
            ("automatic-threshold", "1.5", "from 0 to 1"),
            (
                "automatic-threshold",
                "0.4",
                "at least the review threshold",
            ),
            ("sync-schedule", "1", "from 5 to 10080"),
            ("backups-kept", "0", "from 1 to 100"),
            ("backups-dir", "relative/dir", "full path"),
            ("theme", "blue", "system, light or dark"),
            ("log-level", "loud", "error, warn"),
            ("notify-long-jobs", "maybe", "on or off"),
            ("colour", "red", "not a setting"),
        ] {
            let error = s.set(key, value).unwrap_err();
            assert!(error.contains(says), "{key}={value}: {error}");
        }
        assert_eq!(s, Settings::default());
    }
}
