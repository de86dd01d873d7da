//! Putting a question together: distinct choices in a stable order, the stem masked of every
//! spelling of the answer, and the checks that nothing leaks.

use super::*;

/// Up to three distractors that differ from the answer and from each other (after normalizing).
pub(super) fn distinct_choices(answer: &str, candidates: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::from([key(answer)]);
    candidates.filter(|c| !c.trim().is_empty() && seen.insert(key(c))).take(3).collect()
}

pub(super) fn key(choice: &str) -> String {
    normalize(choice).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Assembles a question with its choices in an order fixed by its id.
pub(super) fn build(
    section: &Section,
    kind: &str,
    extra: &str,
    question: String,
    answer: String,
    distractors: Vec<String>,
    explanation: &str,
) -> Option<Question> {
    // A wrong choice the quote names (`OAIより詳細に…` with OAI offered) is ruled out by reading:
    // it is not offered. The frame around the quote names the heading all choices share
    // (`WorkSpaces Familyについて、` for WorkSpaces and WorkSpaces Core) and rules out nothing.
    let quoted = match (question.find('「'), question.rfind('」')) {
        (Some(a), Some(b)) if a < b => &question[a..b],
        _ => question.as_str(),
    };
    let stem = key(quoted);
    let distractors: Vec<String> = distractors.into_iter().filter(|d| !stem.contains(&key(d))).collect();
    // Three of a kind (three compared columns, a name with two siblings) make a three-choice
    // question: better than a fourth choice of another kind.
    if distractors.len() < 2 || answer.trim().is_empty() {
        return None;
    }
    let digest = Sha256::digest(format!("{}\0{kind}\0{extra}", section.id).as_bytes());
    let id = format!("q{}", digest.iter().take(5).map(|b| format!("{b:02x}")).collect::<String>());
    let mut choices = distractors;
    choices.push(answer.clone());
    let seed = u64::from_le_bytes(digest[..8].try_into().unwrap_or([0; 8]));
    choices.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let answer_index = choices.iter().position(|c| *c == answer)?;
    Some(Question {
        id,
        question,
        choices,
        answer_index,
        explanation: balanced(&shorten(&table::render_row(explanation), 200)),
        source: section.citation(),
        kind: kind.to_owned(),
        section_id: section.id.clone(),
        choice_notes: Vec::new(),
        source_digest: String::new(),
    })
}

/// The choices without their closing 「。」 when the answer alone ends with one, or alone does
/// not: the odd one out is picked by its look (the one table cell among sentences, which session
/// 18's readers marked a giveaway).
pub(super) fn even_endings(q: &mut Question) {
    let ends = |c: &String| c.ends_with('。');
    let answer = q.choices.get(q.answer_index).is_some_and(ends);
    let odd = q.choices.iter().enumerate().all(|(i, c)| i == q.answer_index || ends(c) != answer);
    if odd {
        for choice in &mut q.choices {
            if let Some(plain) = choice.strip_suffix('。') {
                *choice = plain.to_owned();
            }
        }
    }
}

/// `text` without a trailing part that opens a bracket it does not close (a shortened
/// explanation cut inside `( ・…`): the longest run of whole sentences that is balanced.
pub(super) fn balanced(text: &str) -> String {
    if crate::quiz::quality::markup(text).is_none_or(|m| !m.ends_with("unbalanced")) {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut best = String::new();
    for sentence in text.split_inclusive(['。', ')', '）']) {
        out.push_str(sentence);
        if crate::quiz::quality::markup(&out).is_none_or(|m| !m.ends_with("unbalanced")) {
            best = out.clone();
        }
    }
    let best = best.trim().trim_end_matches(['(', '（', '・', ' ']).to_owned();
    if best.is_empty() {
        text.to_owned()
    } else {
        best
    }
}

/// The spellings of a term that would give it away: as written, without the parenthesised
/// gloss, the gloss alone, without spaces, and its other names from the alias table.
pub(super) fn variants(term: &str) -> Vec<String> {
    // Every sibling of a name asks for its spellings: looking up its aliases was a quarter of
    // the time generating the pool took.
    thread_local!(static SEEN: crate::quiz::Memo<String, Vec<String>> = Default::default());
    crate::quiz::memoized(&SEEN, term.to_owned(), || variants_uncached(term))
}

fn variants_uncached(term: &str) -> Vec<String> {
    let term = term.trim().trim_start_matches(|c: char| ('\u{2460}'..='\u{2473}').contains(&c));
    let mut out = vec![term.to_owned()];
    for (open, close) in [('(', ')'), ('（', '）'), ('【', '】')] {
        if let (Some(a), Some(b)) = (term.find(open), term.rfind(close)) {
            if a < b {
                out.push(format!("{}{}", &term[..a], &term[b + close.len_utf8()..]).trim().to_owned());
                out.push(term[a + open.len_utf8()..b].trim().to_owned());
            }
        }
    }
    out.push(term.replace(' ', ""));
    // `EC2Configサービス` is given away by `EC2Config` too.
    for generic in ["サービス", "機能", "ファイル", "モード"] {
        if let Some(head) = term.strip_suffix(generic) {
            out.push(head.trim().to_owned());
        }
    }
    out.extend(aliases::spellings(term));
    out.retain(|v| v.chars().count() >= 2);
    out.sort_by_key(|v| std::cmp::Reverse(v.len()));
    out.dedup();
    out
}

/// Replaces every variant in `text` with the mask (case-insensitive for Latin letters).
pub(super) fn mask(text: &str, variants: &[String]) -> String {
    let mut out = text.to_owned();
    for v in variants {
        let lower = out.to_ascii_lowercase();
        let needle = v.to_ascii_lowercase();
        let mut rebuilt = String::with_capacity(out.len());
        let mut at = 0;
        for (start, _) in lower.match_indices(&needle) {
            if start < at {
                continue;
            }
            rebuilt.push_str(&out[at..start]);
            rebuilt.push_str(MASK);
            at = start + needle.len();
        }
        rebuilt.push_str(&out[at..]);
        out = rebuilt;
    }
    out
}

/// True when the question text still gives the answer away: it says the answer, or a spelling
/// of it that no other choice has (`VPCのエンドポイントのうち` says エンドポイント, part of the
/// answer エンドポイントサービス and of every other choice, and gives away none of them).
pub(super) fn leaks(q: &Question) -> bool {
    let text = normalize(&q.question);
    let answer = q.answer();
    if matches!(q.kind.as_str(), "definition" | "number" | "statement" | "negation") {
        return text.contains(&normalize(answer));
    }
    let others: Vec<String> = q.wrong_choices().map(|c| normalize(c)).collect();
    let whole = normalize(answer);
    variants(answer)
        .iter()
        .map(|v| normalize(v))
        .any(|v| text.contains(&v) && (v == whole || !others.iter().any(|o| o.contains(&v))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(question: &str, choices: &[&str], answer_index: usize) -> Question {
        let section = crate::corpus::text::parse("n.txt", "VPC\n\n説明。\n").remove(0);
        let choices: Vec<String> = choices.iter().map(|c| c.to_string()).collect();
        let answer = choices[answer_index].clone();
        let distractors = choices.iter().filter(|c| **c != answer).cloned().collect();
        let mut q =
            build(&section, "comparison", question, question.to_owned(), answer, distractors, "").unwrap();
        q.choices = choices;
        q.answer_index = answer_index;
        q
    }

    #[test]
    fn a_spelling_every_choice_has_gives_nothing_away_and_the_answer_itself_does() {
        let kinds = ["VPCエンドポイント", "エンドポイントサービス", "サービスエンドポイント"];
        // エンドポイント (the answer without its generic サービス) is in every choice.
        let shared = asked("VPCのエンドポイントのうち、承諾制が「あり」なのはどれ？", &kinds, 1);
        assert!(!leaks(&shared));
        // The answer's whole name in the frame gives it away, even inside the other choices.
        let workspaces = ["WorkSpaces", "WorkSpaces Core", "WorkSpaces Secure Browser"];
        assert!(leaks(&asked("WorkSpaces Familyについて、「KVM」が特徴のものはどれ？", &workspaces, 0)));
        // A spelling only the answer has gives it away.
        let ec2 = ["EC2Configサービス", "ユーザーデータ", "起動テンプレート"];
        assert!(leaks(&asked("EC2Configの説明に当てはまるものはどれ？", &ec2, 0)));
    }

    #[test]
    fn no_choice_stands_out_by_its_full_stop() {
        let mut odd = asked(
            "署名付きURLの説明は？",
            &["アクセス権を付与する。", "一定時間だけアクセスを許可", "詳細に制御できる。"],
            1,
        );
        even_endings(&mut odd);
        assert_eq!(odd.choices, ["アクセス権を付与する", "一定時間だけアクセスを許可", "詳細に制御できる"]);
        // The answer alone with one stands out as much.
        let mut alone = asked("どれ？", &["一定時間だけ許可する。", "付与", "制御"], 0);
        even_endings(&mut alone);
        assert_eq!(alone.choices, ["一定時間だけ許可する", "付与", "制御"]);
        // Mixed among the wrong choices too: nothing tells the answer, nothing changes.
        let mut mixed = asked("どれ？", &["付与する。", "許可", "制御"], 1);
        even_endings(&mut mixed);
        assert_eq!(mixed.choices, ["付与する。", "許可", "制御"]);
    }
}
