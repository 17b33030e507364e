//! The workspace's settings: read with their defaults, set one at a time with a clear error on a bad
//! value; each takes effect at once (the log level in the running log, the rest when next read).

use bridge_model::{SETTING_KEYS, Settings};
use bridge_store::settings;
use chrono::Utc;

use crate::{Engine, Error, Result};

impl Engine {
    /// Every setting, stored or default.
    pub fn settings(&self) -> Result<Settings> {
        let stored = self.store.read(settings::all)?;
        let mut out = Settings::default();
        // The automatic threshold first: a stored review threshold may lie above the default one.
        let order = |key: &str| usize::from(key != "automatic-threshold");
        let mut stored = stored;
        stored.sort_by_key(|(key, _)| order(key));
        for (key, value) in stored {
            // A value was checked before it was stored; one a later version no longer takes keeps the default.
            let _ = out.set(&key, &value);
        }
        Ok(out)
    }

    /// Sets one setting (`key` as `crm-bridge config set` names it) from its text; the settings after.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<Settings> {
        let field = SETTING_KEYS
            .iter()
            .copied()
            .find(|k| *k == key)
            .unwrap_or("setting");
        let invalid = |message: String| Error::InvalidInput { field, message };
        let mut settings = self.settings()?;
        settings.set(key, value).map_err(invalid)?;
        match key {
            "phone-region" if !bridge_dedupe::normalize::Phones::knows(&settings.phone_region) => {
                return Err(invalid(format!(
                    "must be a country phone numbers are in (US, GB, DE, ...); `{}` is not one",
                    settings.phone_region
                )));
            }
            "backups-dir" => {
                if let Some(dir) = &settings.backups_dir {
                    bridge_store::Store::prepare_directory(std::path::Path::new(dir), false)
                        .map_err(|e| {
                            invalid(format!("must be a folder that can be written: {e}"))
                        })?;
                }
            }
            "log-level" => crate::logging::set_level(settings.log_level),
            _ => {}
        }
        let text = settings.get(key).unwrap_or_default();
        self.store
            .write(|tx| settings::set(tx, key, &text, Utc::now()))?;
        tracing::info!(target: "settings", key, "setting changed");
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_is_stored_read_back_and_a_bad_one_named() {
        let engine = Engine::open_in_memory().unwrap();
        assert_eq!(engine.settings().unwrap(), Settings::default());
        engine.set_setting("automatic-threshold", "0.999").unwrap();
        engine.set_setting("review-threshold", "0.997").unwrap();
        engine.set_setting("phone-region", "de").unwrap();
        let read = engine.settings().unwrap();
        assert_eq!(
            (
                read.review_threshold,
                read.automatic_threshold,
                read.phone_region.as_str()
            ),
            (0.997, 0.999, "DE")
        );
        let error = engine.set_setting("phone-region", "ZZ").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid phone-region: must be a country phone numbers are in (US, GB, DE, ...); `ZZ` is not one"
        );
        let error = engine.set_setting("sync-schedule", "often").unwrap_err();
        assert!(error.to_string().contains("from 5 to 10080"), "{error}");
        assert_eq!(
            engine.settings().unwrap().phone_region,
            "DE",
            "a refused value changes nothing"
        );
    }
}
