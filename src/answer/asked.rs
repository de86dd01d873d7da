//! Answers members were given, kept in the store so that everything around an answer works
//! after a restart and a notes reload: the buttons under it (by the answer's id), members'
//! feedback (👍, 👎, 「出典が違う」; member ids hashed with the install's salt), and follow-up
//! questions, which are searched in the context of the member's previous answer.

use std::sync::Arc;
use std::time::Duration;

use super::{ask, Answer};
use crate::corpus::Section;
use crate::search::{gazetteer, QueryError, Searcher};
use crate::store::{FeedbackCount, NewAsk, Store, StoreError, StoredAsk, Verdict};

/// The answers given, their feedback and the follow-up window.
pub struct Asked {
    store: Arc<Store>,
    salt: String,
    /// How long after an answer a follow-up is read in its context.
    pub window: Duration,
}

/// Who asked, and where.
#[derive(Debug, Clone, Copy)]
pub struct Asker<'a> {
    pub platform: &'a str,
    pub channel: &'a str,
    pub user: &'a str,
}

impl Asked {
    /// Reads (or makes, the first time) the install's salt.
    pub fn new(store: Arc<Store>, window: Duration) -> Result<Asked, StoreError> {
        let salt = store.salt()?;
        Ok(Asked { store, salt, window })
    }

    fn member(&self, asker: Asker) -> String {
        Store::member_key(&self.salt, asker.platform, asker.user)
    }

    /// Records an answer given to `asker`; returns its id (for the buttons under it).
    pub fn record(&self, asker: Asker, answer: &Answer, now_ms: i64) -> Result<i64, StoreError> {
        let citation = answer.citations.first();
        let citation_text = citation.map(|c| c.to_string());
        self.store.record_ask(&NewAsk {
            platform: asker.platform,
            channel: asker.channel,
            member: &self.member(asker),
            question: &answer.query,
            section_id: answer.section_id.as_deref(),
            citation: citation_text.as_deref(),
            lines: citation.map(|c| (c.line_start, c.line_end)),
            confident: answer.confident,
            asked_at: now_ms,
        })
    }

    /// An answer by id.
    pub fn get(&self, id: i64) -> Result<Option<StoredAsk>, StoreError> {
        self.store.ask(id)
    }

    /// Records `asker`'s verdict on answer `id`; false when there is no such answer.
    pub fn feedback(&self, id: i64, asker: Asker, verdict: Verdict, now_ms: i64) -> Result<bool, StoreError> {
        self.store.record_feedback(id, &self.member(asker), verdict, now_ms)
    }

    /// The answer a follow-up continues: answer `id` when given (a button or a modal names it),
    /// else the member's latest in the channel; `None` when there is none within the window.
    pub fn context(
        &self,
        id: Option<i64>,
        asker: Asker,
        now_ms: i64,
    ) -> Result<Option<StoredAsk>, StoreError> {
        let since = now_ms - self.window.as_millis() as i64;
        let previous = match id {
            // A button names the answer: anyone who sees it may continue it, in its channel.
            Some(id) => {
                self.store.ask(id)?.filter(|a| a.platform == asker.platform && a.channel == asker.channel)
            }
            None => self.store.latest_ask(asker.platform, asker.channel, &self.member(asker), since)?,
        };
        Ok(previous.filter(|a| a.asked_at >= since))
    }

    /// Every answer with feedback, oldest first.
    pub fn all_feedback(&self) -> Result<Vec<FeedbackCount>, StoreError> {
        self.store.feedback()
    }
}

/// Answers `question` as a follow-up to an answer from `previous` (its cited section): a
/// question that names no service is searched within the previous answer's service and topic
/// first (`料金は？` after an answer about EC2 hibernation asks about EC2's prices). Returns the
/// answer and the context used, if any.
pub fn follow_up(
    searcher: &Searcher,
    previous: Option<&Section>,
    question: &str,
) -> Result<(Answer, Option<String>), QueryError> {
    let Some(context) = previous
        .and_then(context_of)
        .filter(|_| gazetteer::named(&crate::search::analyzer::normalize(question)).is_empty())
    else {
        return Ok((ask(searcher, question)?, None));
    };
    // The question itself is checked as typed (empty, too long) before the context joins it.
    if question.trim().is_empty() {
        return Err(QueryError::Empty);
    }
    let mut answer = ask(searcher, &format!("{context} {}", question.trim()))?;
    answer.query = question.trim().to_owned();
    Ok((answer, Some(context)))
}

/// What a section is about, as words to search with: its service (the heading under the top
/// category) and, below it, the topic the section sits in.
fn context_of(section: &Section) -> Option<String> {
    let service = section.path.get(1)?;
    let topic = section.path.get(2).filter(|t| section.path.len() > 3 && *t != &section.title);
    Some(match topic {
        Some(topic) => format!("{service} {topic}"),
        None => service.clone(),
    })
}

/// The answers members disliked or said cite the wrong section, as a question set in the format
/// of `tests/questions/*.toml`, for a maintainer to fill in the lines that answer each one (the
/// citation the bot gave is in a comment) and add to the evaluation.
pub fn export(feedback: &[FeedbackCount]) -> String {
    let mut out = String::from(
        "# Questions members marked 👎 or 「出典が違う」 (`shiori feedback export`).\n\
         # Fill in `lines` with the lines of the notes that answer each question (leave [] when the\n\
         # notes do not answer it), then add the file to tests/questions/ or evaluate it with\n\
         # `cargo run --release --example eval -- --set FILE`.\n",
    );
    for f in feedback.iter().filter(|f| f.bad > 0 || f.wrong_source > 0) {
        let kind = if f.wrong_source > 0 { "feedback-wrong-source" } else { "feedback-bad" };
        let cited = f.ask.citation.as_deref().unwrap_or("(no citation)");
        let section = f.ask.section_id.as_deref().unwrap_or("-");
        out.push_str(&format!(
            "\n[[question]]\n# cited: {cited}, section {section}; 👍 {} 👎 {} 出典が違う {}\ntext = {}\nlines = []\nkind = \"{kind}\"\n",
            f.good,
            f.bad,
            f.wrong_source,
            toml_string(&f.ask.question)
        ));
    }
    out
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The helpful rate over all verdicts and the sections with the most 👎 and 「出典が違う」.
pub fn stats(feedback: &[FeedbackCount]) -> String {
    let (good, bad, wrong) =
        feedback.iter().fold((0, 0, 0), |(g, b, w), f| (g + f.good, b + f.bad, w + f.wrong_source));
    let total = good + bad + wrong;
    if total == 0 {
        return "no feedback yet\n".into();
    }
    let mut out = format!(
        "answers with feedback: {}; verdicts: {total} (👍 {good}, 👎 {bad}, 出典が違う {wrong}); helpful: {:.0}%\n",
        feedback.len(),
        100.0 * good as f64 / total as f64
    );
    let mut by_section: std::collections::BTreeMap<&str, (u32, u32)> = Default::default();
    for f in feedback {
        let entry = by_section.entry(f.ask.citation.as_deref().unwrap_or("(no citation)")).or_default();
        entry.0 += f.bad;
        entry.1 += f.wrong_source;
    }
    let mut worst: Vec<_> = by_section.into_iter().filter(|(_, (b, w))| b + w > 0).collect();
    worst.sort_by(|a, b| (b.1 .0 + b.1 .1).cmp(&(a.1 .0 + a.1 .1)).then(a.0.cmp(b.0)));
    if !worst.is_empty() {
        out.push_str("most disliked sections:\n");
    }
    for (citation, (bad, wrong)) in worst.into_iter().take(10) {
        out.push_str(&format!("  👎 {bad} 出典が違う {wrong}  {citation}\n"));
    }
    out
}
