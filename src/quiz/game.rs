//! The quiz rules over the store: scheduled posts, answers, reveals, leaderboards.
//!
//! **Answers.** One per member per post, and the first one stands: a second click is not
//! recorded and the member is told which answer they gave (exam rules; it also makes "click all
//! four" useless). Answers to a revealed post are refused; a button for a post that no longer
//! exists gets a clear "not found".
//!
//! **At most once.** A scheduled slot is claimed in the store before anything is sent, so a crash
//! between claiming and sending loses that one post rather than ever posting it twice.
//!
//! **Personal quizzes** (`/quiz`) are posts in a channel of their own (`personal:<user>`), revealed
//! as soon as the member answers; they never count on a channel's leaderboard.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;

pub use super::period::Period;
use super::period::{month_start, week_start};
use super::review::REVIEW;
use super::schedule::{Schedule, ScheduleConfig, ScheduleError};
use super::{deck, Question};
use crate::store::{AnswerWrite, NewPost, Standing, Store, StoreError, StoredSchedule};

/// Something the scheduler did that a platform must now show.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A question was claimed for a slot: send it to the channel, then record the message id.
    Posted { post_id: i64, platform: String, channel: String, question: Question, reveal_at: DateTime<Utc> },
    /// A post was closed: edit it or follow up with the answer.
    Revealed(Reveal),
}

/// A quiz post as recorded, with its question.
pub type Post = crate::store::Post<Question>;

/// The outcome of a post, for the reveal message.
#[derive(Debug, Clone, PartialEq)]
pub struct Reveal {
    pub post: Post,
    pub answered: usize,
    pub correct: usize,
    /// How many chose each choice, by choice index.
    pub by_choice: Vec<usize>,
    /// Who got it right first (a platform member id).
    pub first_right: Option<String>,
}

impl Reveal {
    /// Share who got it right, 0–1 (0 when nobody answered).
    pub fn share(&self) -> f64 {
        if self.answered == 0 {
            0.0
        } else {
            self.correct as f64 / self.answered as f64
        }
    }
}

/// A schedule to add in chat; the zone and the reveal delay default like the config's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSchedule {
    pub platform: String,
    pub channel: String,
    pub cron: String,
    pub timezone: Option<String>,
    pub reveal_after: Option<std::time::Duration>,
}

/// What an answer click did.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerOutcome {
    /// Recorded; for a personal quiz or a review the reveal follows at once, and for a review
    /// when the question is due again.
    Recorded { choice: usize, reveal: Option<Box<Reveal>>, next_review: Option<DateTime<Utc>> },
    /// The member had answered already; their first answer stands.
    AlreadyAnswered { choice: usize },
    /// The post was revealed; answers are closed.
    Closed,
    /// No such post (an old button after the store was reset, a forged id).
    NotFound,
    /// The choice is not one of the post's choices.
    InvalidChoice,
    /// The post was retired: the notes changed under its citation.
    Retired,
}

/// Quiz state and rules: the question pool, the schedules and the store.
///
/// The schedules are the config's plus those added in chat (`/schedule add`, kept in the store
/// and read on every tick, so an edit takes effect without a restart). A schedule identical to
/// another shares its slots, so it never posts twice.
pub struct Quizmaster {
    pub store: Arc<Store>,
    /// Questions from the notes; replaced when the notes are reloaded.
    pool: std::sync::RwLock<Arc<Vec<Question>>>,
    pub schedules: Vec<Schedule>,
    /// Platforms that can post; schedules for others are left alone (their slots unclaimed).
    platforms: Option<Vec<String>>,
    /// Ids of questions the group retired (`quiz.retired`): kept out of every pool.
    retired: HashSet<String>,
    /// Woken when a schedule is added or removed in chat (or a post is retired), so the
    /// scheduler re-plans at once.
    pub(super) schedules_changed: tokio::sync::Notify,
    /// Spaced repetition for `/review`.
    pub(super) reviewer: super::review::Reviewer,
    /// Reports that void a question (`quiz.report_threshold`).
    pub(super) report_threshold: usize,
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// A stable number per channel, so channels get different question orders.
fn salt(platform: &str, channel: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(format!("{platform}/{channel}").as_bytes());
    u64::from_le_bytes(d[..8].try_into().unwrap_or([0; 8]))
}

impl Quizmaster {
    pub fn new(store: Arc<Store>, pool: Vec<Question>, schedules: Vec<Schedule>) -> Quizmaster {
        Quizmaster {
            store,
            pool: std::sync::RwLock::new(Arc::new(pool)),
            schedules,
            platforms: None,
            retired: HashSet::new(),
            schedules_changed: tokio::sync::Notify::new(),
            reviewer: super::review::Reviewer::default(),
            report_threshold: DEFAULT_REPORT_THRESHOLD,
        }
    }

    /// Voids a question once this many members reported it (`quiz.report_threshold`).
    pub fn with_report_threshold(mut self, threshold: usize) -> Quizmaster {
        self.report_threshold = threshold.max(1);
        self
    }

    /// The pool less the questions voided by reports: what a deck may pick from. The shared
    /// pool itself when nothing is voided (the usual case: no copy).
    pub(super) fn live_pool(&self) -> Result<Arc<Vec<Question>>, StoreError> {
        let voided = self.store.voided()?;
        let pool = self.pool();
        if voided.is_empty() {
            return Ok(pool);
        }
        Ok(Arc::new(pool.iter().filter(|q| !voided.contains(&q.id)).cloned().collect()))
    }

    /// Leaves these questions out of the pool, now and after every reload (`quiz.retired`).
    pub fn with_retired(mut self, ids: impl IntoIterator<Item = String>) -> Quizmaster {
        self.retired = ids.into_iter().collect();
        let pool = self.pool().iter().filter(|q| !self.retired.contains(&q.id)).cloned().collect();
        self.replace_pool(pool);
        self
    }

    /// The current question pool.
    pub fn pool(&self) -> Arc<Vec<Question>> {
        Arc::clone(&self.pool.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Swaps in questions generated from reloaded notes; posts already made keep their own copy.
    pub fn replace_pool(&self, mut pool: Vec<Question>) {
        pool.retain(|q| !self.retired.contains(&q.id));
        *self.pool.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(pool);
    }

    /// Runs only the schedules of these platforms (the ones with a poster).
    pub fn with_platforms(mut self, platforms: impl IntoIterator<Item = String>) -> Quizmaster {
        self.platforms = Some(platforms.into_iter().collect());
        self
    }

    /// The config's schedules and the store's, for the platforms that can post.
    pub fn active_schedules(&self) -> Result<Vec<Schedule>, StoreError> {
        let stored =
            self.store.schedules(None)?.into_iter().filter_map(|s| match Schedule::from_stored(&s) {
                Ok(schedule) => Some(schedule),
                Err(e) => {
                    tracing::warn!(id = s.id, error = %e, "stored schedule is unusable; skipped");
                    None
                }
            });
        let live = |s: &Schedule| self.platforms.as_ref().is_none_or(|p| p.contains(&s.platform));
        Ok(self.schedules.iter().cloned().chain(stored).filter(live).collect())
    }

    /// A channel's schedules: the config's, and those added in chat (with their ids).
    pub fn channel_schedules(
        &self,
        platform: &str,
        channel: &str,
    ) -> Result<(Vec<&Schedule>, Vec<StoredSchedule>), StoreError> {
        let configured =
            self.schedules.iter().filter(|s| s.platform == platform && s.channel == channel).collect();
        Ok((configured, self.store.schedules(Some((platform, channel)))?))
    }

    /// Adds a schedule for a channel (`/schedule add`), with the config's defaults for what is
    /// not given, and wakes the scheduler. The inner error says which value is wrong.
    pub fn add_schedule(
        &self,
        new: NewSchedule,
        created_by: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<(i64, Schedule), ScheduleError>, StoreError> {
        let config = ScheduleConfig {
            platform: new.platform,
            channel: new.channel,
            cron: new.cron.trim().to_owned(),
            timezone: new.timezone.unwrap_or_else(super::schedule::default_timezone),
            reveal_after: new.reveal_after.unwrap_or_else(super::schedule::default_reveal_after),
            catch_up: super::schedule::default_catch_up(),
        };
        let schedule = match Schedule::from_config(0, &config) {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        let stored = StoredSchedule {
            id: 0,
            platform: config.platform,
            channel: config.channel,
            cron: config.cron,
            timezone: config.timezone,
            reveal_after_secs: config.reveal_after.as_secs(),
            created_by: created_by.to_owned(),
        };
        let id = self.store.add_schedule(&stored, ms(now))?;
        self.schedules_changed.notify_one();
        Ok(Ok((id, schedule)))
    }

    /// Removes schedule `id` of a channel (only one added in chat); false when there is none.
    pub fn remove_schedule(&self, platform: &str, channel: &str, id: i64) -> Result<bool, StoreError> {
        let removed = self.store.remove_schedule(platform, channel, id)?;
        if removed {
            self.schedules_changed.notify_one();
        }
        Ok(removed)
    }

    /// Completes when a schedule was added or removed since the last wait.
    pub async fn schedules_changed(&self) {
        self.schedules_changed.notified().await
    }

    /// Does everything due at `now`: reveals first (oldest first), then the slot of each schedule
    /// that is due and not yet posted. Returns what the platforms must show.
    pub fn tick(&self, now: DateTime<Utc>) -> Result<Vec<Event>, StoreError> {
        let mut events = Vec::new();
        for post in self.store.due_reveals::<Question>(ms(now))? {
            // A personal question or review left unanswered just closes: it has no channel to show in.
            if let Some(reveal) = self.reveal(post.id)?.filter(|_| !is_private(&post.channel)) {
                events.push(Event::Revealed(reveal));
            }
        }
        let pool = self.live_pool()?;
        for schedule in self.active_schedules()? {
            let Some(slot) = schedule.due_slot(now) else { continue };
            let key = schedule.slot_key(slot);
            if self.store.slot_taken(&schedule.platform, &schedule.channel, &key)? {
                continue;
            }
            let history = self.store.channel_history(&schedule.platform, &schedule.channel)?;
            let Some(question) = deck::next(&pool, &history, salt(&schedule.platform, &schedule.channel))
            else {
                continue;
            };
            let post = NewPost {
                platform: &schedule.platform,
                channel: &schedule.channel,
                question,
                slot: Some(key),
                posted_at: ms(now),
                reveal_at: ms(now + schedule.reveal_after),
            };
            if let Some(post_id) = self.store.claim_post(&post)? {
                events.push(Event::Posted {
                    post_id,
                    platform: schedule.platform.clone(),
                    channel: schedule.channel.clone(),
                    question: question.clone(),
                    reveal_at: now + schedule.reveal_after,
                });
            }
        }
        Ok(events)
    }

    /// When the scheduler should next wake: the next slot of any schedule or the next reveal.
    pub fn next_wake(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError> {
        let slots: Vec<_> = self.active_schedules()?.iter().filter_map(|s| s.next_slot(now)).collect();
        let reveal = self.store.next_reveal_at()?.and_then(|t| Utc.timestamp_millis_opt(t).single());
        Ok(slots.into_iter().chain(reveal).min())
    }

    /// Closes a post and counts its answers; `None` when it was revealed already.
    pub fn reveal(&self, post_id: i64) -> Result<Option<Reveal>, StoreError> {
        let Some(post) = self.store.post(post_id)? else { return Ok(None) };
        let Some(tally) = self.store.reveal(post_id)? else { return Ok(None) };
        let post = Post { revealed: true, ..post };
        // Answers are closed: the spread is final.
        let (by_choice, first_right) = self.store.spread(post_id, post.question.choices.len())?;
        Ok(Some(Reveal { post, answered: tally.answered, correct: tally.correct, by_choice, first_right }))
    }

    /// Records a member's answer to a post by the rules in the module docs.
    pub fn answer(
        &self,
        post_id: i64,
        user: &str,
        choice: usize,
        now: DateTime<Utc>,
    ) -> Result<AnswerOutcome, StoreError> {
        let Some(post) = self.store.post::<Question>(post_id)? else { return Ok(AnswerOutcome::NotFound) };
        if choice >= post.question.choices.len() {
            return Ok(AnswerOutcome::InvalidChoice);
        }
        let correct = choice == post.question.answer_index;
        match self.store.record_answer(post_id, user, choice, correct, ms(now))? {
            AnswerWrite::AlreadyAnswered { choice } => Ok(AnswerOutcome::AlreadyAnswered { choice }),
            AnswerWrite::Closed => Ok(AnswerOutcome::Closed),
            AnswerWrite::NoSuchPost => Ok(AnswerOutcome::NotFound),
            AnswerWrite::Retired => Ok(AnswerOutcome::Retired),
            AnswerWrite::Recorded => {
                let next_review = self.rate(&post, user, correct, now);
                let reveal =
                    if is_private(&post.channel) { self.reveal(post_id)?.map(Box::new) } else { None };
                let next_review = next_review.filter(|_| post.channel.starts_with(REVIEW));
                Ok(AnswerOutcome::Recorded { choice, reveal, next_review })
            }
        }
    }

    /// A personal question for `user` on `platform`, not repeating what they saw recently.
    pub fn personal(
        &self,
        platform: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(i64, Question)>, StoreError> {
        let channel = format!("{PERSONAL}{user}");
        let history = self.store.channel_history(platform, &channel)?;
        let pool = self.live_pool()?;
        let Some(question) = deck::next(&pool, &history, salt(platform, &channel)) else {
            return Ok(None);
        };
        let post = NewPost {
            platform,
            channel: &channel,
            question,
            slot: None,
            posted_at: ms(now),
            reveal_at: ms(now + Duration::days(1)),
        };
        Ok(self.store.claim_post(&post)?.map(|id| (id, question.clone())))
    }

    /// A channel's leaderboard over `period` (weeks from Monday 00:00, months from the 1st, in `tz`).
    pub fn leaderboard(
        &self,
        platform: &str,
        channel: &str,
        period: Period,
        tz: Tz,
        now: DateTime<Utc>,
    ) -> Result<Vec<Standing>, StoreError> {
        let since = match period {
            Period::Week => Some(ms(week_start(now, tz))),
            Period::Month => Some(ms(month_start(now, tz))),
            Period::AllTime => None,
        };
        self.store.leaderboard(platform, channel, since, 10)
    }
}

/// Reports that void a question unless `quiz.report_threshold` says otherwise.
pub const DEFAULT_REPORT_THRESHOLD: usize = 2;

/// Channel-name prefix of personal quizzes.
pub const PERSONAL: &str = "personal:";

/// A personal quiz or a review: answered by one member, revealed to them at once.
pub fn is_private(channel: &str) -> bool {
    channel.starts_with(PERSONAL) || channel.starts_with(REVIEW)
}
