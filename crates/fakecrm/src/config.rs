//! What the emulator serves: data size, seed, faults, limits, token lifetimes.

use std::{str::FromStr, time::Duration};

/// Faults injected into responses, each a fraction of requests (0.0 to 1.0), chosen by a seeded
/// sequence so a failing run can be replayed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Faults {
    pub error_rate: f64,
    pub rate_limit_rate: f64,
    pub drop_rate: f64,
    pub malformed_rate: f64,
    /// The request is carried out, then the connection drops before the answer: the client cannot
    /// know whether its write happened.
    pub lost_answer_rate: f64,
    pub latency_ms: u64,
    /// Bodies trickle out in four pieces spread over this many milliseconds.
    pub slow_body_ms: u64,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultsError {
    #[error("fault `{0}` is not key=value")]
    NotKeyValue(String),
    #[error(
        "unknown fault `{0}`; known: error_rate, rate_limit_rate, drop_rate, malformed_rate, lost_answer_rate, latency_ms, slow_body_ms, seed"
    )]
    UnknownKey(String),
    #[error("fault `{key}` needs {what}, got `{value}`")]
    BadValue {
        key: String,
        value: String,
        what: &'static str,
    },
}

impl FromStr for Faults {
    type Err = FaultsError;

    /// `error_rate=0.1,rate_limit_rate=0.05,drop_rate=0.01,malformed_rate=0.01,latency_ms=20,seed=7`
    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let mut f = Faults::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| FaultsError::NotKeyValue(part.to_owned()))?;
            let rate = |what| {
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|r| (0.0..=1.0).contains(r))
                    .ok_or_else(|| FaultsError::BadValue {
                        key: key.to_owned(),
                        value: value.to_owned(),
                        what,
                    })
            };
            let whole = |what| {
                value.parse::<u64>().map_err(|_| FaultsError::BadValue {
                    key: key.to_owned(),
                    value: value.to_owned(),
                    what,
                })
            };
            match key {
                "error_rate" => f.error_rate = rate("a fraction from 0 to 1")?,
                "rate_limit_rate" => f.rate_limit_rate = rate("a fraction from 0 to 1")?,
                "drop_rate" => f.drop_rate = rate("a fraction from 0 to 1")?,
                "malformed_rate" => f.malformed_rate = rate("a fraction from 0 to 1")?,
                "lost_answer_rate" => f.lost_answer_rate = rate("a fraction from 0 to 1")?,
                "latency_ms" => f.latency_ms = whole("milliseconds")?,
                "slow_body_ms" => f.slow_body_ms = whole("milliseconds")?,
                "seed" => f.seed = whole("a whole number")?,
                other => return Err(FaultsError::UnknownKey(other.to_owned())),
            }
        }
        Ok(f)
    }
}

/// Everything that shapes one emulator instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub port: u16,
    pub seed: u64,
    /// People per provider; companies, deals and notes scale with it.
    pub records: u32,
    pub faults: Faults,
    /// Lifetime of OAuth access tokens.
    pub token_lifetime: Duration,
    /// HubSpot: requests per 10-second window per token.
    pub hubspot_per_10s: u32,
    /// HubSpot search: requests per second per token.
    pub hubspot_search_per_s: u32,
    /// Close: requests per second per API key.
    pub close_per_s: u32,
    /// Close: how long an unused data/search cursor lives.
    pub close_cursor_ttl: Duration,
    /// Pipedrive: requests per 2-second burst window per token.
    pub pipedrive_per_2s: u32,
    /// Pipedrive: the company's daily token budget (each call costs tokens by kind).
    pub pipedrive_daily_tokens: u64,
    /// Salesforce: API requests per day for the org.
    pub salesforce_daily: u64,
    /// HubSpot: requests per day for a private app (OAuth apps have no daily limit).
    pub hubspot_daily: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            seed: 42,
            records: 1_000,
            faults: Faults::default(),
            token_lifetime: Duration::from_secs(1800),
            hubspot_per_10s: 190,
            hubspot_search_per_s: 4,
            close_per_s: 20,
            close_cursor_ttl: Duration::from_secs(30),
            pipedrive_per_2s: 40,
            // Premium plan (x5) with ten seats.
            pipedrive_daily_tokens: 30_000 * 5 * 10,
            salesforce_daily: 100_000,
            hubspot_daily: 650_000,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_spec_parses_and_bad_ones_say_what_is_wrong() {
        let f: Faults = "error_rate=0.1, rate_limit_rate=0.05,drop_rate=0,latency_ms=20,slow_body_ms=300,seed=7"
            .parse()
            .unwrap();
        assert_eq!(f.slow_body_ms, 300);
        assert_eq!(f.error_rate, 0.1);
        assert_eq!(f.rate_limit_rate, 0.05);
        assert_eq!(f.latency_ms, 20);
        assert_eq!(f.seed, 7);
        assert_eq!("".parse::<Faults>().unwrap(), Faults::default());
        let err = "error_rate=2".parse::<Faults>().unwrap_err();
        assert!(err.to_string().contains("error_rate"), "{err}");
        assert!(matches!(
            "boom=1".parse::<Faults>(),
            Err(FaultsError::UnknownKey(_))
        ));
        assert!(matches!(
            "error_rate".parse::<Faults>(),
            Err(FaultsError::NotKeyValue(_))
        ));
    }
}
