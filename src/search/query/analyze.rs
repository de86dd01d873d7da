//! A question analyzed: normalized, split into morphological terms and bigrams as typed and
//! with the other spellings of its names, the words the thesaurus and the loanword dictionary
//! relate to them, and its subject when it asks what something is.

use std::collections::HashSet;

use lindera::error::LinderaError;
use tantivy::tokenizer::TokenStream as _;

use super::{Analyzed, QueryError, Searcher, MAX_QUERY_CHARS};
use crate::search::analyzer::{self, normalize, terms};
use crate::search::{aliases, loanwords};

impl Searcher {
    /// Checks and analyzes a question.
    pub fn analyze(&self, question: &str) -> Result<Analyzed, QueryError> {
        let normalized = normalize(checked(question)?);
        let expanded = aliases::expand(&normalized);
        // One segmentation per analyzer: the question as typed is the prefix of the expanded
        // text (aliases are appended after a space), and `content_only` keeps byte offsets.
        let typed_len = normalized.len();
        let (morph_all, morph_typed) = self.morph_terms(&expanded, typed_len);
        let segmentation = |e: LinderaError| QueryError::failed("segmenting the question", e);
        let content = analyzer::content_only(&self.segmenter, &expanded).map_err(segmentation)?;
        let typed_content = content.get(..typed_len).unwrap_or(&content);
        let subject =
            analyzer::subject(&self.segmenter, &normalized).map_err(segmentation)?.unwrap_or_default();
        let bridged = self.bridged(&morph_typed, &normalized);
        let compounds = english_compounds(&morph_typed);
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

    /// The morphological terms of the expanded question, and those of the part as typed (the
    /// prefix of `typed_len` bytes: aliases are appended after a space).
    fn morph_terms(&self, expanded: &str, typed_len: usize) -> (Vec<String>, Vec<String>) {
        let mut morph_all = Vec::new();
        let mut morph_typed = Vec::new();
        let mut morph = self.morph.clone();
        let mut stream = morph.token_stream(expanded);
        while stream.advance() {
            let token = stream.token();
            if token.offset_from < typed_len {
                morph_typed.push(token.text.clone());
            }
            morph_all.push(token.text.clone());
        }
        (morph_all, morph_typed)
    }

    /// Each typed term with the words the thesaurus relates it to, and English typed for a
    /// katakana word of the notes or the reverse (the loanword dictionary).
    fn bridged(&self, morph_typed: &[String], normalized: &str) -> Vec<(String, Vec<String>)> {
        let bridges = self.thesaurus.bridges(&self.morph, morph_typed, normalized);
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
        for t in morph_typed {
            let other_script = if t.len() >= 3 && t.chars().all(|c| c.is_ascii_alphabetic()) {
                loanwords::katakana_for(t)
            } else if t.chars().count() >= 3 && t.chars().all(crate::search::kana::is_katakana) {
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
        bridged
    }
}

/// English written as separate words for what the notes write as one katakana compound
/// (`control plane` → コントロールプレーン): each run of adjacent English words, joined.
fn english_compounds(morph_typed: &[String]) -> Vec<String> {
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
    compounds
}

/// The question trimmed, when it is not empty and not too long.
fn checked(question: &str) -> Result<&str, QueryError> {
    let question = question.trim();
    if question.is_empty() {
        return Err(QueryError::Empty);
    }
    let chars = question.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong { chars });
    }
    Ok(question)
}

/// `v` without repeats, in first-seen order.
fn dedup(v: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    v.into_iter().filter(|t| seen.insert(t.clone())).collect()
}
