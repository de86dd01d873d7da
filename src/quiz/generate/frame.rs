//! How a question is framed and its choices named: how much of the frame it keeps (the words
//! before its quote that name where its choices come from, `VPCのエンドポイントのうち、`), and
//! AWS's prefix on every service choice or on none.

use super::*;

/// The question with less of the frame that names where its choices come from, for a frame
/// that gives the answer away: first without the service (`VPCのエンドポイントのうち、` →
/// `エンドポイントのうち、`, when only VPCエンドポイント says VPC; readers of session 22 failed
/// 「利用者が『…』なのはどれ？」 with no frame as not saying what it asks about), then without
/// any (`EC2のクラスター構成のうち、`, when only クラスタープレイスメントグループ says クラスター):
/// the choices still show what is compared. Empty when there is no frame before the quote.
pub(super) fn unframed(q: &Question) -> Vec<Question> {
    let Some(comma) = q.question.find('、') else { return Vec::new() };
    if q.question.find('「').is_some_and(|quote| quote < comma) {
        return Vec::new();
    }
    let (frame, rest) = (&q.question[..comma], &q.question[comma + '、'.len_utf8()..]);
    let with = |question: String| Question { question, ..q.clone() };
    let kind = frame.strip_suffix("のうち").and_then(|f| f.split_once('の')).map(|(_, kind)| kind);
    kind.filter(|k| !k.is_empty())
        .map(|k| with(format!("{k}のうち、{rest}")))
        .into_iter()
        .chain(std::iter::once(with(rest.to_owned())))
        .collect()
}

/// Service choices named alike: every one with AWS's prefix (`Amazon Connect`, `AWS Marketplace`,
/// `AWS End User Messaging`, `Amazon Chime`) when the gazetteer knows each one's, else none
/// (`Connect` beside `Chime`). Readers of session 22 failed `Amazon Connect` beside bare names
/// as "the only choice with the brand prefix". For a post only: the checks read the names the
/// notes and the gazetteer use.
pub(super) fn even_prefixes(q: &mut Question) {
    const PREFIXES: [&str; 2] = ["Amazon ", "AWS "];
    if !matches!(q.kind.as_str(), "term" | "item" | "scenario" | "feature" | "comparison") {
        return;
    }
    let bare = |c: &str| PREFIXES.iter().find_map(|p| c.strip_prefix(p)).map(str::to_owned);
    let prefixed = q.choices.iter().filter(|c| bare(c).is_some()).count();
    if prefixed == 0 || prefixed == q.choices.len() {
        return;
    }
    // `Chime` → `Amazon Chime` when the gazetteer spells it so.
    let full = |c: &str| -> Option<String> {
        let named = normalize(c);
        let service = gazetteer::services().iter().find(|s| s.names.iter().any(|n| n.text == named))?;
        PREFIXES.iter().map(|p| format!("{p}{c}")).find(|f| {
            let f = normalize(f);
            normalize(&service.name) == f || service.names.iter().any(|n| n.text == f)
        })
    };
    let fulls: Option<Vec<String>> =
        q.choices.iter().map(|c| if bare(c).is_some() { Some(c.clone()) } else { full(c) }).collect();
    let shown =
        fulls.unwrap_or_else(|| q.choices.iter().map(|c| bare(c).unwrap_or_else(|| c.clone())).collect());
    show_choices(q, shown);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::text;

    const NOTES: &str = "仮想サーバー\nEC2\n品質改善\n| 停止保護 | インスタンスの停止および手動削除を防ぐ機能。 |\n| 自動復旧機能 | 障害のときにインスタンスを自動的に復旧させることができる。 |\n| ハイバネーション | メインメモリの内容を待避させる機能。 |\n";

    #[test]
    fn service_choices_all_have_awss_prefix_or_none_does() {
        let base = generate(&text::parse("n.txt", NOTES)).unwrap()[0].clone();
        let shown = |choices: &[&str]| {
            let mut q = Question {
                kind: "term".to_owned(),
                choices: choices.iter().map(|c| c.to_string()).collect(),
                choice_notes: Vec::new(),
                ..base.clone()
            };
            even_prefixes(&mut q);
            q.choices
        };
        assert_eq!(
            shown(&["Amazon Connect", "Chime", "End User Messaging"]),
            ["Amazon Connect", "Amazon Chime", "AWS End User Messaging"]
        );
        // A name the gazetteer knows no prefix for: none has one.
        assert_eq!(
            shown(&["Amazon Connect", "Chime", "コールセンター"]),
            ["Connect", "Chime", "コールセンター"]
        );
        assert_eq!(shown(&["Chime", "WorkDocs"]), ["Chime", "WorkDocs"]);
    }

    #[test]
    fn a_frame_is_shortened_to_its_kind_before_it_is_left_out() {
        let q = Question {
            question: "VPCのエンドポイントのうち、利用者が「使う側」なのはどれ？".to_owned(),
            ..generate(&text::parse("n.txt", NOTES)).unwrap()[0].clone()
        };
        let shorter: Vec<String> = unframed(&q).into_iter().map(|u| u.question).collect();
        assert_eq!(
            shorter,
            ["エンドポイントのうち、利用者が「使う側」なのはどれ？", "利用者が「使う側」なのはどれ？"]
        );
        let service_only = Question {
            question: "EC2について、次の説明に当てはまるものはどれ？\n「…」".to_owned(),
            ..q
        };
        assert_eq!(unframed(&service_only).len(), 1);
    }
}
