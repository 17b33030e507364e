//! Keeps a connection inside its CRM's request window. All four CRMs count requests in fixed windows
//! (HubSpot 10 s, Close 1 s, Pipedrive 2 s) and say in each answer how many are left; a token bucket
//! (governor's GCRA) would let two bursts straddle one server window and draw 429s, so this counts the
//! window the way the server does, learns the limit from the headers, and waits out the window when the
//! server says none are left.

use std::time::Duration;

use tokio::{sync::Mutex, time::Instant};

/// Extra wait at a window's end: the server's window starts when our first request arrives.
const MARGIN: Duration = Duration::from_millis(25);

/// What an answer said about the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateInfo {
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
}

pub struct Pacer {
    state: Mutex<State>,
}

struct State {
    window: Duration,
    limit: Option<u32>,
    window_start: Option<Instant>,
    used: u32,
    blocked_until: Option<Instant>,
}

impl Pacer {
    /// `limit` is the published limit per `window` until an answer tells the real one.
    pub fn new(limit: Option<u32>, window: Duration) -> Self {
        Pacer {
            state: Mutex::new(State {
                window,
                limit,
                window_start: None,
                used: 0,
                blocked_until: None,
            }),
        }
    }

    /// Waits until one more request fits the window, and counts it.
    pub async fn ready(&self) {
        loop {
            let wait_until = {
                let mut s = self.state.lock().await;
                let now = Instant::now();
                match s.blocked_until {
                    Some(until) if until > now => Some(until),
                    _ => {
                        s.blocked_until = None;
                        let window_over = s
                            .window_start
                            .is_none_or(|start| now >= start + s.window + MARGIN);
                        if window_over {
                            s.window_start = Some(now);
                            s.used = 0;
                        }
                        match s.limit {
                            Some(limit) if s.used >= limit => {
                                s.window_start.map(|start| start + s.window + MARGIN)
                            }
                            _ => {
                                s.used += 1;
                                None
                            }
                        }
                    }
                }
            };
            match wait_until {
                Some(until) => tokio::time::sleep_until(until).await,
                None => return,
            }
        }
    }

    /// Learns from an answer's rate headers.
    pub async fn observe(&self, info: RateInfo) {
        let mut s = self.state.lock().await;
        if let Some(limit) = info.limit.filter(|l| *l > 0) {
            s.limit = Some(limit);
        }
        if info.remaining == Some(0) {
            // The server's window is spent: wait for ours to end (if ours just began, a whole one).
            s.used = s.limit.unwrap_or(1).max(s.used);
        }
    }

    /// The server answered 429: wait as long as it asked, or to the end of the window (a whole one if
    /// ours has run out, so the server's has too).
    pub async fn back_off(&self, retry_after: Option<Duration>) {
        let mut s = self.state.lock().await;
        let now = Instant::now();
        match retry_after {
            Some(wait) => s.blocked_until = Some(now + wait),
            None => {
                if s.window_start.is_none_or(|start| now >= start + s.window) {
                    s.window_start = Some(now);
                }
                s.used = s.limit.unwrap_or(1).max(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_full_window_waits_for_the_next_one() {
        let pacer = Pacer::new(Some(3), Duration::from_secs(10));
        let start = Instant::now();
        for _ in 0..3 {
            pacer.ready().await;
        }
        assert_eq!(Instant::now(), start, "three fit the first window");
        pacer.ready().await;
        assert_eq!(Instant::now() - start, Duration::from_secs(10) + MARGIN);
    }

    #[tokio::test(start_paused = true)]
    async fn the_limit_comes_from_the_headers_and_zero_remaining_closes_the_window() {
        let pacer = Pacer::new(None, Duration::from_secs(2));
        let start = Instant::now();
        pacer.ready().await;
        pacer
            .observe(RateInfo {
                limit: Some(40),
                remaining: Some(0),
            })
            .await;
        pacer.ready().await;
        assert_eq!(Instant::now() - start, Duration::from_secs(2) + MARGIN);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_blocks_for_that_long() {
        let pacer = Pacer::new(Some(100), Duration::from_secs(1));
        let start = Instant::now();
        pacer.back_off(Some(Duration::from_secs(7))).await;
        pacer.ready().await;
        assert_eq!(Instant::now() - start, Duration::from_secs(7));
    }
}
