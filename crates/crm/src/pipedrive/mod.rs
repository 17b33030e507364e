//! Pipedrive (in progress).
use crate::{OnRefresh, Secret};
pub struct Pipedrive;
impl Pipedrive {
    pub fn new(_base: String, _secret: Secret, _on_refresh: Option<OnRefresh>) -> Self {
        Pipedrive
    }
}
