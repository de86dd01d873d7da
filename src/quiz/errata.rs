//! Places where the notes say something AWS does not (`dict/errata.tsv`, each entry with AWS's
//! own documentation as its source). The notes stay as written, so cited lines stay the group's
//! lines; the quiz does not teach the mistake: a question that would key it as the right answer
//! is not asked ([`Action::Skip`]), and one that only shows it says so in its reveal
//! ([`Action::Note`]). A sentence the notes write of one thing that AWS says of its siblings too
//! ([`Action::Shared`]) is asked only as what it is: never as a wrong choice, nor as a clue among
//! names.

use std::sync::OnceLock;

use super::Question;
use crate::search::analyzer::normalize;

/// The bundled list.
pub const BUNDLED: &str = include_str!("../../dict/errata.tsv");

/// What the quiz does with a question that holds an erratum's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Not asked when the text is in the stem or the right answer.
    Skip,
    /// Asked; the reveal adds the correction.
    Note,
    /// True of the thing the notes file it under and of its siblings too (Dedicated Instance's
    /// 「他のAWSアカウントから分離された物理サーバ」, true of a Dedicated Host and a bare-metal
    /// instance as well): not asked as a wrong choice or a clue among names, where two choices
    /// would be right; asked as the thing's own fact, with the note in the reveal.
    Shared,
}

/// One place where the notes are wrong.
#[derive(Debug, Clone)]
pub struct Erratum {
    /// The notes' text, normalized.
    pub text: String,
    pub action: Action,
    pub correction: String,
    /// For [`Action::Shared`], the names it is also true of (normalized; empty: every sibling).
    pub also: Vec<String>,
}

/// A line of a bundled list (`dict/errata.tsv`, `dict/retired.tsv`) that cannot be read, with
/// its number (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} line {line}: {why}")]
pub struct BadLine {
    pub file: &'static str,
    pub line: usize,
    pub why: String,
}

/// One data line of a bundled list: its number and its tab-separated columns, trimmed.
pub(super) struct Row<'a> {
    file: &'static str,
    line: usize,
    pub columns: Vec<&'a str>,
}

impl Row<'_> {
    /// This line's error.
    pub fn bad(&self, why: &str) -> BadLine {
        BadLine { file: self.file, line: self.line, why: why.to_owned() }
    }
}

/// The data lines of the bundled list `file` (`#` comments and blank lines skipped).
pub(super) fn rows<'a>(file: &'static str, text: &'a str) -> impl Iterator<Item = Row<'a>> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(move |(i, line)| Row { file, line: i + 1, columns: line.split('\t').map(str::trim).collect() })
}

/// Parses the tab-separated lines (`#` comments and blank lines skipped).
pub fn parse(text: &str) -> Result<Vec<Erratum>, BadLine> {
    let mut out = Vec::new();
    for row in rows("dict/errata.tsv", text) {
        let bad = |why: &str| row.bad(why);
        let (text, action, correction, source, also) = match row.columns[..] {
            [text, action, correction, source] => (text, action, correction, source, ""),
            [text, "shared", correction, source, also] => (text, "shared", correction, source, also),
            _ => {
                return Err(bad(
                    "expected 4 tab-separated columns (text, skip|note|shared, correction, source), and \
                     for shared an optional 5th: the names it is also true of, split by |",
                ))
            }
        };
        let action = match action {
            "skip" => Action::Skip,
            "note" => Action::Note,
            "shared" => Action::Shared,
            other => return Err(bad(&format!("action `{other}`: expected skip, note or shared"))),
        };
        if text.is_empty() || correction.is_empty() || source.is_empty() {
            return Err(bad("empty column"));
        }
        let also = also.split('|').map(str::trim).filter(|n| !n.is_empty()).map(normalize).collect();
        out.push(Erratum { text: normalize(text), action, correction: correction.to_owned(), also });
    }
    Ok(out)
}

fn bundled() -> &'static [Erratum] {
    static LIST: OnceLock<Vec<Erratum>> = OnceLock::new();
    // The list is compiled in and checked by the tests: a line that does not parse is a build
    // defect, caught by `the_bundled_list_parses`, never silently dropped.
    LIST.get_or_init(|| parse(BUNDLED).unwrap_or_else(|e| panic!("{e}")))
}

/// Whether `q` would teach a mistake of the notes as its fact: a [`Action::Skip`] erratum's text
/// is in its stem (with its blanks filled in: `1リージョンにVPCは（　）まで` keys `5つ`, a masked
/// name `〇〇` is the answer's) or its
/// right answer. Or it would make two choices right: a [`Action::Shared`] text is in its stem or
/// in a choice it keys as wrong.
pub fn teaches_mistake(q: &Question) -> bool {
    let stem = q.question.replace(BLANK, q.answer()).replace(super::quality::MASK, q.answer());
    let taught = normalize(&format!("{stem}\n{}", q.answer()));
    let false_ones: Vec<String> = q.false_choices().map(|c| normalize(c)).collect();
    let stem = normalize(&stem);
    let wrong: Vec<String> = q.wrong_choices().map(|c| normalize(c)).collect();
    bundled().iter().any(|e| match e.action {
        Action::Skip => taught.contains(&e.text),
        // Limited to the names it is also true of, when the list names them: as a clue, when one
        // of them is a wrong choice; as a false choice, when the question asks about one.
        Action::Shared => {
            let beside_one = e.also.is_empty() || e.also.iter().any(|n| wrong.contains(n));
            let about_one = e.also.is_empty() || e.also.iter().any(|n| stem.contains(n.as_str()));
            (stem.contains(&e.text) && beside_one)
                || (about_one && false_ones.iter().any(|c| c.contains(&e.text)))
        }
        Action::Note => false,
    })
}

/// The blank of a number question (`generate::numbers`).
pub(super) const BLANK: &str = "（　）";

/// `text` without its sentences (to `。`) that hold a [`Action::Skip`] erratum's text: what the
/// notes say of a thing, less what they get wrong, for the generator to ask about.
/// A `【…】` tagline that holds one goes alone (ECS's 【フルマネージドk8s】 before its defining
/// sentence), whichever of a thing's taglines it is.
pub fn without_mistakes(text: &str) -> String {
    let wrong = |part: &str| {
        let part = normalize(part);
        bundled().iter().any(|e| e.action == Action::Skip && part.contains(&e.text))
    };
    let tags = text.split_inclusive('】').filter_map(|s| s.rfind('【').map(|at| &s[at..]));
    let mut rest = text.to_owned();
    for tag in tags.filter(|tag| tag.ends_with('】') && wrong(tag)) {
        rest = rest.replacen(tag, "", 1);
    }
    // A sentence to `。`, or a bullet (`・…`) within one: a wrong bullet goes without the right
    // one before it (EC2's 「・垂直スケール時、…停止する必要がある・コストを最小化するためには…」).
    let parts = rest.split_inclusive('。').flat_map(|sentence| {
        let starts: Vec<usize> =
            std::iter::once(0).chain(sentence.match_indices('・').map(|(at, _)| at)).collect();
        let ends = starts.iter().skip(1).copied().chain(std::iter::once(sentence.len()));
        starts.iter().zip(ends).map(|(&a, b)| &sentence[a..b]).filter(|p| !p.is_empty()).collect::<Vec<_>>()
    });
    let kept: String = parts.filter(|s| !wrong(s)).collect();
    kept.trim().to_owned()
}

/// The corrections for every erratum whose text `q` teaches (stem, right answer, explanation),
/// in the list's order. A wrong choice that holds one is marked wrong already: a correction about
/// it read as misplaced to a reader (the whitelist header's note under a Cache-Control question).
pub fn corrections(q: &Question) -> Vec<&'static str> {
    let shown = normalize(&format!("{}\n{}\n{}", q.question, q.answer(), q.explanation));
    let mut notes: Vec<&'static str> = Vec::new();
    // Two places that one correction answers (Dedicated Instance's two sentences) show it once.
    for e in bundled().iter().filter(|e| shown.contains(&e.text)) {
        if !notes.contains(&e.correction.as_str()) {
            notes.push(e.correction.as_str());
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(stem: &str, choices: &[&str], answer_index: usize, explanation: &str) -> Question {
        Question {
            id: "q0".into(),
            question: stem.into(),
            choices: choices.iter().map(|c| c.to_string()).collect(),
            answer_index,
            explanation: explanation.into(),
            source: crate::corpus::Citation {
                source: "aws-notes.txt".into(),
                path: vec![],
                line_start: 1,
                line_end: 1,
            },
            kind: "term".into(),
            section_id: "s".into(),
            choice_notes: vec![],
            source_digest: String::new(),
        }
    }

    #[test]
    fn the_bundled_list_parses() {
        let list = parse(BUNDLED).expect("dict/errata.tsv parses");
        assert!(list.iter().any(|e| e.action == Action::Skip));
        assert!(list.iter().any(|e| e.action == Action::Note));
        assert!(list.iter().any(|e| e.action == Action::Shared));
    }

    #[test]
    fn a_blank_is_read_filled_in() {
        // The quota the list skips, asked as a number blank: the stem alone does not hold it.
        let number = question(
            "空欄に入るのはどれ？（VPC）\n「1リージョンにVPCは（　）まで。」",
            &["4つ", "5つ"],
            1,
            "",
        );
        assert!(teaches_mistake(&number));
        let masked =
            question("次の説明に当てはまるものはどれ？\n「〇〇k8s」", &["ECS", "フルマネージド"], 1, "");
        assert!(teaches_mistake(&masked), "〇〇 is the answer's name");
        let other =
            question("空欄に入るのはどれ？\n「1リージョンにVPCは（　）まで。」", &["4つ", "6つ"], 1, "");
        assert!(!teaches_mistake(&other), "another number is not the skipped text");
    }

    #[test]
    fn a_sentence_true_of_siblings_too_is_asked_only_as_its_things_own() {
        let text = "他のAWSアカウントから分離された物理サーバにインスタンスを起動することができる。";
        // As a clue among names, two names fit; as a wrong choice, it is true of the one asked.
        let clue = question(
            &format!("EC2について、次の説明に当てはまるものはどれ？\n「{text}」"),
            &["Dedicated Instance", "EC2 Dedicated Host"],
            0,
            "",
        );
        assert!(teaches_mistake(&clue));
        let wrong = question(
            "「ベアメタル型インスタンス」の説明として正しいものはどれ？",
            &["直接アクセス可能", text],
            0,
            "",
        );
        assert!(teaches_mistake(&wrong));
        // As the asked thing's own definition it is right, and the reveal adds the note.
        let own = question(
            "「Dedicated Instance」の説明として正しいものはどれ？",
            &["直接アクセス可能", text],
            1,
            text,
        );
        assert!(!teaches_mistake(&own));
        assert!(corrections(&own).iter().any(|c| c.contains("Dedicated Host")), "{:?}", corrections(&own));
        // Both of its sentences shown: one correction answers both, and it is shown once.
        let both = format!("{text}別アカウントのEC2インスタンスが同じサーバ上で起動しないことを保証する。");
        let own_both = question(
            "「Dedicated Instance」の説明として正しいものはどれ？",
            &["直接アクセス可能", text],
            1,
            &both,
        );
        assert_eq!(corrections(&own_both).len(), 1, "{:?}", corrections(&own_both));
        // In a negation the answer is the false one: there it may not be; a true choice may.
        let mut negation = question(
            "「ベアメタル型インスタンス」について誤っているものはどれ？",
            &["直接アクセス可能", text],
            1,
            "",
        );
        negation.kind = "negation".into();
        assert!(teaches_mistake(&negation));
        negation.question = "「Dedicated Instance」について誤っているものはどれ？".into();
        negation.answer_index = 0;
        assert!(!teaches_mistake(&negation));
    }

    #[test]
    fn a_shared_sentence_that_names_what_it_is_true_of_is_kept_out_only_beside_those() {
        // ECS's lead text is listed as true of EKS only: beside EKS it is out, beside ECR it is
        // a fair wrong choice, and as a clue it is out only when EKS is offered.
        let ecs = "稼働させるDockerをAWS が管理し、コンテナ化されたアプリケーションを実行するマイクロサービスを構築する。";
        let of_eks =
            question("「EKS」について正しいものはどれ？", &["Kubernetesをマネージドで使える。", ecs], 0, "");
        assert!(teaches_mistake(&of_eks));
        let of_ecr = question("「ECR」について正しいものはどれ？", &["イメージを保存できる。", ecs], 0, "");
        assert!(!teaches_mistake(&of_ecr));
        let clue = |choices: &[&str]| {
            question(&format!("次の説明に当てはまるものはどれ？\n「{ecs}」"), choices, 0, "")
        };
        assert!(teaches_mistake(&clue(&["ECS", "EKS", "ECR"])));
        assert!(!teaches_mistake(&clue(&["ECS", "ECR", "Copilot"])));
    }

    #[test]
    fn a_malformed_line_names_its_line_and_what_is_wrong() {
        let err = parse("# comment\nfoo\tmaybe\t訂正\tsource\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.why.contains("maybe"), "{err}");
        assert!(parse("foo\tskip\t訂正\n").unwrap_err().why.contains("4 tab-separated"));
        // Only a shared entry takes the names it is also true of.
        assert!(parse("foo\tskip\t訂正\tsrc\tEKS\n").is_err());
        let shared = parse("foo\tshared\t訂正\tsrc\tＥＫＳ | ECR\n").unwrap();
        assert_eq!(shared[0].also, vec!["eks".to_owned(), "ecr".to_owned()], "normalized as the texts are");
    }

    #[test]
    fn a_mistake_keyed_as_the_answer_is_not_taught_and_one_shown_is_corrected() {
        // Full-width letters in the stem match the list's half-width text.
        let keyed = question("「フルマネージドｋ８ｓ」が特徴のものはどれ？", &["ECS", "EKS", "ECR"], 0, "");
        assert!(teaches_mistake(&keyed));
        // The same text as a wrong choice teaches nothing and gets no note (it is marked wrong
        // already); a note erratum never stops a question, and its text in the explanation or
        // the right answer gets the correction.
        let shown = question(
            "「ECRのスキャンタイプ」について正しいものはどれ？",
            &["手動スキャンもある。", "フルマネージドk8s"],
            0,
            "スキャンタイプ — 手動スキャン",
        );
        assert!(!teaches_mistake(&shown));
        let notes = corrections(&shown);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("基本スキャンと拡張スキャン"), "{notes:?}");
        let keyed_wrong = question("どれ？", &["a", "フルマネージドk8s"], 0, "a");
        assert!(corrections(&keyed_wrong).is_empty());
        let row = "作業途中から再開できるようにする機能。インスタンスがインターネットにアクセスするには、パブリックIPアドレスが必要となる。 ※注記";
        assert_eq!(without_mistakes(row), "作業途中から再開できるようにする機能。 ※注記");
        let tagged = "【フルマネージドk8s】 稼働させるDockerをAWSが管理する。";
        assert_eq!(without_mistakes(tagged), "稼働させるDockerをAWSが管理する。");
        // The wrong tagline goes wherever it stands; a right one before it stays.
        let second = "【コンテナ】 【フルマネージドk8s】 稼働させるDockerをAWSが管理する。";
        assert_eq!(without_mistakes(second), "【コンテナ】  稼働させるDockerをAWSが管理する。");
        // A wrong bullet goes alone, not with the right bullet before it in the same sentence.
        let bullets = "仮想サーバー。・垂直スケール時、停止する必要がある・インスタンスがインターネットにアクセスするには、パブリックIPアドレスが必要となる。・最後";
        assert_eq!(without_mistakes(bullets), "仮想サーバー。・垂直スケール時、停止する必要がある・最後");
        let clean = question("「停止保護」の説明として正しいものはどれ？", &["a", "b"], 0, "停止を防ぐ。");
        assert!(!teaches_mistake(&clean) && corrections(&clean).is_empty());
    }
}
