//! What a sentence opens with or leans on that is not itself a fact about a thing: readings in
//! brackets before a description, bullets, and sentences that point to one not shown.

/// `text` without the bracketed groups it opens with (`(オリジンアクセスアイデンティティ) …`).
pub(super) fn without_leading_brackets(text: &str) -> &str {
    let mut rest = text.trim_start();
    while let Some(inner) = rest.strip_prefix(['(', '（']) {
        match inner.find([')', '）']) {
            // A list of qualifiers right before the noun it qualifies (`(静的・動的)コンテンツを配信
            // する…`) is part of the phrase: without it CloudFront's clue read 「コンテンツを配信
            // する、…コンテンツ配信サービス」, which four readers of session 22 failed as saying
            // one thing twice.
            Some(end) if qualifies(&inner[..end], &inner[end..]) => return rest,
            Some(end) => rest = inner[end..].trim_start_matches([')', '）']).trim_start(),
            None => return "",
        }
    }
    rest
}

/// Whether a leading bracket holding `inside` qualifies what follows it (`after`, from the
/// closing bracket on): two or more words joined by `・`, the noun right after it.
fn qualifies(inside: &str, after: &str) -> bool {
    let next = after.trim_start_matches([')', '）']).chars().next();
    inside.split('・').filter(|w| !w.trim().is_empty()).count() >= 2
        && !inside.contains(char::is_whitespace)
        && next.is_some_and(|c| !c.is_whitespace() && !"※(（、。・".contains(c))
}

/// True when `sentence` leans on one the question does not show (`これらのタスクを再実行するには`),
/// or says only what is not needed with no topic of its own: 「EC2 コンソールまたは AWS CLI を使用
/// する必要はない」 says for what only by following 「…は実行中のインスタンスから取得できる」
/// (readers of session 22 failed it as a choice cut from its context, twice).
pub(super) fn dangling(sentence: &str) -> bool {
    let s = sentence.trim().trim_end_matches('。');
    let unneeded = ["必要はない", "必要がない"]
        .iter()
        .find_map(|e| s.strip_suffix(e))
        .is_some_and(|rest| !rest.replace("または", "").contains('は'));
    unneeded || ["これら", "それら", "この", "その", "上記", "前述", "同様"].iter().any(|d| s.starts_with(d))
}

/// True when `text` opens with an aside, a bullet or a reference to what is not shown: not
/// something to show as what a thing is.
pub(super) fn aside(text: &str) -> bool {
    let text = text.trim_start();
    let bracket = text.starts_with(['(', '（']) && without_leading_brackets(text) != text;
    bracket || text.starts_with(['・', '-']) || dangling(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bracketed_list_of_qualifiers_before_its_noun_stays() {
        assert_eq!(
            without_leading_brackets("(静的・動的)コンテンツを配信するサービス。"),
            "(静的・動的)コンテンツを配信するサービス。"
        );
        // Readings and asides still go (`leading_readings_in_brackets_are_left_out`), and so does
        // a list set apart from what follows.
        assert_eq!(
            without_leading_brackets("(オリジンアクセスアイデンティティ) オブジェクトの…"),
            "オブジェクトの…"
        );
        assert_eq!(without_leading_brackets("(静的・動的) コンテンツ"), "コンテンツ");
    }

    #[test]
    fn a_sentence_that_only_says_what_is_not_needed_leans_on_the_one_before() {
        assert!(dangling("EC2 コンソールまたは AWS CLI を使用する必要はない。"));
        assert!(dangling("これらのタスクを再実行するには"));
        // With a topic of its own it reads alone.
        assert!(!dangling("ユーザーは SSH ポートを開く必要はない。"));
        assert!(!dangling("インスタンスメタデータは実行中のインスタンスから取得できる。"));
    }

    #[test]
    fn leading_readings_in_brackets_are_left_out() {
        assert_eq!(
            without_leading_brackets(
                "(オリジンアクセスアイデンティティ) オブジェクトのアクセス権の許可を付与する。"
            ),
            "オブジェクトのアクセス権の許可を付与する。"
        );
        assert_eq!(without_leading_brackets("(スタンダード / コンバーティブル)(数年間契約)"), "");
        assert_eq!(without_leading_brackets("（閉じない"), "");
        assert_eq!(without_leading_brackets("そのまま(括弧)"), "そのまま(括弧)");
    }
}
