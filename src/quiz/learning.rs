//! What the quiz does for one member's learning, over the store: review cards rated by every
//! answer, `/review` sessions, `/me` progress, reports that void a question, and posts retired
//! when the notes change under their citation.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::game::{Post, Quizmaster};
use super::generate::service_of;
use super::review::{due_time, REVIEW};
use super::Question;
use crate::corpus::{Citation, Section};
use crate::store::{NewPost, ReportReason, ReportSummary, ReportWrite, StoreError};

/// What `/review` has for a member.
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewNext {
    /// A due question, posted privately; `remaining` more are due after it.
    Question { post_id: i64, question: Box<Question>, remaining: usize },
    /// Nothing due; the next card falls due then (none when no card's question is still asked).
    /// `answered` says whether the member has any card at all, so a member whose answered
    /// questions the notes no longer make is not told to start answering.
    Nothing { next_due: Option<DateTime<Utc>>, answered: bool },
}

/// A part of the notes and how a member did on its questions.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// `EC2(Elastic Compute Cloud)`, or `EC2(…) › インスタンスの購入オプション` for a heading.
    pub name: String,
    pub answered: usize,
    pub correct: usize,
    /// What to re-read: the citation of the latest question missed here, and its section's id.
    pub reread: Option<(Citation, String)>,
}

impl Area {
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.answered.max(1) as f64
    }
}

/// `/me`: a member's accuracy overall, by service and in their weakest headings, streaks and reviews.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub answered: usize,
    pub correct: usize,
    /// By service, most answered first.
    pub services: Vec<Area>,
    /// At most three headings with a miss, lowest accuracy first.
    pub weakest: Vec<Area>,
    pub streak: u32,
    pub best_streak: u32,
    /// Cards due now, and when the next one falls due after that.
    pub due: usize,
    pub next_due: Option<DateTime<Utc>>,
}

/// Most weak areas `/me` lists.
const WEAKEST: usize = 3;

/// How long a review question stays open for its answer.
const REVIEW_OPEN: Duration = Duration::days(1);

impl Quizmaster {
    /// Rates the member's card for the post's question after an answer; returns when it is due
    /// next. A store failure here is logged and does not undo the answer, which is recorded.
    pub(super) fn rate(
        &self,
        post: &Post,
        member: &str,
        correct: bool,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let result = (|| -> Result<DateTime<Utc>, Box<dyn std::error::Error>> {
            let id = &post.question.id;
            let previous = self.store.card(&post.platform, member, id)?;
            let in_review = post.channel.starts_with(REVIEW);
            let card = self.reviewer.after_answer(previous.as_ref(), id, correct, in_review, now)?;
            self.store.put_card(&post.platform, member, &card)?;
            Ok(due_time(card.due_at).unwrap_or(now))
        })();
        match result {
            Ok(due) => Some(due),
            Err(e) => {
                tracing::error!(post = post.id, error = %e, "the answer is recorded but its review card is not");
                None
            }
        }
    }

    /// The member's next due review question, posted to their review session. Cards whose
    /// question the notes no longer make (retired, changed beyond recognition) are passed over.
    pub fn review(&self, platform: &str, member: &str, now: DateTime<Utc>) -> Result<ReviewNext, StoreError> {
        let pool = self.live_pool()?;
        let due: Vec<&Question> = self
            .store
            .due_cards(platform, member, now.timestamp_millis())?
            .iter()
            .filter_map(|card| pool.iter().find(|q| q.id == card.question_id))
            .collect();
        let Some(question) = due.first() else {
            let upcoming = self.store.upcoming(platform, member, now.timestamp_millis())?;
            return Ok(ReviewNext::Nothing {
                next_due: next_due(&upcoming, &pool),
                answered: !upcoming.is_empty(),
            });
        };
        let channel = format!("{REVIEW}{member}");
        let post = NewPost {
            platform,
            channel: &channel,
            question: *question,
            slot: None,
            posted_at: now.timestamp_millis(),
            reveal_at: (now + REVIEW_OPEN).timestamp_millis(),
        };
        // A post without a slot never collides, so the insert always returns its id.
        let post_id =
            self.store.claim_post(&post)?.ok_or(StoreError::Sql(rusqlite::Error::QueryReturnedNoRows))?;
        Ok(ReviewNext::Question {
            post_id,
            question: Box::new((*question).clone()),
            remaining: due.len() - 1,
        })
    }

    /// `/me` for a member on a platform.
    pub fn progress(&self, platform: &str, member: &str, now: DateTime<Utc>) -> Result<Progress, StoreError> {
        let answers = self.store.member_answers::<Question>(platform, member, REVIEW)?;
        let mut services: BTreeMap<String, Area> = BTreeMap::new();
        let mut headings: BTreeMap<String, Area> = BTreeMap::new();
        for a in &answers {
            let path = &a.post.question.source.path;
            let heading = path[..path.len().saturating_sub(1)].join(" › ");
            for (map, name) in [(&mut services, service_of(path).to_owned()), (&mut headings, heading)] {
                let area =
                    map.entry(name.clone()).or_insert(Area { name, answered: 0, correct: 0, reread: None });
                area.answered += 1;
                if a.correct {
                    area.correct += 1;
                } else {
                    area.reread = Some((a.post.question.source.clone(), a.post.question.section_id.clone()));
                }
            }
        }
        let mut services: Vec<Area> = services.into_values().collect();
        services.sort_by(|a, b| b.answered.cmp(&a.answered).then_with(|| a.name.cmp(&b.name)));
        let mut weakest: Vec<Area> = headings.into_values().filter(|a| a.correct < a.answered).collect();
        weakest.sort_by(|a, b| {
            a.accuracy()
                .total_cmp(&b.accuracy())
                .then_with(|| b.answered.cmp(&a.answered))
                .then_with(|| a.name.cmp(&b.name))
        });
        weakest.truncate(WEAKEST);
        let (streak, best_streak) = self.store.member_streaks(platform, member)?;
        let pool = self.live_pool()?;
        let due = self
            .store
            .due_cards(platform, member, now.timestamp_millis())?
            .iter()
            .filter(|c| pool.iter().any(|q| q.id == c.question_id))
            .count();
        let next_due = next_due(&self.store.upcoming(platform, member, now.timestamp_millis())?, &pool);
        Ok(Progress {
            answered: answers.len(),
            correct: answers.iter().filter(|a| a.correct).count(),
            services,
            weakest,
            streak,
            best_streak,
            due,
            next_due,
        })
    }

    /// A member's report on the question of a post (voiding it at the threshold).
    pub fn report(
        &self,
        post_id: i64,
        platform: &str,
        member: &str,
        reason: ReportReason,
        now: DateTime<Utc>,
    ) -> Result<ReportWrite, StoreError> {
        self.store.report(post_id, platform, member, reason, self.report_threshold, now.timestamp_millis())
    }

    /// Reported and voided questions, each with its text when a post of it is still stored.
    pub fn reports(&self) -> Result<Vec<(ReportSummary, Option<Question>)>, StoreError> {
        let mut out = Vec::new();
        for summary in self.store.reports()? {
            let question = match summary.post_id {
                Some(id) => self.store.post::<Question>(id)?.map(|p| p.question),
                None => None,
            };
            out.push((summary, question));
        }
        Ok(out)
    }

    /// Puts a reported or voided question back (an admin decided the reports were wrong).
    pub fn restore(&self, question_id: &str) -> Result<bool, StoreError> {
        self.store.restore(question_id.trim())
    }

    /// After the notes changed: retires every open post whose cited lines now say something else
    /// (or are gone), so no reveal shows a stale citation, and wakes the scheduler to replace
    /// them with a notice. Returns the ids of the posts retired.
    pub fn retire_stale(&self, sections: &[Section], now: DateTime<Utc>) -> Result<Vec<i64>, StoreError> {
        let mut retired = Vec::new();
        for post in self.store.open_posts::<Question>()? {
            if post.retired.is_none()
                && post.question.is_stale(sections)
                && self.store.retire_post(post.id, "stale", now.timestamp_millis())?
            {
                tracing::info!(post = post.id, question = %post.question.id, "notes changed under a quiz post's citation: retired");
                retired.push(post.id);
            }
        }
        if !retired.is_empty() {
            self.schedules_changed.notify_one();
        }
        Ok(retired)
    }
}

/// When the first of the member's upcoming cards (`(question id, due at)`, soonest first) whose
/// question the notes still make falls due: a card of a retired or changed question is never
/// posted, so it is not promised either.
fn next_due(upcoming: &[(String, i64)], pool: &[Question]) -> Option<DateTime<Utc>> {
    upcoming.iter().find(|(id, _)| pool.iter().any(|q| q.id == *id)).and_then(|(_, at)| due_time(*at))
}
