//! Helpers shared by the client tests: drive a whole pass, and play the browser in OAuth sign-ins.
#![allow(dead_code)]

use std::{collections::BTreeSet, sync::Arc};

use bridge_crm::{Crm, CrmError, PullRequest, Pulled};
use bridge_model::ObjectType;
use chrono::{DateTime, Utc};

/// Every page of one pass.
pub async fn pull_all(
    crm: &Arc<dyn Crm>,
    object_type: ObjectType,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<Pulled>, CrmError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = crm
            .pull(&PullRequest {
                object_type,
                since,
                cursor: cursor.clone(),
            })
            .await?;
        out.extend(page.records);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(out),
        }
    }
}

pub fn ids(records: &[Pulled]) -> BTreeSet<String> {
    records.iter().map(|r| r.remote_id.clone()).collect()
}

/// Plays the system browser: opens the authorize URL (which approves at once) and follows its
/// redirect to our loopback listener.
pub async fn browser(url: String) -> Result<(), CrmError> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = client
        .get(&url)
        .send()
        .await
        .expect("authorize page answers");
    let location = answer
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("authorize redirects ({})", answer.status()))
        .to_str()
        .unwrap()
        .to_owned();
    let page = client
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("return to CRM Bridge"), "{page}");
    Ok(())
}

/// Pulls people changed since the time at `share` of the way through their modified times, and checks it
/// is exactly the records a full pull shows as modified at or after it, none twice, oldest first.
/// Returns the `since` used.
pub async fn assert_incremental_matches_full(crm: &Arc<dyn Crm>, share: f64) -> DateTime<Utc> {
    let all = pull_all(crm, ObjectType::Person, None).await.unwrap();
    let mut times: Vec<_> = all.iter().filter_map(|r| r.modified_at).collect();
    times.sort();
    let since = times[(times.len() as f64 * share) as usize];
    let want: BTreeSet<String> = all
        .iter()
        .filter(|r| r.modified_at.is_some_and(|t| t >= since))
        .map(|r| r.remote_id.clone())
        .collect();
    let changed = pull_all(crm, ObjectType::Person, Some(since))
        .await
        .unwrap();
    assert_eq!(ids(&changed), want);
    assert_eq!(changed.len(), want.len(), "no record twice");
    assert!(
        changed
            .windows(2)
            .all(|w| w[0].modified_at <= w[1].modified_at)
    );
    since
}

/// The fault mix the client tests pull under: 10 % 5xx, 5 % 429, 5 % drops, 5 % malformed bodies.
pub fn heavy_faults(seed: u64) -> bridge_fakecrm::Faults {
    bridge_fakecrm::Faults {
        error_rate: 0.1,
        rate_limit_rate: 0.05,
        drop_rate: 0.05,
        malformed_rate: 0.05,
        seed,
        ..bridge_fakecrm::Faults::default()
    }
}
