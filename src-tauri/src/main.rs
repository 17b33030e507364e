// Keep a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// mimalloc instead of the system allocator: storing a pull's records allocates and frees millions of
/// small strings across two threads, and glibc's malloc took a fifth of the time (ingest bench).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    bridge_desktop::run();
}
