use std::path::Path;

use bridge_engine::{Engine, ErrorPayload};

/// The one state of the app. If the database cannot be opened the app still starts, and every command
/// answers with the reason, so the window can say what is wrong instead of vanishing.
pub struct AppState {
    engine: Result<Engine, ErrorPayload>,
}

impl AppState {
    pub fn open(db: &Path) -> Self {
        AppState {
            engine: Engine::open(db).map_err(ErrorPayload::from),
        }
    }

    pub fn engine(&self) -> Result<&Engine, ErrorPayload> {
        self.engine.as_ref().map_err(Clone::clone)
    }
}
