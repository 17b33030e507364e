//! Duplicate detection as pure functions: normalise, block, score, cluster, plan merges.
//! The engine arrives with the duplicates issue.
