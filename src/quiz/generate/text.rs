//! Note text made fit to show: markup taken out, choices shortened only where nothing that
//! tells them apart is lost.

use super::names::Name;
use super::{aside, mask, normalize, variants};
use crate::corpus::{Section, SectionKind};

/// Text without the notes' markup: `【…】` taglines, `※` notes (to the end of their sentence),
/// `[…]` labels, and the spaces they leave.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let closing = match c {
            '【' => Some('】'),
            '[' => Some(']'),
            _ => None,
        };
        if let Some(close) = closing {
            match rest.find(close) {
                Some(end) => {
                    rest = &rest[end + close.len_utf8()..];
                    out.push(' ');
                    continue;
                }
                None => {
                    rest = &rest[c.len_utf8()..];
                    continue;
                }
            }
        }
        if c == '※' {
            rest = skip_note(rest, &mut out);
            out.push(' ');
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    let out = japanese_spacing(&without_list_asides(&out).split_whitespace().collect::<Vec<_>>().join(" "));
    // `①スポットブロック`: the notes' numbering is not part of the name.
    out.trim_start_matches(|c: char| ('\u{2460}'..='\u{2473}').contains(&c))
        .trim_matches(['、', ' '])
        .to_owned()
}

/// `text` without an aside in brackets that starts a list the sentence goes on to finish
/// (`プロセッサーと(CPUや)メモリー`, `インスタンスの(オンデマンドやスポットなどの)種類`): the
/// sentence reads whole without it, and reader 47 of session 21 marked 「(CPUや)」 unreadable.
fn without_list_asides(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(['(', '（']) {
        let after = &rest[open..];
        let inner_start = after.chars().next().map_or(1, char::len_utf8);
        let close = after[inner_start..].find([')', '）']).map(|c| c + inner_start);
        let aside = close.filter(|&c| {
            let inner = after[inner_start..c].trim();
            !inner.contains(['(', '（'])
                && inner.chars().count() <= 20
                && ["や", "など", "などの"].iter().any(|end| inner.ends_with(end))
        });
        out.push_str(&rest[..open]);
        match aside {
            Some(c) => rest = &after[c + after[c..].chars().next().map_or(1, char::len_utf8)..],
            None => {
                out.push_str(&after[..inner_start]);
                rest = &after[inner_start..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `text` without the spaces Japanese does not write: between two Japanese characters (`AWS が
/// 提供する オンプレミス` → `提供するオンプレミス`) and before a closing mark (`ソリューション 。`).
/// A space next to Latin letters or digits stays (`EC2 フリート`, `AWS が`).
fn japanese_spacing(text: &str) -> String {
    let japanese = |c: char| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}' | '\u{3000}'..='\u{303F}' | '\u{FF08}' | '\u{FF09}');
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let (before, after) = (i.checked_sub(1).map(|j| chars[j]), chars.get(i + 1).copied());
            let closing = after.is_some_and(|a| matches!(a, '。' | '、' | '）' | '」' | '』'));
            if closing || (before.is_some_and(japanese) && after.is_some_and(japanese)) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Skips a `※` note at the start of `rest`: it runs to the end of its sentence, or to the next
/// bullet or tagline, or, inside brackets, to their end. Brackets the note filled alone
/// (`許可 (※アップロードに利用できる)`) go with it. Returns what follows.
fn skip_note<'a>(rest: &'a str, out: &mut String) -> &'a str {
    let depth = |t: &str| t.matches(['(', '（']).count() as i64 - t.matches([')', '）']).count() as i64;
    let inside = depth(out) > 0;
    let end =
        if inside { rest.find(['。', '・', '【', ')', '）']) } else { rest.find(['。', '・', '【']) };
    let end = end.unwrap_or(rest.len());
    let after = &rest[end..];
    if after.starts_with('。') {
        return &after['。'.len_utf8()..];
    }
    let trimmed = out.trim_end();
    match (after.chars().next(), trimmed.chars().last()) {
        (Some(close @ (')' | '）')), Some(open @ ('(' | '（'))) => {
            out.truncate(trimmed.len() - open.len_utf8());
            &after[close.len_utf8()..]
        }
        _ => after,
    }
}

pub(super) fn markup_free(text: &str) -> bool {
    crate::quiz::quality::markup(text).is_none()
}

/// The first sentences of `text` up to `max` characters, cut cleanly at a `。` when that keeps
/// at least half of the room; otherwise cut mid-sentence with `…` (a short first sentence such
/// as 「設定が可能。」 says too little on its own).
pub(super) fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    for sentence in text.split_inclusive('。') {
        if out.chars().count() + sentence.chars().count() > max {
            break;
        }
        out.push_str(sentence);
    }
    if out.chars().count() < max / 2 {
        out = text.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
    }
    out.trim().to_owned()
}

/// A tagline that is one generic word (`【ストレージ】`, `【HTTP】`) says what kind of thing the
/// name is, not what sets it apart: every sibling could wear it.
pub(super) fn one_word(tag: &str) -> bool {
    let tag = crate::search::analyzer::normalize(tag.trim());
    if tag.chars().all(|c| c.is_ascii_alphanumeric()) {
        return true;
    }
    let katakana = tag.chars().all(crate::search::kana::is_katakana);
    let parts = crate::search::loanwords::english_parts(&tag);
    katakana && parts.len() == 1 && parts[0].iter().all(|english| !english.contains(' '))
}

/// The share of `statement`'s character pairs (letters and digits) that `text` has: how much of
/// what `statement` says `text` says too.
pub(super) fn shared(statement: &str, text: &str) -> f64 {
    overlap(statement, text).0
}

/// [`shared`], and in how many separate runs of `statement` the shared pairs lie: one run is
/// one word or phrase in common (`インスタンス`), two or more are two things said alike.
pub(super) fn overlap(statement: &str, text: &str) -> (f64, usize) {
    let pairs = |s: &str| -> Vec<String> {
        let chars: Vec<char> = super::key(s).chars().collect();
        chars.windows(2).map(|w| w.iter().collect()).collect()
    };
    let mine = pairs(statement);
    let theirs: std::collections::HashSet<String> = pairs(text).into_iter().collect();
    if mine.is_empty() {
        return (1.0, 0);
    }
    let found: Vec<bool> = mine.iter().map(|p| theirs.contains(p)).collect();
    let count = found.iter().filter(|f| **f).count();
    let runs = found.iter().enumerate().filter(|&(i, f)| *f && (i == 0 || !found[i - 1])).count();
    (count as f64 / mine.len() as f64, runs)
}

/// A setup step: `…の作成`, `…の選択`, `…の指定`, `…の設定`.
pub(super) fn is_step(term: &str) -> bool {
    ["の作成", "の選択", "の指定", "の設定", "の追加", "の有効化", "の登録"]
        .iter()
        .any(|s| term.trim().ends_with(s))
}

/// A row right under a heading of a thing's selling points (`[特徴とメリット]`, `メリット`, `利点`):
/// `Local Zones › [特徴とメリット] › 簡単な導入`.
pub(super) fn is_merit_row(section: &Section) -> bool {
    section.kind == SectionKind::Row
        && section
            .path
            .iter()
            .rev()
            .nth(1)
            .is_some_and(|h| ["メリット", "利点", "特長"].iter().any(|w| h.contains(w)))
}

/// The first sentence of a description when it can be shown whole as a choice.
pub(super) fn first_sentence(description: &str) -> Option<String> {
    // `HTTPヘッダーの一つ。ブラウザが…`: a sentence that only names the kind is skipped; the
    // next says what the thing does.
    let mut sentences = description.split_inclusive('。').map(str::trim).filter(|s| !s.is_empty());
    let first = sentences.next()?;
    let kind_only = ["の一つ。", "の1つ。", "の一種。", "のひとつ。"].iter().any(|k| first.ends_with(k));
    let first = if kind_only { sentences.next()? } else { first };
    let first = first.split(" ・").next()?.trim();
    let chars = first.chars().count();
    // `(スタンダード / コンバーティブル)(数年間契約…)` is an aside, not what the thing is.
    ((super::MIN_CHOICE_CHARS..=super::CHOICE_CHARS).contains(&chars) && !aside(first))
        .then(|| first.to_owned())
}

/// Whether `c` is a kanji (CJK unified ideographs).
pub(super) fn is_kanji(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The scripts a name's words are written in ([`script_runs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Katakana,
    Kanji,
    Latin,
}

/// The runs of one script in `text` (katakana, kanji, or Latin letters and digits; two
/// characters or more, three for Latin), normalized and lowercased.
fn script_runs(text: &str) -> Vec<(Script, String)> {
    use crate::search::kana::is_katakana;
    let script = |c: char| match c {
        _ if is_katakana(c) => Some(Script::Katakana),
        _ if is_kanji(c) => Some(Script::Kanji),
        _ if c.is_ascii_alphanumeric() => Some(Script::Latin),
        _ => None,
    };
    let chars: Vec<char> = crate::search::analyzer::normalize(text).to_lowercase().chars().collect();
    chars
        .chunk_by(|a, b| script(*a) == script(*b))
        .filter_map(|run| {
            let s = script(run[0])?;
            (run.len() >= if s == Script::Latin { 3 } else { 2 }).then(|| (s, run.iter().collect()))
        })
        .collect()
}

/// The runs of `name` ([`script_runs`]) that `other`'s name lacks: what tells the one from the
/// other (`メモリ` of メモリ最適化 beside ストレージ最適化; 最適化 both have).
fn telling_runs(name: &str, other: &str) -> Vec<String> {
    let theirs: Vec<String> = script_runs(other).into_iter().map(|(_, r)| r).collect();
    script_runs(name).into_iter().map(|(_, r)| r).filter(|r| !theirs.contains(r)).collect()
}

/// Whether `text` says what tells `name` from `other` ([`telling_runs`]): a use that says
/// インメモリ points to メモリ最適化, wherever the notes file it (readers of session 19 failed
/// the storage-optimised question with メモリ最適化 among its choices in two of four samples).
pub(super) fn says_name_of(text: &str, name: &str, other: &str) -> bool {
    let text = crate::search::analyzer::normalize(text).to_lowercase();
    telling_runs(name, other).iter().any(|r| text.contains(r.as_str()))
}

/// Whether a false statement is much longer than every true one ([`LONGEST`]): picked out by
/// its length alone (readers of session 21's samples 46 and 49 marked the ReplicaSet definition,
/// 68 characters, under Topology Spread Constraints beside 35–49).
pub(super) fn stands_out(statement: &str, true_ones: &[String]) -> bool {
    let longest = true_ones.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    statement.chars().count() as f64 > LONGEST * longest as f64
}

/// Most a false statement may outrun the longest true one before another is preferred.
pub(super) const LONGEST: f64 = 1.25;

/// Whether sibling `n`'s statement `s` says a word of `n`'s name that the asked thing's name and
/// text lack: 「インスタンスを起動する際に、EBSが割り当てられる」 under instance store, 「…同じスペック
/// のラックであり」 under the Outposts server. The statement says whose it is (readers of session
/// 21's sample 46 marked both giveaways). A word the asked thing's text has too (インスタンス, 起動),
/// other than in the sibling's name, tells nothing.
pub(super) fn names_its_own(s: &str, n: &Name, asked: &Name) -> bool {
    // Its text less where it names the sibling (「Outpostsラックよりも…」 in the server's).
    let text = mask(&asked.description, &variants(&n.term));
    let mine = normalize(&format!("{} {text}", asked.term)).to_lowercase();
    let said = normalize(s).to_lowercase();
    words_of(&n.term).iter().any(|w| !mine.contains(w.as_str()) && said.contains(w.as_str()))
}

/// The words of a name in Latin letters or katakana ([`script_runs`]: `Outpostsラック` →
/// outposts, ラック). A name's kanji (起動 of 起動テンプレート) are the notes' everyday words.
pub(super) fn words_of(term: &str) -> Vec<String> {
    script_runs(term).into_iter().filter(|(s, _)| *s != Script::Kanji).map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_word_tagline_is_generic_and_a_phrase_is_not() {
        for generic in ["ストレージ", "HTTP", "プロトコル"] {
            assert!(one_word(generic), "{generic}");
        }
        for telling in
            ["完全個室", "タスク処理", "SFTPサーバー", "ライブストリーミング", "オブジェクトのアクセス権"]
        {
            assert!(!one_word(telling), "{telling}");
        }
    }

    #[test]
    fn an_aside_that_starts_a_list_is_left_out_and_other_brackets_stay() {
        assert_eq!(
            clean("サーバーのプロセッサーと(CPUや)メモリーに直接アクセス可能。"),
            "サーバーのプロセッサーとメモリーに直接アクセス可能。"
        );
        assert_eq!(clean("インスタンスの(オンデマンドやスポットなどの)種類"), "インスタンスの種類");
        for kept in ["秒単位 (最低 60 秒) で支払う", "AMI(イメージファイル)から起動", "公開(EC2等)する"]
        {
            assert_eq!(clean(kept), kept);
        }
    }

    #[test]
    fn a_note_inside_brackets_ends_with_them_and_takes_them_along_when_alone() {
        assert_eq!(
            clean("一定時間だけアクセスを許可 (※オブジェクトのアップロードに利用できる)"),
            "一定時間だけアクセスを許可"
        );
        assert_eq!(clean("許可する (S3のみ ※署名が要る) 。次の文。"), "許可する (S3のみ )。次の文。");
        assert_eq!(clean("停止できる。※注意。再開できる。"), "停止できる。再開できる。");
    }

    #[test]
    fn a_use_that_says_a_choices_own_name_points_to_it() {
        let clue = "NoSQL データベース、インメモリデータベース、データウェアハウスなど";
        assert!(says_name_of(clue, "メモリ最適化", "ストレージ最適化"));
        // What both names say tells nothing, and the asked thing's own words are not the other's.
        assert!(!says_name_of("処理を最適化したい", "メモリ最適化", "ストレージ最適化"));
        assert!(!says_name_of(clue, "コンピューティング最適化", "ストレージ最適化"));
        assert!(!says_name_of(clue, "高速コンピューティング", "ストレージ最適化"));
    }
}
