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

/// Name choices in one form, when only some have a gloss in brackets (`Elastic Fabric Adapter
/// (EFA)` beside ENA and ENI, `EC2(Elastic Compute Cloud)` beside Lambda and Batch): the odd one
/// out is the answer more often than not, and readers of session 21's samples 46 and 47 marked 8
/// such questions as giveaways. A glossed choice shows its name, or the gloss when that is
/// written as the others are (`ReplicaSet` of `レプリカセット(ReplicaSet)` beside Topology Spread
/// Constraints; `EFA` beside ENA). The choice notes follow; the explanation keeps the notes'
/// spelling. AWS's prefix stays: `Amazon Connect` is how the gazetteer tells the service from
/// the word.
pub(super) fn even_forms(q: &mut Question) {
    if !matches!(q.kind.as_str(), "term" | "item" | "scenario" | "feature" | "comparison") {
        return;
    }
    let forms: Vec<Vec<String>> = q.choices.iter().map(|c| forms_of(c)).collect();
    let glossed = forms.iter().filter(|f| f.len() > 1).count();
    if glossed == 0 || glossed == q.choices.len() {
        return;
    }
    let plain: Vec<&str> = forms.iter().filter(|f| f.len() == 1).map(|f| f[0].as_str()).collect();
    let most = |test: fn(&str) -> bool| plain.iter().filter(|p| test(p)).count() * 2 > plain.len();
    let (latin, acronyms) = (most(is_latin), most(is_acronym));
    let shown: Vec<String> = q
        .choices
        .iter()
        .zip(&forms)
        .map(|(choice, forms)| {
            // The name first; its gloss when only the gloss is written as the others are.
            forms[1..]
                .iter()
                .min_by_key(|f| (is_latin(f) != latin, acronyms && !is_acronym(f)))
                .cloned()
                .unwrap_or_else(|| choice.clone())
        })
        .collect();
    let distinct: HashSet<String> = shown.iter().map(|c| key(c)).collect();
    if distinct.len() < shown.len() || shown.iter().any(|c| c.trim().is_empty()) {
        return;
    }
    show_choices(q, shown);
}

/// The choices shown as `shown` (in order), each choice note following its choice's new name
/// (`Elastic Fabric Adapter (EFA) — …` → `EFA — …`).
pub(super) fn show_choices(q: &mut Question, shown: Vec<String>) {
    for (note, (old, new)) in q.choice_notes.iter_mut().zip(q.choices.iter().zip(&shown)) {
        if let Some(rest) = note.strip_prefix(&format!("{old} — ")) {
            *note = format!("{new} — {rest}");
        }
    }
    q.choices = shown;
}

/// The name a stem asks about: without a Japanese gloss of a Latin name (`Linear (等分分割)` →
/// Linear), which says in the stem what the true choices say (「等しい増分で分割」: reader 47
/// marked it a giveaway). Other glosses stay (`起動制約 (Launch Constraint)` tells the row from
/// the `●起動制約` it sits under).
pub(super) fn asked_name(term: &str) -> &str {
    let Some((name, gloss)) = trailing_gloss(term) else { return term };
    if is_latin(name) && !is_latin(gloss) && !name.trim().is_empty() {
        name.trim()
    } else {
        term
    }
}

/// A choice as written, then the forms it could be shown in: the name before a closing bracket
/// and the gloss in it (`EKS Anywhere (EKS-A)`), or the choice without its brackets when they
/// stand inside it (`SSH(セキュアシェル)キー(公開鍵/秘密鍵)` → SSHキー). One form: no brackets.
pub fn forms_of(choice: &str) -> Vec<String> {
    let text = choice.replace('（', "(").replace('）', ")");
    if !text.contains('(') {
        return vec![choice.to_owned()];
    }
    if let Some((name, gloss)) = trailing_gloss(&text) {
        if !name.contains('(') && !name.trim().is_empty() && !gloss.trim().is_empty() {
            return vec![choice.to_owned(), name.trim().to_owned(), gloss.trim().to_owned()];
        }
    }
    let mut bare = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => bare.push(c),
            _ => {}
        }
    }
    vec![choice.to_owned(), bare.trim().to_owned()]
}

/// A name and the gloss in the brackets that close it (`Linear (等分分割)`).
fn trailing_gloss(text: &str) -> Option<(&str, &str)> {
    text.strip_suffix(')')?.rsplit_once('(')
}

/// Mostly ASCII letters (`Topology Spread Constraints`, `ReplicaSet`).
fn is_latin(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
    text.chars().filter(|c| c.is_ascii_alphanumeric()).count() * 2 > letters
}

/// An abbreviation of two characters or more (`ENA`, `EKS-A`, `EC2`), as the gazetteer reads one.
fn is_acronym(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() >= 2 && crate::search::gazetteer::is_abbreviation(t)
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
    fn name_choices_are_shown_in_one_form() {
        let evened = |kind: &str, choices: &[&str], answer: usize| {
            let mut q = asked("どれ？", choices, answer);
            q.kind = kind.to_owned();
            q.choice_notes = choices.iter().map(|c| format!("{c} — 説明 (L1)")).collect();
            even_forms(&mut q);
            (q.choices, q.choice_notes)
        };
        // The gloss when only it is written as the others are: capitals beside capitals, Latin
        // letters beside Latin letters; else the name. The notes follow.
        let (efa, notes) = evened("term", &["Elastic Fabric Adapter (EFA)", "ENA", "ENI"], 0);
        assert_eq!(efa, ["EFA", "ENA", "ENI"]);
        assert_eq!(notes[0], "EFA — 説明 (L1)");
        let (ec2, _) = evened("term", &["Lambda", "EC2(Elastic Compute Cloud)", "Batch"], 1);
        assert_eq!(ec2, ["Lambda", "EC2", "Batch"]);
        let replica =
            ["レプリカセット(ReplicaSet)", "Kubernetes Cluster Autoscaler", "Topology Spread Constraints"];
        assert_eq!(evened("item", &replica, 0).0[0], "ReplicaSet");
        let ssh =
            ["SSH(セキュアシェル)キー(公開鍵/秘密鍵)", "インスタンスメタデータ", "EC2 Instance Connect"];
        assert_eq!(evened("item", &ssh, 0).0[0], "SSHキー");
        // Even already (every choice glossed), or not a name question: as written.
        let glossed = [
            "起動制約 (Launch Constraint)",
            "通知制約 (Notification Constraint)",
            "タグ更新制約 (Tag Update)",
        ];
        assert_eq!(evened("term", &glossed, 0).0, glossed);
        let sentences = ["通常のクラウド(AWS)と同じ。", "ラックである。", "電力が小さい。"];
        assert_eq!(evened("negation", &sentences, 0).0, sentences);
    }

    #[test]
    fn a_stem_asks_a_latin_name_without_its_japanese_gloss() {
        assert_eq!(asked_name("Linear (等分分割)"), "Linear");
        assert_eq!(asked_name("起動制約 (Launch Constraint)"), "起動制約 (Launch Constraint)");
        assert_eq!(asked_name("EKS Anywhere (EKS-A)"), "EKS Anywhere (EKS-A)");
        assert_eq!(asked_name("OAC"), "OAC");
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
