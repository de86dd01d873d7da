//! Questions → ranked sections.
//!
//! The question is normalized and analyzed with the same analyzers as the notes, and each term
//! becomes a weighted `SHOULD` clause on the title, heading-path and body fields (morphological and
//! bigram). Queries are never handed to tantivy's query parser: `"`, `:`, `(`, `AND`, `*` in a
//! question are just text, not syntax.

use std::collections::HashSet;

use lindera::error::LinderaError;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::{TextAnalyzer, TokenStream as _};
use tantivy::{IndexReader, ReloadPolicy, TantivyDocument, Term};

use super::aliases;
use super::analyzer::{self, normalize, terms};
use super::gazetteer::{self, Service};
use super::index::{IndexError, OpenIndex};
use super::loanwords;
use super::snippet;
use super::thesaurus::{self, Thesaurus};
use crate::corpus::Section;

/// Longest question accepted, in characters. Longer input is refused, not truncated: a pasted
/// page is not a question, and silently answering its first sentence would mislead.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most hits one search returns.
pub const MAX_LIMIT: usize = 50;

/// Field weights, tuned on the tuning sets `tests/questions/tuning*.toml` (never on the held-out
/// ones): `cargo run --release --example eval -- --tune`.
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    pub title: f32,
    pub path: f32,
    pub body: f32,
    pub title_bigram: f32,
    pub body_bigram: f32,
    pub path_bigram: f32,
    /// Factor on terms that come only from another spelling of a name (aliases), not from the
    /// question as typed.
    pub alias: f32,
    /// Score factor for a section that is only a heading line (no text of its own to answer with).
    pub heading_only: f32,
    /// Weight of adjacent question words found next to each other in the body.
    pub phrase: f32,
    /// Boost for a section the question names: the score is multiplied by `1 + title_coverage × n²`,
    /// where `n` ([`naming`]) is near 1 when the question is mostly the section's title.
    pub title_coverage: f32,
    /// Factor on words that come from the thesaurus (another word for what the member typed).
    pub related: f32,
    /// Factor on the bigrams of those words.
    pub related_bigram: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            title: 0.5,
            path: 0.5,
            body: 1.0,
            title_bigram: 0.0,
            body_bigram: 0.5,
            path_bigram: 0.5,
            heading_only: 0.5,
            phrase: 0.25,
            title_coverage: 2.0,
            alias: 0.5,
            related: 0.6,
            related_bigram: 0.3,
        }
    }
}

/// Ways a question is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing but white space.
    #[error("empty question: ask about the notes, e.g. `ハイバネーションとは`")]
    Empty,
    /// Longer than [`MAX_QUERY_CHARS`].
    #[error("question too long: {chars} characters (at most {MAX_QUERY_CHARS})")]
    TooLong { chars: usize },
    /// The index could not be searched or read (a damaged file, an I/O error): not the
    /// question's fault, and never reported as "nothing found".
    #[error("the search failed: {0}")]
    Failed(String),
}

impl QueryError {
    fn failed(what: &str, e: impl std::fmt::Display) -> QueryError {
        QueryError::Failed(format!("{what}: {e}"))
    }
}

/// One ranked section: DESIGN.md's `Hit` (the section without its text, a score and a snippet).
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    #[serde(flatten)]
    pub section: SectionRef,
    pub score: f32,
    pub snippet: String,
    /// The full section text, for composing answers (not part of the JSON shape).
    #[serde(skip)]
    pub text: String,
}

/// A section's identity and place, without its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionRef {
    pub id: String,
    pub source: String,
    pub path: Vec<String>,
    pub title: String,
    pub line_start: usize,
    pub line_end: usize,
    pub kind: crate::corpus::SectionKind,
}

impl From<&Section> for SectionRef {
    fn from(s: &Section) -> Self {
        SectionRef {
            id: s.id.clone(),
            source: s.source.clone(),
            path: s.path.clone(),
            title: s.title.clone(),
            line_start: s.line_start,
            line_end: s.line_end,
            kind: s.kind,
        }
    }
}

impl SectionRef {
    pub fn citation(&self) -> crate::corpus::Citation {
        crate::corpus::Citation {
            source: self.source.clone(),
            path: self.path.clone(),
            line_start: self.line_start,
            line_end: self.line_end,
        }
    }
}

/// A question after analysis: what it searches for and what it highlights.
#[derive(Debug, Clone, Default)]
pub struct Analyzed {
    pub normalized: String,
    /// Morphological terms and bigrams of the question as typed (no alias spellings added).
    pub typed_morph: Vec<String>,
    pub typed_bigrams: Vec<String>,
    /// For a question that asks what something is (「Xとは？」「Xって何」, or just a name), the
    /// character bigrams of X as typed and with its other spellings; empty otherwise.
    pub subject_typed: Vec<String>,
    pub subject_expanded: Vec<String>,
    /// The subject with an everyday word replaced by another word for it (`ec2の休止状態` →
    /// `ec2のハイバネーション`), as (typed, expanded) bigrams: a section titled with the other
    /// word is named too, a little less ([`REWRITE_NAMING`]).
    pub subject_rewrites: Vec<(Vec<String>, Vec<String>)>,
    pub morph: Vec<String>,
    pub bigrams: Vec<String>,
    /// Morphological terms of the thesaurus words related to the question (not already in
    /// `morph`): searched at a lower weight, never highlighted.
    pub related: Vec<String>,
    /// Each typed term the thesaurus knows, with the normalized words it relates it to: a section
    /// that has one of them covers that term ([`crate::answer::confidence`]).
    pub bridged: Vec<(String, Vec<String>)>,
    /// Character bigrams of those related words (Japanese only), for compounds the morphological
    /// analyzer keeps whole.
    pub related_bigrams: Vec<String>,
    /// How much each term of `typed_morph` says about which section answers: its inverse
    /// document frequency over the sections (a word the notes never use weighs the most).
    pub idf: Vec<f32>,
    /// The services the question names ([`gazetteer::named`]), and those of them the notes never
    /// mention: a question about those is not answered from some other section.
    pub services: Vec<&'static Service>,
    /// Related terms searched at full weight: the other words for a typed word the notes never
    /// use (`metadata` → メタデータ when the notes only write it in katakana).
    pub promoted: Vec<String>,
    pub absent: Vec<&'static Service>,
}

/// The live, searchable index: one reader for the process, a new searcher per question.
pub struct Searcher {
    open: OpenIndex,
    reader: IndexReader,
    morph: TextAnalyzer,
    bigram: TextAnalyzer,
    segmenter: lindera::segmenter::Segmenter,
    thesaurus: Thesaurus,
    /// Each title's bigrams and spellings, computed once per title ([`TitleBigrams`]).
    titles: std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<TitleBigrams>>>,
    pub weights: Weights,
}

impl Searcher {
    pub fn new(open: OpenIndex) -> Result<Searcher, IndexError> {
        let reader = open
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|source| IndexError::Tantivy { path: open.dir.clone(), source })?;
        let morph = analyzer::morph_analyzer()?;
        let thesaurus = Thesaurus::parse(thesaurus::BUNDLED);
        Ok(Searcher {
            reader,
            thesaurus,
            titles: Default::default(),
            morph,
            bigram: analyzer::bigram_analyzer(),
            segmenter: analyzer::segmenter()?,
            open,
            weights: Weights::default(),
        })
    }

    /// The manifest of the generation being searched.
    pub fn manifest(&self) -> &super::index::Manifest {
        &self.open.manifest
    }

    /// Checks and analyzes a question.
    pub fn analyze(&self, question: &str) -> Result<Analyzed, QueryError> {
        let question = question.trim();
        if question.is_empty() {
            return Err(QueryError::Empty);
        }
        let chars = question.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong { chars });
        }
        let normalized = normalize(question);
        let expanded = aliases::expand(&normalized);
        let dedup = |v: Vec<String>| {
            let mut seen = HashSet::new();
            v.into_iter().filter(|t| seen.insert(t.clone())).collect::<Vec<_>>()
        };
        // One segmentation per analyzer: the question as typed is the prefix of the expanded
        // text (aliases are appended after a space), and `content_only` keeps byte offsets.
        let typed_len = normalized.len();
        let mut morph_all = Vec::new();
        let mut morph_typed = Vec::new();
        let mut morph = self.morph.clone();
        let mut stream = morph.token_stream(&expanded);
        while stream.advance() {
            let token = stream.token();
            if token.offset_from < typed_len {
                morph_typed.push(token.text.clone());
            }
            morph_all.push(token.text.clone());
        }
        let segmentation = |e: LinderaError| QueryError::failed("segmenting the question", e);
        let content = analyzer::content_only(&self.segmenter, &expanded).map_err(segmentation)?;
        let typed_content = content.get(..typed_len).unwrap_or(&content);
        let subject =
            analyzer::subject(&self.segmenter, &normalized).map_err(segmentation)?.unwrap_or_default();
        let bridges = self.thesaurus.bridges(&self.morph, &morph_typed, &normalized);
        let mut bridged: Vec<(String, Vec<String>)> = Vec::new();
        for b in &bridges {
            for t in &b.typed {
                let others = b.others.iter().map(|o| o.to_string());
                match bridged.iter_mut().find(|(typed, _)| typed == t) {
                    Some((_, words)) => words.extend(others),
                    None => bridged.push((t.to_string(), others.collect())),
                }
            }
        }
        // Loanwords: English typed for a katakana word of the notes, or the reverse.
        for t in &morph_typed {
            let other_script = if t.len() >= 3 && t.chars().all(|c| c.is_ascii_alphabetic()) {
                loanwords::katakana_for(t)
            } else if t.chars().count() >= 3 && t.chars().all(super::kana::is_katakana) {
                loanwords::english_for(t)
            } else {
                Vec::new()
            };
            let other_script: Vec<String> =
                other_script.into_iter().filter(|w| !normalized.contains(w)).map(str::to_owned).collect();
            if other_script.is_empty() {
                continue;
            }
            match bridged.iter_mut().find(|(typed, _)| typed == t) {
                Some((_, words)) => words.extend(other_script),
                None => bridged.push((t.clone(), other_script)),
            }
        }
        // English written as separate words for what the notes write as one katakana compound
        // (`control plane` → コントロールプレーン): each run of adjacent English words, joined.
        let mut compounds: Vec<String> = Vec::new();
        let english_run = |t: &String| t.len() >= 3 && t.chars().all(|c| c.is_ascii_alphabetic());
        for run in morph_typed.split(|t| !english_run(t)).filter(|run| run.len() >= 2) {
            let parts: Vec<Option<&str>> =
                run.iter().map(|t| loanwords::katakana_for(t).first().copied()).collect();
            for start in 0..run.len() {
                for end in start + 2..=run.len() {
                    if let Some(joined) = parts[start..end].iter().copied().collect::<Option<Vec<&str>>>() {
                        compounds.push(joined.concat());
                    }
                }
            }
        }
        let related_text = bridged
            .iter()
            .flat_map(|(_, words)| words.iter().map(String::as_str))
            .chain(compounds.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        let morph_all = dedup(morph_all);
        let related = terms(&mut self.morph.clone(), &related_text)
            .into_iter()
            .filter(|t| !morph_all.contains(t))
            .collect::<Vec<_>>();
        let related_bigrams = terms(&mut self.bigram.clone(), &related_text)
            .into_iter()
            .filter(|t| !t.is_ascii())
            .collect::<Vec<_>>();
        Ok(Analyzed {
            related_bigrams: dedup(related_bigrams),
            idf: Vec::new(),
            services: Vec::new(),
            promoted: Vec::new(),
            absent: Vec::new(),
            bridged,
            related: dedup(related),
            typed_morph: dedup(morph_typed),
            typed_bigrams: dedup(terms(&mut self.bigram.clone(), typed_content)),
            subject_typed: dedup(terms(&mut self.bigram.clone(), &subject)),
            subject_expanded: dedup(terms(&mut self.bigram.clone(), &aliases::expand(&subject))),
            subject_rewrites: self
                .thesaurus
                .rewrites(&subject)
                .iter()
                .map(|r| {
                    // Not expanded with aliases: the rewrite is already another spelling.
                    let typed = dedup(terms(&mut self.bigram.clone(), r));
                    (typed.clone(), typed)
                })
                .collect(),
            morph: morph_all,
            bigrams: dedup(terms(&mut self.bigram.clone(), &content)),
            normalized,
        })
    }

    /// Ranks sections for a question; at most `limit` (capped at [`MAX_LIMIT`]) hits.
    pub fn search(&self, question: &str, limit: usize) -> Result<(Analyzed, Vec<Hit>), QueryError> {
        let mut analyzed = self.analyze(question)?;
        self.weigh(&mut analyzed)?;
        // tantivy panics on some kinds of damaged index files instead of returning an error; the
        // member gets "the search failed" rather than a dropped request.
        let hits =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.search_analyzed(&analyzed, limit)))
                .map_err(|panic| {
                    let message = panic
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| panic.downcast_ref::<&str>().copied())
                        .unwrap_or("a panic");
                    QueryError::failed("the index", message)
                })??;
        Ok((analyzed, hits))
    }

    /// The title's bigrams, from the cache or computed and cached. A poisoned lock (a panic in
    /// another search) only loses the cache: the bigrams are computed again.
    fn title_bigrams(&self, title: &str) -> std::sync::Arc<TitleBigrams> {
        if let Ok(cache) = self.titles.lock() {
            if let Some(t) = cache.get(title) {
                return t.clone();
            }
        }
        let computed = std::sync::Arc::new(TitleBigrams::new(title));
        if let Ok(mut cache) = self.titles.lock() {
            cache.insert(title.to_owned(), computed.clone());
        }
        computed
    }

    /// Fills in what the index says about the question's words: their IDF and which of the
    /// services it names the notes mention.
    fn weigh(&self, analyzed: &mut Analyzed) -> Result<(), QueryError> {
        let searcher = self.reader.searcher();
        let f = &self.open.fields;
        let docs = searcher.num_docs() as f32;
        let doc_freq = |field: Field, term: &str| {
            searcher
                .doc_freq(&Term::from_field_text(field, term))
                .map_err(|e| QueryError::failed("reading term statistics", e))
        };
        analyzed.idf = analyzed
            .typed_morph
            .iter()
            .map(|t| {
                let df = doc_freq(f.body, t)? as f32;
                Ok((1.0 + (docs - df + 0.5) / (df + 0.5)).ln())
            })
            .collect::<Result<_, QueryError>>()?;
        analyzed.services = gazetteer::named(&analyzed.normalized);
        let mut bigram = analyzer::bigram_analyzer();
        let mut absent = Vec::new();
        for service in &analyzed.services {
            let mut mentioned = false;
            for spelling in service.spellings() {
                let mut all = true;
                for term in terms(&mut bigram, &spelling.text) {
                    let df = doc_freq(f.body_bigram, &term)? + doc_freq(f.path_bigram, &term)?;
                    all &= df > 0;
                }
                mentioned |= all;
            }
            if !mentioned {
                absent.push(*service);
            }
        }
        analyzed.absent = absent;
        // A word the notes never use (in any section) is only found through its other words:
        // those are searched at full weight, as if typed.
        let mut promoted = Vec::new();
        for (i, t) in analyzed.typed_morph.iter().enumerate() {
            let never_used = doc_freq(f.body, t)? == 0 && doc_freq(f.title, t)? == 0;
            if !never_used || analyzed.idf.get(i).is_none() {
                continue;
            }
            for (_, words) in analyzed.bridged.iter().filter(|(typed, _)| typed == t) {
                for w in words {
                    promoted.extend(terms(&mut self.morph.clone(), w));
                }
            }
        }
        analyzed.promoted = promoted;
        Ok(())
    }

    /// The sections whose titles best match the question's words.
    fn title_candidates(
        &self,
        searcher: &tantivy::Searcher,
        analyzed: &Analyzed,
    ) -> Result<Vec<tantivy::DocAddress>, QueryError> {
        let f = &self.open.fields;
        let clauses: Vec<(Occur, Box<dyn Query>)> = analyzed
            .morph
            .iter()
            .chain(&analyzed.related)
            .map(|t| Term::from_field_text(f.title, t))
            .chain(analyzed.bigrams.iter().map(|t| Term::from_field_text(f.title_bigram, t)))
            .map(|term| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                (Occur::Should, q)
            })
            .collect();
        let collector = TopDocs::with_limit(TITLE_CANDIDATES).order_by_score();
        searcher
            .search(&BooleanQuery::new(clauses), &collector)
            .map(|top| top.into_iter().map(|(_, address)| address).collect())
            .map_err(|e| QueryError::failed("title search", e))
    }

    /// Ranks sections for an analyzed question. A question with no searchable terms (only
    /// punctuation, say) finds nothing rather than everything. A failure of the index is an
    /// error, never an empty list.
    pub fn search_analyzed(&self, analyzed: &Analyzed, limit: usize) -> Result<Vec<Hit>, QueryError> {
        let limit = limit.clamp(1, MAX_LIMIT);
        let f = &self.open.fields;
        let w = self.weights;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut add = |field: Field, term: &str, weight: f32| {
            if weight > 0.0 {
                let q = TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::WithFreqs);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), weight))));
            }
        };
        let typed = |list: &Vec<String>, t: &String| if list.contains(t) { 1.0 } else { w.alias };
        for t in &analyzed.morph {
            let k = typed(&analyzed.typed_morph, t);
            add(f.title, t, w.title * k);
            add(f.path, t, w.path * k);
            add(f.body, t, w.body * k);
        }
        for t in analyzed.related.iter().take(MOST_RELATED) {
            let k = if analyzed.promoted.contains(t) { 1.0 } else { w.related };
            add(f.title, t, w.title * k);
            add(f.body, t, w.body * k);
        }
        for t in analyzed.related_bigrams.iter().filter(|t| !analyzed.bigrams.contains(t)).take(MOST_RELATED)
        {
            add(f.body_bigram, t, w.body_bigram * w.related_bigram);
        }
        for t in &analyzed.bigrams {
            let k = typed(&analyzed.typed_bigrams, t);
            add(f.title_bigram, t, w.title_bigram * k);
            add(f.body_bigram, t, w.body_bigram * k);
            add(f.path_bigram, t, w.path_bigram * k);
        }
        if w.phrase > 0.0 {
            for pair in analyzed.morph.windows(2) {
                let terms = pair.iter().map(|t| Term::from_field_text(f.body, t)).collect();
                let q = PhraseQuery::new(terms);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), w.phrase))));
            }
        }
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        // Fetch more than asked for: demoting heading-only sections can reorder the top.
        let candidates = TopDocs::with_limit(limit.max(RERANK_DEPTH)).order_by_score();
        let subject = Subject {
            expanded: str_set(&analyzed.subject_expanded),
            typed: str_set(&analyzed.subject_typed),
        };
        let rewrites: Vec<Subject> = analyzed
            .subject_rewrites
            .iter()
            .map(|(typed, expanded)| Subject { expanded: str_set(expanded), typed: str_set(typed) })
            .collect();
        let mut top = searcher.search(&query, &candidates).map_err(|e| QueryError::failed("search", e))?;
        // A section the question names by its title competes even when its children, which carry
        // its title in their heading path, fill the candidate list: add the best title matches.
        // One weight for every title candidate: `Query::explain` would build all the term
        // weights again for each (a fifth of search time when it did).
        let weight = query
            .weight(tantivy::query::EnableScoring::enabled_from_searcher(&searcher))
            .map_err(|e| QueryError::failed("scoring", e))?;
        for address in self.title_candidates(&searcher, analyzed)? {
            if top.iter().all(|(_, a)| *a != address) {
                // A title match that the question's query does not match scores nothing: skipped.
                match weight.explain(searcher.segment_reader(address.segment_ord), address.doc_id) {
                    Ok(explanation) => top.push((explanation.value(), address)),
                    Err(tantivy::TantivyError::InvalidArgument(m)) if m.contains("does not match") => {}
                    Err(e) => return Err(QueryError::failed("scoring", e)),
                }
            }
        }
        let mut ranked: Vec<(f32, Section)> = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument =
                searcher.doc(address).map_err(|e| QueryError::failed("reading a section", e))?;
            let json = doc
                .get_first(f.section)
                .and_then(|v| v.as_str())
                .ok_or_else(|| QueryError::failed("reading a section", "stored section missing"))?;
            let section: Section =
                serde_json::from_str(json).map_err(|e| QueryError::failed("reading a section", e))?;
            let mut factor = if is_heading_only(&section) { w.heading_only } else { 1.0 };
            let title = self.title_bigrams(&section.title);
            let named = rewrites
                .iter()
                .map(|r| REWRITE_NAMING * title.named_by(r))
                .fold(title.named_by(&subject), f32::max);
            factor *= 1.0 + w.title_coverage * named * named;
            ranked.push((score * factor, section));
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.truncate(limit);
        Ok(ranked
            .into_iter()
            .map(|(score, section)| {
                let snippet = snippet::excerpt(&section.text, analyzed, snippet::SNIPPET_CHARS).text;
                Hit { section: SectionRef::from(&section), score, snippet, text: section.text }
            })
            .collect())
    }
}

/// Most related words (and most of their bigrams) searched for one question: each is a clause
/// to score, and a question that touches many thesaurus groups would otherwise be slow.
const MOST_RELATED: usize = 32;
/// How many candidates are reranked.
const RERANK_DEPTH: usize = 50;
/// How many best title matches join the candidates.
const TITLE_CANDIDATES: usize = 10;

/// What a definition question asks about, as bigrams with and without the alias spellings.
struct Subject<'a> {
    expanded: HashSet<&'a str>,
    typed: HashSet<&'a str>,
}

/// A title's bigrams, for [`TitleBigrams::named_by`]: how much this section is the thing a
/// definition question asks about, from 0 to 1: the share
/// of the title the subject covers times the share of the subject (as typed) the title accounts
/// for, in any of the title's spellings. For `スポットインスタンスとは何か` the item
/// `スポットインスタンス` scores 1.0 and `スポットフリート` about 0.2. Questions that are not
/// definition questions have no subject and boost nothing: there a name in the question is
/// usually context (`Transfer Familyで選べる認証方式` asks about a child of Transfer Family).
fn str_set(v: &[String]) -> HashSet<&str> {
    v.iter().map(String::as_str).collect()
}

struct TitleBigrams {
    bigrams: HashSet<String>,
    spellings: HashSet<String>,
}

impl TitleBigrams {
    fn new(title: &str) -> TitleBigrams {
        let mut analyzer = analyzer::bigram_analyzer();
        let normalized = normalize(title);
        TitleBigrams {
            bigrams: terms(&mut analyzer, &normalized).into_iter().collect(),
            spellings: terms(&mut analyzer, &aliases::expand(&normalized)).into_iter().collect(),
        }
    }

    fn named_by(&self, subject: &Subject) -> f32 {
        if subject.typed.is_empty() || self.bigrams.is_empty() {
            return 0.0;
        }
        let title_covered =
            self.bigrams.iter().filter(|b| subject.expanded.contains(String::as_str(b))).count();
        let subject_covered = subject.typed.iter().filter(|b| self.spellings.contains(**b)).count();
        (title_covered as f32 / self.bigrams.len() as f32)
            * (subject_covered as f32 / subject.typed.len() as f32)
    }
}

/// How much a title named through another word for the subject counts, against the word typed.
const REWRITE_NAMING: f32 = 0.9;

/// A heading with nothing under it of its own (its children are separate sections), or only the
/// header of a table whose rows are: it names a topic but cannot answer a question about it.
fn is_heading_only(section: &Section) -> bool {
    if section.kind == crate::corpus::SectionKind::Row {
        return false;
    }
    let lines: Vec<&str> = section.text.lines().filter(|l| !l.trim().is_empty()).collect();
    let header_or_rule = |i: usize| {
        let line = lines[i];
        crate::corpus::table::is_rule(line)
            || lines.get(i + 1).is_some_and(|next| crate::corpus::table::is_rule(next))
    };
    (1..lines.len()).all(header_or_rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::text;
    use crate::search::index;

    fn searcher() -> (tempfile::TempDir, Searcher) {
        let notes = "EC2(Elastic Compute Cloud)\n\nAWSが仮想サーバーを提供するサービス。\n品質改善\n| 停止保護 | インスタンスの停止および手動削除を防ぐ機能。 |\n| ハイバネーション | 【停止しても継続できる】 メインメモリが保持する内容を待避させ、作業途中から再開できるようにする機能。 |\nCloud Front\n\nコンテンツ配信サービス。\nオリジン\n| オリジンフェイルオーバー | プライマリオリジンが使用できない場合にセカンダリに切り替える。 |\n";
        let dir = tempfile::tempdir().unwrap();
        let sections = text::parse("aws-notes.txt", notes);
        let open = index::build(dir.path(), &sections, "d").unwrap();
        (dir, Searcher::new(open).unwrap())
    }

    #[test]
    fn full_width_query_finds_the_row() {
        let (_d, s) = searcher();
        let (_, hits) = s.search("ＥＣ２　ハイバネーション", 3).unwrap();
        assert_eq!(hits[0].section.title, "ハイバネーション");
        assert!(hits[0].score > 0.0);
    }

    #[test]
    fn part_of_unknown_katakana_compound_is_found() {
        let (_d, s) = searcher();
        let (_, hits) = s.search("フェールオーバーの仕組み", 3).unwrap();
        assert_eq!(hits[0].section.title, "オリジンフェイルオーバー");
    }

    #[test]
    fn syntax_characters_are_plain_text() {
        let (_d, s) = searcher();
        for q in ["\"ハイバネーション", "title:停止", "(停止 AND 保護", "*", "OR NOT -", "::", "\\"]
        {
            assert!(s.search(q, 5).is_ok(), "{q}");
        }
        let (_, hits) = s.search("(停止保護) AND *", 1).unwrap();
        assert_eq!(hits[0].section.title, "停止保護");
    }

    #[test]
    fn empty_and_huge_questions_are_refused() {
        let (_d, s) = searcher();
        assert_eq!(s.search("  \u{3000} ", 5).unwrap_err(), QueryError::Empty);
        let huge = "あ".repeat(100 * 1024 / 3);
        assert!(matches!(s.search(&huge, 5).unwrap_err(), QueryError::TooLong { .. }));
    }

    #[test]
    fn punctuation_only_finds_nothing() {
        let (_d, s) = searcher();
        assert!(s.search("？！。", 5).unwrap().1.is_empty());
    }
}
