//! One-line adapters: arguments in, one engine call, the error converted to `{ code, message }`.
//! `async` runs them off the UI thread.

//! `generate_handler!` needs each command by its module path (re-exports lose its generated items).

pub mod connections;
pub mod failed;
pub mod mappings;
pub mod merges;
pub mod migrate;
pub mod queues;
pub mod records;
pub mod settings;
pub mod status;
pub mod sync;
pub mod window;
pub mod workspace;

type Answer<T> = Result<T, bridge_engine::ErrorPayload>;
type State<'a> = tauri::State<'a, crate::AppState>;
