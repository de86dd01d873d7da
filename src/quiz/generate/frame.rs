//! How much of the frame a question keeps: the words before its quote that name where its
//! choices come from (`VPCのエンドポイントのうち、`).

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::text;

    const NOTES: &str = "仮想サーバー\nEC2\n品質改善\n| 停止保護 | インスタンスの停止および手動削除を防ぐ機能。 |\n| 自動復旧機能 | 障害のときにインスタンスを自動的に復旧させることができる。 |\n| ハイバネーション | メインメモリの内容を待避させる機能。 |\n";

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
