//! The member's side of learning from the quiz: `/me` (accuracy, weakest areas, streaks,
//! reviews due), `/review` (their due questions, spaced by FSRS), 「問題を報告」 and its reasons,
//! and the admins' `/reports` and `/restore`.

use chrono::{DateTime, Utc};

use super::reply::Button;
use super::{store_failure, Block, Bot, Command, Context, QuizDesk, Reply};
use crate::quiz::learning::{Area, Progress, ReviewNext};
use crate::store::{ReportReason, ReportWrite};

/// Prefix of report buttons: `shiori:report:<post>` asks for a reason,
/// `shiori:report:<post>:<reason>` files the report.
const REPORT_PREFIX: &str = "shiori:report:";

/// 「問題を報告」 under a question or a reveal.
pub fn report_button(post_id: i64) -> Button {
    Button { id: format!("{REPORT_PREFIX}{post_id}"), label: "問題を報告".into() }
}

/// One button per reason.
pub fn report_reason_buttons(post_id: i64) -> Vec<Button> {
    ReportReason::ALL
        .iter()
        .map(|r| Button { id: format!("{REPORT_PREFIX}{post_id}:{}", r.as_str()), label: r.label().into() })
        .collect()
}

/// The id of 「続けて復習」, under a review's reveal.
pub const NEXT_REVIEW: &str = "shiori:review:next";

/// 「続けて復習」: the member's next due question.
pub fn next_review_button() -> Button {
    Button { id: NEXT_REVIEW.into(), label: "続けて復習".into() }
}

/// The command a report button stands for; `None` for ids that are not one.
pub fn report_button_command(id: &str) -> Option<Command> {
    let rest = id.strip_prefix(REPORT_PREFIX)?;
    let (post, reason) = match rest.split_once(':') {
        Some((post, reason)) => (post, Some(ReportReason::parse(reason)?)),
        None => (rest, None),
    };
    Some(Command::Report { post_id: post.parse().ok()?, reason })
}

/// 「3日後（12/01 09:00）」 for a due time, in the group's zone.
pub fn due_in(due: DateTime<Utc>, now: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    let hours = (due - now).num_hours();
    let when = match hours {
        h if h <= 0 => "今すぐ".to_owned(),
        h if h < 24 => format!("{h}時間後"),
        h => format!("{}日後", (h + 12) / 24),
    };
    format!("{when}（{}）", due.with_timezone(&tz).format("%m/%d %H:%M"))
}

fn area_line(area: &Area) -> String {
    format!("{} — {}/{} ({:.0}%)", area.name, area.correct, area.answered, area.accuracy() * 100.0)
}

impl Bot {
    pub(super) fn me_command(&self, ctx: &Context, desk: &QuizDesk) -> Reply {
        let now = desk.clock.now();
        match desk.master.progress(&ctx.platform, &ctx.user, now) {
            Ok(p) if p.answered == 0 && p.due == 0 => Reply::notice(
                "まだ採点済みの回答がありません。チャンネルのクイズに答えるか /quiz で始めましょう（答えは発表後に集計されます）。",
            ),
            Ok(mut p) => {
                self.cite_as_now(&mut p);
                progress_reply(&p, now, desk.timezone)
            }
            Err(e) => store_failure(e),
        }
    }

    /// Points each weak area's 「読み直す箇所」 at its section as the notes are now: a question
    /// answered before the notes were edited carries the line numbers of then, and a section no
    /// longer in the notes is not offered to reread.
    fn cite_as_now(&self, p: &mut Progress) {
        for area in &mut p.weakest {
            if let Some((citation, id)) = &mut area.reread {
                match self.sections.get(id.as_str()) {
                    Some(section) => *citation = section.citation(),
                    None => area.reread = None,
                }
            }
        }
    }

    pub(super) fn review_command(&self, ctx: &Context, desk: &QuizDesk) -> Reply {
        let now = desk.clock.now();
        match desk.master.review(&ctx.platform, &ctx.user, now) {
            Ok(ReviewNext::Question { post_id, question, remaining }) => {
                let mut reply = Reply::question(post_id, &question, true);
                reply.blocks.insert(0, Block::Title(format!("復習（このあと {remaining} 問）")));
                reply
            }
            Ok(ReviewNext::Nothing { next_due: Some(due), .. }) => Reply::notice(format!(
                "いま復習する問題はありません。次の復習: {}",
                due_in(due, now, desk.timezone)
            )),
            Ok(ReviewNext::Nothing { next_due: None, answered: true }) => Reply::notice(
                "いま復習する問題はありません。答えた問題はノートの変更で出題されなくなりました。新しいクイズに答えると復習に入ります。",
            ),
            Ok(ReviewNext::Nothing { next_due: None, answered: false }) => Reply::notice(
                "復習する問題はまだありません。クイズに答えると、間違えた問題と覚えた問題が復習に入ります。",
            ),
            Err(e) => store_failure(e),
        }
    }

    pub(super) fn report_command(
        &self,
        ctx: &Context,
        desk: &QuizDesk,
        post_id: i64,
        reason: Option<ReportReason>,
    ) -> Reply {
        let Some(reason) = reason else {
            return match desk.master.store.post::<crate::quiz::Question>(post_id) {
                Ok(Some(_)) => Reply {
                    blocks: vec![
                        Block::Text("この問題の何が問題ですか？".into()),
                        Block::Buttons(report_reason_buttons(post_id)),
                    ],
                    ephemeral: true,
                },
                Ok(None) => Reply::notice(REPORT_GONE),
                Err(e) => store_failure(e),
            };
        };
        match desk.master.report(post_id, &ctx.platform, &ctx.user, reason, desk.clock.now()) {
            Ok(ReportWrite::Recorded { voided: true, .. }) => {
                if let Some(m) = &self.metrics {
                    m.quiz_voided.inc();
                }
                Reply::notice(format!(
                    "報告を受け付けました（{}）。報告が集まったため、この問題は取り消され、採点・出題・復習から外れました。",
                    reason.label()
                ))
            }
            Ok(ReportWrite::Recorded { reports, .. }) => Reply::notice(format!(
                "報告を受け付けました（{}）。この問題への報告は {reports} 件です。",
                reason.label()
            )),
            Ok(ReportWrite::AlreadyReported) => Reply::notice("この問題はすでに報告済みです。"),
            Ok(ReportWrite::NoSuchPost) => Reply::notice(REPORT_GONE),
            Err(e) => store_failure(e),
        }
    }

    pub(super) fn reports_command(&self, ctx: &Context, desk: &QuizDesk) -> Reply {
        if !ctx.admin {
            return Reply::notice("報告の一覧は管理者だけが見られます。");
        }
        match desk.master.reports() {
            Ok(list) if list.is_empty() => Reply::notice("報告された問題はありません。"),
            Ok(list) => {
                let lines = list.iter().map(|(s, q)| {
                    let reasons: Vec<String> = s
                        .reasons
                        .iter()
                        .filter(|r| r.1 > 0)
                        .map(|(r, n)| format!("{} {n}", r.label()))
                        .collect();
                    let state = if s.voided { "取り消し中" } else { "有効" };
                    let text = q
                        .as_ref()
                        .map_or(String::new(), |q| format!("\n  Q. {}", super::clip(&q.question, 80)));
                    format!("・{} [{state}] {}{text}", s.question_id, reasons.join(", "))
                });
                let text = std::iter::once("報告された問題（/restore ID で元に戻す）".to_owned())
                    .chain(lines)
                    .collect::<Vec<_>>()
                    .join("\n");
                Reply::notice(text)
            }
            Err(e) => store_failure(e),
        }
    }

    pub(super) fn restore_command(&self, ctx: &Context, desk: &QuizDesk, question_id: &str) -> Reply {
        if !ctx.admin {
            return Reply::notice("問題を元に戻せるのは管理者だけです。");
        }
        match desk.master.restore(question_id) {
            Ok(true) => Reply::notice(format!(
                "{} を元に戻しました（報告は解除され、採点に戻ります）。",
                question_id.trim()
            )),
            Ok(false) => Reply::notice(format!("{} は報告も取り消しもされていません。", question_id.trim())),
            Err(e) => store_failure(e),
        }
    }
}

/// What a report on a post that is not stored gets.
const REPORT_GONE: &str =
    "この問題は見つかりませんでした（古いボタンかもしれません）。報告は記録していません。";

/// `/me` as a private reply.
fn progress_reply(p: &Progress, now: DateTime<Utc>, tz: chrono_tz::Tz) -> Reply {
    let mut lines = vec![format!(
        "正答率: {}/{} ({:.0}%)　連続正解: {}（最高 {}）",
        p.correct,
        p.answered,
        p.correct as f64 / p.answered.max(1) as f64 * 100.0,
        p.streak,
        p.best_streak
    )];
    if !p.services.is_empty() {
        lines.push("サービス別:".into());
        lines.extend(p.services.iter().take(8).map(|a| format!("・{}", area_line(a))));
    }
    if !p.weakest.is_empty() {
        lines.push("苦手なところ（読み直す箇所）:".into());
        for area in &p.weakest {
            lines.push(format!("・{}", area_line(area)));
            if let Some((citation, section)) = &area.reread {
                lines.push(format!("　→ {citation}　/source {section}"));
            }
        }
    }
    let due = match (p.due, p.next_due) {
        (0, Some(next)) => format!("復習: いまはなし（次は {}）", due_in(next, now, tz)),
        (0, None) => "復習: なし".to_owned(),
        (n, _) => format!("復習: {n} 問が待っています（/review）"),
    };
    lines.push(due);
    Reply {
        blocks: vec![Block::Title("あなたの成績".into()), Block::Text(lines.join("\n"))],
        ephemeral: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_buttons_round_trip() {
        assert_eq!(
            report_button_command(&report_button(42).id),
            Some(Command::Report { post_id: 42, reason: None })
        );
        for (button, reason) in report_reason_buttons(7).iter().zip(ReportReason::ALL) {
            assert_eq!(
                report_button_command(&button.id),
                Some(Command::Report { post_id: 7, reason: Some(reason) })
            );
            assert!(button.id.len() <= 100, "Discord custom_id limit");
        }
        assert_eq!(report_button_command("shiori:report:7:nonsense"), None);
        assert_eq!(report_button_command("shiori:report:x"), None);
        assert_eq!(report_button_command("shiori:answer:7:1"), None);
    }
}
