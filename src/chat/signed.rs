//! What Discord's and Slack's signed requests share: both headers present, a timestamp at most
//! five minutes off, and a signature not seen before. (Each platform checks its own signature:
//! Ed25519 for Discord, HMAC-SHA256 for Slack.)
//!
//! [`check`] runs the whole sequence for a request; each platform passes its own signature
//! check.
//!
//! **Replays.** A signature covers the timestamp and the body, and the timestamp must be within
//! five minutes, so remembering each accepted signature for a little longer than that window is
//! enough to turn every replay into a 401: a captured request sent again inside the window is
//! caught by [`ReplayGuard`], and after it the timestamp check catches it.

use std::collections::HashMap;
use std::sync::Mutex;

/// Oldest (or furthest in the future) signed timestamp accepted, in seconds.
pub const MAX_SKEW_SECS: i64 = 300;

/// Why a signed request was refused (every one is a 401).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("missing signature headers")]
    Unsigned,
    #[error("signature timestamp is not a number or is more than five minutes off")]
    Stale,
    #[error("bad signature")]
    BadSignature,
    #[error("this request was already received (replay)")]
    Replayed,
}

/// Both headers, with a timestamp within [`MAX_SKEW_SECS`] of `now` (Unix seconds).
pub fn fresh<'a>(
    signature: Option<&'a str>,
    timestamp: Option<&'a str>,
    now: i64,
) -> Result<(&'a str, &'a str), Refused> {
    let (Some(signature), Some(timestamp)) = (signature, timestamp) else { return Err(Refused::Unsigned) };
    let signed_at: i64 = timestamp.parse().map_err(|_| Refused::Stale)?;
    if (now - signed_at).abs() > MAX_SKEW_SECS {
        return Err(Refused::Stale);
    }
    Ok((signature, timestamp))
}

/// Checks a signed request: both headers, a timestamp at most five minutes off, the signature
/// (`verify` gets the signature and the timestamp), and a signature not accepted before.
pub fn check(
    replays: &ReplayGuard,
    signature: Option<&str>,
    timestamp: Option<&str>,
    now: i64,
    verify: impl FnOnce(&str, &str) -> Result<(), Refused>,
) -> Result<(), Refused> {
    let (signature, timestamp) = fresh(signature, timestamp, now)?;
    verify(signature, timestamp)?;
    if !replays.first_time(signature, now) {
        return Err(Refused::Replayed);
    }
    Ok(())
}

/// The current Unix time in seconds.
pub fn unix_now() -> i64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// A header's value as text, when present and readable.
pub fn header<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// How long a signature is remembered, in seconds: the five-minute window on either side.
const REMEMBER_SECS: i64 = 2 * 300 + 60;
/// Signatures remembered at most; past this (far beyond any real platform's rate), expired ones
/// are swept and, if still full, the oldest half is forgotten.
const CAPACITY: usize = 100_000;

/// The signatures accepted recently.
#[derive(Debug, Default)]
pub struct ReplayGuard {
    seen: Mutex<HashMap<String, i64>>,
}

impl ReplayGuard {
    pub fn new() -> ReplayGuard {
        ReplayGuard::default()
    }

    /// Records `signature`, accepted at `now` (Unix seconds); false when it was seen before.
    pub fn first_time(&self, signature: &str, now: i64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.get(signature).is_some_and(|at| now - at < REMEMBER_SECS) {
            return false;
        }
        if seen.len() >= CAPACITY {
            seen.retain(|_, at| now - *at < REMEMBER_SECS);
            if seen.len() >= CAPACITY {
                let mut times: Vec<i64> = seen.values().copied().collect();
                times.sort_unstable();
                let median = times[times.len() / 2];
                seen.retain(|_, at| *at > median);
            }
        }
        seen.insert(signature.to_owned(), now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_accepted_once_inside_the_window() {
        let guard = ReplayGuard::new();
        assert!(guard.first_time("sig-a", 1000));
        assert!(!guard.first_time("sig-a", 1000 + 299));
        assert!(guard.first_time("sig-b", 1000 + 299));
        // Long after, the timestamp check refuses it anyway; the guard may forget it.
        assert!(guard.first_time("sig-a", 1000 + REMEMBER_SECS));
    }

    #[test]
    fn check_refuses_in_order_and_remembers_only_good_signatures() {
        let guard = ReplayGuard::new();
        let good = |_: &str, _: &str| Ok(());
        let bad = |_: &str, _: &str| Err(Refused::BadSignature);
        assert_eq!(check(&guard, None, Some("1000"), 1000, good), Err(Refused::Unsigned));
        assert_eq!(check(&guard, Some("s"), Some("1"), 1000, good), Err(Refused::Stale));
        assert_eq!(check(&guard, Some("s"), Some("1000"), 1000, bad), Err(Refused::BadSignature));
        // A refused signature was not remembered: the genuine request still goes through once.
        assert_eq!(check(&guard, Some("s"), Some("1000"), 1000, good), Ok(()));
        assert_eq!(check(&guard, Some("s"), Some("1000"), 1001, good), Err(Refused::Replayed));
    }

    #[test]
    fn memory_stays_bounded() {
        let guard = ReplayGuard::new();
        for i in 0..CAPACITY + 10 {
            guard.first_time(&i.to_string(), i as i64 / 1000);
        }
        assert!(guard.seen.lock().unwrap().len() <= CAPACITY);
        assert!(!guard.first_time(&(CAPACITY + 9).to_string(), (CAPACITY / 1000) as i64));
    }
}
