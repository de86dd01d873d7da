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
        let predicates = predicates(&self.segmenter, &normalized).map_err(segmentation)?;
        let other_scripts = other_scripts(&morph_typed, &normalized);
        let bridged = self.bridged(&morph_typed, &normalized, &other_scripts);
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
            other_scripts,
            predicates,
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

    /// Each typed term with the words the thesaurus relates it to, and its spellings in the
    /// other script ([`other_scripts`]).
    fn bridged(
        &self,
        morph_typed: &[String],
        normalized: &str,
        other_scripts: &[(String, Vec<Vec<String>>)],
    ) -> Vec<(String, Vec<String>)> {
        let bridges = self.thesaurus.bridges(&self.morph, morph_typed, normalized);
        let mut bridged: Vec<(String, Vec<String>)> = Vec::new();
        let thesaurus = bridges.iter().flat_map(|b| {
            b.typed.iter().map(|t| (t.to_string(), b.others.iter().map(|o| o.to_string()).collect()))
        });
        let loanwords = other_scripts.iter().map(|(t, parts)| (t.clone(), parts.concat()));
        for (t, others) in thesaurus.chain(loanwords) {
            match bridged.iter_mut().find(|(typed, _)| *typed == t) {
                Some((_, words)) => words.extend(others),
                None => bridged.push((t, others)),
            }
        }
        bridged
    }
}

/// English typed for a katakana word of the notes, or the reverse (the loanword dictionary),
/// part by part ([`loanwords::english_parts`]; an English word is one part), each part with its
/// spellings; spellings the question already has are left out.
fn other_scripts(morph_typed: &[String], normalized: &str) -> Vec<(String, Vec<Vec<String>>)> {
    let mut out: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for t in morph_typed {
        let parts = if t.len() >= 3 && t.chars().all(|c| c.is_ascii_alphabetic()) {
            vec![loanwords::katakana_for(t)]
        } else if t.chars().count() >= 3 && t.chars().all(crate::search::kana::is_katakana) {
            loanwords::english_parts(t)
        } else {
            Vec::new()
        };
        let parts: Vec<Vec<String>> = parts
            .into_iter()
            .map(|part| part.into_iter().filter(|w| !normalized.contains(w)).map(str::to_owned).collect())
            .filter(|part: &Vec<String>| !part.is_empty())
            .collect();
        if !parts.is_empty() && out.iter().all(|(typed, _)| typed != t) {
            out.push((t.clone(), parts));
        }
    }
    out
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

/// Parts of speech of the words that say what a question wants done or how (動詞 verbs, 形容詞
/// adjectives, 副詞 adverbs), as opposed to what it is about (nouns, names).
const PREDICATE_TAGS: &[&str] = &["動詞", "形容詞", "副詞"];

/// The base forms of the question's verbs, adjectives and adverbs that the morphological analyzer keeps
/// (`止めても` → `止める`): members word these in their own way (消したくない, 安くしたい), so a
/// section that lacks them may still answer ([`crate::search::query::coverage`]).
fn predicates(
    segmenter: &lindera::segmenter::Segmenter,
    normalized: &str,
) -> Result<Vec<String>, LinderaError> {
    let mut tokens = segmenter.segment(std::borrow::Cow::Borrowed(normalized))?;
    let mut out = Vec::new();
    for token in tokens.iter_mut() {
        let pos = token.details().first().map(|p| p.to_string()).unwrap_or_default();
        if !PREDICATE_TAGS.contains(&pos.as_str()) || analyzer::is_noise(token) {
            continue;
        }
        let base = token.get("base_form").filter(|b| *b != "*").map(str::to_owned);
        out.push(base.unwrap_or_else(|| token.surface.to_string()));
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_are_the_base_forms_of_verbs_adjectives_and_adverbs() {
        let s = analyzer::segmenter().unwrap();
        let p = predicates(&s, &normalize("EC2を止めても作業をすぐ続けたい、安くしたい")).unwrap();
        assert_eq!(p, vec!["止める", "すぐ", "続ける", "安い"]);
        assert!(predicates(&s, "ハイバネーションとは").unwrap().is_empty(), "nouns and particles are not");
    }
}
