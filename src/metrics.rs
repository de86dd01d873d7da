//! Prometheus metrics (`GET /metrics`, text format, every name prefixed `shiori_`), kept in one
//! registry per process and passed to whoever records (no global recorder, so tests can make
//! their own).

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// A command handled on a platform.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CommandLabels {
    pub command: String,
    pub platform: String,
}

/// Something that went wrong, by kind.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    pub kind: String,
}

/// Every metric shiori exports.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<CommandLabels, Counter>,
    pub answer_seconds: Histogram,
    pub quiz_posts: Counter,
    pub quiz_answers: Counter,
    pub index_sections: Gauge,
    pub index_build_seconds: Gauge<f64, AtomicU64>,
    pub index_reloads: Counter,
    pub errors: Family<ErrorLabels, Counter>,
    pub feedback: Family<VerdictLabels, Counter>,
    /// Questions voided by members' reports.
    pub quiz_voided: Counter,
    /// Open quiz posts retired because the notes changed under their citation.
    pub quiz_retired: Counter,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct VerdictLabels {
    pub verdict: String,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("shiori");
        let requests = Family::<CommandLabels, Counter>::default();
        registry.register("requests", "Commands handled, by command and platform", requests.clone());
        // 0.25 ms to about 4 s.
        let answer_seconds = Histogram::new(exponential_buckets(0.000_25, 2.0, 15));
        registry.register("answer_seconds", "Time to answer a question or search", answer_seconds.clone());
        let quiz_posts = Counter::default();
        registry.register("quiz_posts", "Quiz questions posted", quiz_posts.clone());
        let quiz_answers = Counter::default();
        registry.register("quiz_answers", "Quiz answers recorded", quiz_answers.clone());
        let index_sections = Gauge::default();
        registry.register("index_sections", "Sections in the live index", index_sections.clone());
        let index_build_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "index_build_seconds",
            "Time the live index took to build",
            index_build_seconds.clone(),
        );
        let index_reloads = Counter::default();
        registry.register("index_reloads", "Index rebuilds after the notes changed", index_reloads.clone());
        let errors = Family::<ErrorLabels, Counter>::default();
        registry.register("errors", "Errors, by kind", errors.clone());
        let feedback = Family::<VerdictLabels, Counter>::default();
        registry.register(
            "feedback",
            "Members' verdicts on answers (good, bad, wrong_source)",
            feedback.clone(),
        );
        let quiz_voided = Counter::default();
        registry.register("quiz_voided", "Questions voided by members' reports", quiz_voided.clone());
        let quiz_retired = Counter::default();
        registry.register(
            "quiz_retired",
            "Open quiz posts retired because the notes changed under their citation",
            quiz_retired.clone(),
        );
        Metrics {
            registry,
            requests,
            answer_seconds,
            quiz_posts,
            quiz_answers,
            index_sections,
            index_build_seconds,
            index_reloads,
            errors,
            feedback,
            quiz_voided,
            quiz_retired,
        }
    }

    /// Counts a member's verdict on an answer.
    pub fn feedback(&self, verdict: &str) {
        self.feedback.get_or_create(&VerdictLabels { verdict: verdict.into() }).inc();
    }

    /// Counts a command.
    pub fn command(&self, command: &str, platform: &str) {
        self.requests
            .get_or_create(&CommandLabels { command: command.into(), platform: platform.into() })
            .inc();
    }

    /// Counts an error.
    pub fn error(&self, kind: &str) {
        self.errors.get_or_create(&ErrorLabels { kind: kind.into() }).inc();
    }

    /// The metrics in Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_prefix_and_counts_show() {
        let m = Metrics::new();
        m.command("ask", "http");
        m.command("ask", "http");
        m.answer_seconds.observe(0.002);
        let text = m.render();
        assert!(text.contains("shiori_requests_total{command=\"ask\",platform=\"http\"} 2"), "{text}");
        assert!(text.contains("shiori_answer_seconds_count 1"), "{text}");
        for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            assert!(line.starts_with("shiori_"), "{line}");
        }
    }
}
