//! Salesforce (in progress).
use crate::{OnRefresh, Secret};
pub struct Salesforce;
impl Salesforce {
    pub fn new(_base: String, _secret: Secret, _on_refresh: Option<OnRefresh>) -> Self {
        Salesforce
    }
}
