//! Shared scenario fixtures: realistic, deterministic sample data for tests, benchmarks and screenshots.

pub mod emulator;
pub mod fixtures;
