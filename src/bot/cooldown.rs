//! A per-member cooldown on `/ask`: one question per member per period, so one member (or a
//! script behind one account) cannot keep the search busy for everyone.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept before old ones are swept out (bounds memory under a flood of distinct users).
const SWEEP_AT: usize = 10_000;

/// Remembers when each member last asked.
#[derive(Debug)]
pub struct Cooldown {
    period: Duration,
    last: Mutex<HashMap<(String, String), Instant>>,
}

impl Cooldown {
    pub fn new(period: Duration) -> Cooldown {
        Cooldown { period, last: Mutex::new(HashMap::new()) }
    }

    /// Lets `user` of `platform` ask at `now`, or says how long to wait. A refused attempt does
    /// not restart the wait.
    pub fn check(&self, platform: &str, user: &str, now: Instant) -> Result<(), Duration> {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let key = (platform.to_owned(), user.to_owned());
        if let Some(at) = last.get(&key) {
            let since = now.saturating_duration_since(*at);
            if since < self.period {
                return Err(self.period - since);
            }
        }
        if last.len() >= SWEEP_AT {
            last.retain(|_, at| now.saturating_duration_since(*at) < self.period);
        }
        last.insert(key, now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_ask_inside_the_period_waits_and_others_are_not_affected() {
        let cooldown = Cooldown::new(Duration::from_secs(10));
        let t = Instant::now();
        assert_eq!(cooldown.check("discord", "u1", t), Ok(()));
        assert_eq!(cooldown.check("discord", "u1", t + Duration::from_secs(4)), Err(Duration::from_secs(6)));
        assert_eq!(cooldown.check("discord", "u2", t + Duration::from_secs(4)), Ok(()));
        assert_eq!(cooldown.check("slack", "u1", t + Duration::from_secs(4)), Ok(()));
        // The refused attempt did not restart the wait.
        assert_eq!(cooldown.check("discord", "u1", t + Duration::from_secs(10)), Ok(()));
    }

    #[test]
    fn a_flood_of_members_is_swept() {
        let cooldown = Cooldown::new(Duration::from_secs(1));
        let t = Instant::now();
        for i in 0..SWEEP_AT {
            cooldown.check("p", &i.to_string(), t).unwrap();
        }
        cooldown.check("p", "late", t + Duration::from_secs(2)).unwrap();
        assert_eq!(cooldown.last.lock().unwrap().len(), 1);
    }
}
