//! Local ids: integers assigned by the sync database, never a CRM's own id. A newtype serialises as
//! its integer.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

macro_rules! local_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

local_id!(
    /// One connected CRM account.
    ConnectionId
);
local_id!(
    /// One mirrored remote record.
    RecordId
);
