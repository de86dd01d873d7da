//! Ranking: what the index says about the question's words (IDF, services the notes never
//! mention, words only found through others), one weighted `SHOULD` query over the fields, the
//! best title matches added, and a rerank that demotes heading-only sections and boosts the
//! section a definition question names.

use std::sync::Arc;

use tantivy::collector::{Collector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, TantivyDocument, Term};

use super::title::Subject;
use super::{Analyzed, Hit, QueryError, Searcher, SectionRef, Stored, MAX_LIMIT};
use crate::corpus::Section;
use crate::search::analyzer::{self, terms};
use crate::search::{gazetteer, snippet};

impl Searcher {
    /// Fills in what the index says about the question's words: their IDF and which of the
    /// services it names the notes mention.
    pub(super) fn weigh(&self, analyzed: &mut Analyzed) -> Result<(), QueryError> {
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
        let clauses = self.clauses(analyzed);
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let (mut top, named) = self.scored_candidates(&searcher, &query, analyzed, limit)?;
        top.extend(named);
        self.rerank(&searcher, top, analyzed, limit)
    }

    /// What the rerank orders: the query's best [`RERANK_DEPTH`] (or `limit`) sections, and the
    /// best title matches not among them, scored by one scorer per segment as `explain` would.
    fn scored_candidates(
        &self,
        searcher: &tantivy::Searcher,
        query: &BooleanQuery,
        analyzed: &Analyzed,
        limit: usize,
    ) -> Result<(Vec<Scored>, Vec<Scored>), QueryError> {
        // The term weights are built once, for the search and for the title candidates' scores
        // (building them again, or `Query::explain` per candidate, was a fifth of search time).
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(searcher))
            .map_err(|e| QueryError::failed("scoring", e))?;
        // Fetch more than asked for: demoting heading-only sections can reorder the top.
        let candidates = TopDocs::with_limit(limit.max(RERANK_DEPTH)).order_by_score();
        let fruits = searcher
            .segment_readers()
            .iter()
            .enumerate()
            .map(|(ord, reader)| candidates.collect_segment(weight.as_ref(), ord as u32, reader))
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(|e| QueryError::failed("search", e))?;
        let top = candidates.merge_fruits(fruits).map_err(|e| QueryError::failed("search", e))?;
        // A section the question names by its title competes even when its children, which carry
        // its title in their heading path, fill the candidate list: add the best title matches,
        // scored by the question's query (one that the query does not match scores nothing and
        // is skipped).
        let mut missing: Vec<DocAddress> = self
            .title_candidates(searcher, analyzed)?
            .into_iter()
            .filter(|address| top.iter().all(|(_, a)| a != address))
            .collect();
        missing.sort();
        let mut named = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let mut docs = missing.iter().filter(|a| a.segment_ord as usize == ord).peekable();
            if docs.peek().is_none() {
                continue;
            }
            let mut scorer = weight.scorer(reader, 1.0).map_err(|e| QueryError::failed("scoring", e))?;
            for address in docs {
                if scorer.doc() < address.doc_id {
                    scorer.seek(address.doc_id);
                }
                if scorer.doc() == address.doc_id {
                    named.push((scorer.score(), *address));
                }
            }
        }
        Ok((top, named))
    }

    /// The weighted `SHOULD` clauses of an analyzed question over every field.
    fn clauses(&self, analyzed: &Analyzed) -> Vec<(Occur, Box<dyn Query>)> {
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
        clauses
    }

    /// Reads the candidates' sections and orders them by score times the rerank factors: a
    /// heading-only section is demoted, the section a definition question names is boosted.
    fn rerank(
        &self,
        searcher: &tantivy::Searcher,
        top: Vec<(f32, tantivy::DocAddress)>,
        analyzed: &Analyzed,
        limit: usize,
    ) -> Result<Vec<Hit>, QueryError> {
        let w = self.weights;
        let subject = Subject::new(&analyzed.subject_expanded, &analyzed.subject_typed);
        let rewrites: Vec<Subject> =
            analyzed.subject_rewrites.iter().map(|(typed, expanded)| Subject::new(expanded, typed)).collect();
        let mut ranked: Vec<(f32, super::Coverage, Arc<Stored>, Signals)> = Vec::with_capacity(top.len());
        let mut naming: Vec<f32> = Vec::with_capacity(top.len());
        for (score, address) in top {
            let stored = self.section_at(searcher, address)?;
            let mut factor = if stored.derived.heading_only { w.heading_only } else { 1.0 };
            let title = &stored.derived.title;
            let named = rewrites
                .iter()
                .map(|r| REWRITE_NAMING * title.named_by(r))
                .fold(title.named_by(&subject), f32::max);
            factor *= 1.0 + w.title_coverage * named * named;
            let covered = stored.derived.haystack.coverage(analyzed);
            let c = covered.share;
            factor *= 1.0 - w.coverage + w.coverage * c * c * c;
            let signals = Signals { bm25: score, named, heading_only: stored.derived.heading_only };
            ranked.push((score * factor, covered, stored, signals));
            naming.push(named);
        }
        demote_unnamed(&mut ranked, &naming);
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.truncate(limit);
        ranked
            .into_iter()
            .map(|(score, coverage, stored, signals)| {
                let section = stored.section()?;
                let snippet = snippet::excerpt(&section.text, analyzed, snippet::SNIPPET_CHARS).text;
                Ok(Hit {
                    section: SectionRef::from(section),
                    score,
                    snippet,
                    text: section.text.clone(),
                    coverage,
                    signals,
                })
            })
            .collect()
    }
}

impl Searcher {
    /// The section stored at `address` and what the index worked out from it, read and parsed
    /// once.
    fn section_at(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
    ) -> Result<Arc<Stored>, QueryError> {
        let segment = searcher.segment_reader(address.segment_ord).segment_id();
        super::memo(&self.sections, &(segment, address.doc_id), || {
            let doc: TantivyDocument =
                searcher.doc(address).map_err(|e| QueryError::failed("reading a section", e))?;
            let json = stored_text(&doc, self.open.fields.section, "section")?.to_owned();
            let derived = serde_json::from_str(stored_text(&doc, self.open.fields.derived, "derived data")?)
                .map_err(|e| QueryError::failed("reading a section", e))?;
            Ok(Stored { derived, json, section: Default::default() })
        })
    }
}

/// The text stored in `field` of `doc`; `what` names it in the error when it is missing.
fn stored_text<'a>(doc: &'a TantivyDocument, field: Field, what: &str) -> Result<&'a str, QueryError> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .ok_or_else(|| QueryError::failed("reading a section", format!("stored {what} missing")))
}

/// What the rerank weighed besides coverage: the section's BM25 score for the question before
/// any rerank factor, how much the question names it ([`super::title::TitleBigrams`], 0 to 1) and
/// whether it is only a heading.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Signals {
    pub bm25: f32,
    pub named: f32,
    pub heading_only: bool,
}

/// A section's place in the index and its BM25 score for the question.
type Scored = (f32, DocAddress);

/// Most related words (and most of their bigrams) searched for one question: each is a clause
/// to score, and a question that touches many thesaurus groups would otherwise be slow.
const MOST_RELATED: usize = 32;
/// How many candidates are reranked.
const RERANK_DEPTH: usize = 50;
/// How many best title matches join the candidates.
const TITLE_CANDIDATES: usize = 10;

/// A definition question (`EC2の休止状態って何？`) is about the section it names, here or
/// through another word (ハイバネーション): when one candidate is named, one that only mentions
/// the words (再開 (休止状態の場合)) is not the answer; when one is named exactly, those named
/// in part are less likely the answer.
fn demote_unnamed<T, S, U>(ranked: &mut [(f32, T, S, U)], naming: &[f32]) {
    if naming.iter().any(|&n| n >= EXACTLY_NAMED) {
        for (r, &n) in ranked.iter_mut().zip(naming) {
            if n < EXACTLY_NAMED {
                r.0 *= PARTLY_NAMED;
            }
        }
    }
    if naming.iter().any(|&n| n >= NAMED) {
        for (r, &n) in ranked.iter_mut().zip(naming) {
            if n < NAMED_AT_ALL {
                r.0 *= UNNAMED;
            }
        }
    }
}

/// How much a definition question must name a candidate's title ([`TitleBigrams::named_by`])
/// for the candidates it does not name to drop to [`UNNAMED`] of their score: the section the
/// question names comes first when another only uses its words in passing. On the tuning sets
/// (0.5, 0.6, 0.8 × 0.5, 0.3, 0.2, 0.1 tried) recall did not move; at 0.2 one confident wrong
/// answer on the first set is no longer confident (MRR 0.961 → 0.960).
const NAMED: f32 = 0.5;
const NAMED_AT_ALL: f32 = 0.2;
const UNNAMED: f32 = 0.2;

/// When a candidate is exactly what a definition question names (`Outpostsって何のサービス` and the
/// section titled Outposts), the candidates it names only in part (Outpostsサーバー, whose title
/// holds the name and more) drop to [`PARTLY_NAMED`] of their score: the question asks about the
/// whole, not one of its parts. On the tuning sets 0.3 and 0.5 gave the same recall (everyday
/// recall@1 0.789 → 0.796); 0.3 is the one that puts the parent first when its own text is long
/// and its BM25 score half its children's.
const EXACTLY_NAMED: f32 = 0.95;
const PARTLY_NAMED: f32 = 0.3;

/// How much a title named through another word for the subject counts, against the word typed.
const REWRITE_NAMING: f32 = 0.9;

/// A heading with nothing under it of its own (its children are separate sections), or only the
/// header of a table whose rows are: it names a topic but cannot answer a question about it.
pub(super) fn is_heading_only(section: &Section) -> bool {
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
mod tests;
