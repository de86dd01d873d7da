//! The index schema: field names, their tokenizers and what is stored, defined once and used both
//! to build the index and to open it.

use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING};

use super::analyzer::{BIGRAM, MORPH};

/// Bumped when fields or analysis change, so an index built by an older binary is rebuilt.
pub const SCHEMA_VERSION: u32 = 4;

/// Handles to every field of the index.
#[derive(Clone, Debug)]
pub struct Fields {
    pub schema: Schema,
    /// Section id (exact).
    pub id: Field,
    /// The whole section as JSON, returned with each hit.
    pub section: Field,
    /// What the rerank works out from the section, as JSON ([`super::query::Derived`]).
    pub derived: Field,
    /// The section's own title, morphological terms.
    pub title: Field,
    /// The headings above the section, morphological terms.
    pub path: Field,
    /// The section's text, morphological terms.
    pub body: Field,
    /// Title, character bigrams.
    pub title_bigram: Field,
    /// Text, character bigrams.
    pub body_bigram: Field,
    /// The headings above the section, character bigrams.
    pub path_bigram: Field,
}

fn text(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

impl Fields {
    pub fn new() -> Fields {
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING | STORED);
        let section = builder.add_text_field("section", STORED);
        let derived = builder.add_text_field("derived", STORED);
        let title = builder.add_text_field("title", text(MORPH));
        let path = builder.add_text_field("path", text(MORPH));
        let body = builder.add_text_field("body", text(MORPH));
        let title_bigram = builder.add_text_field("title_bigram", text(BIGRAM));
        let body_bigram = builder.add_text_field("body_bigram", text(BIGRAM));
        let path_bigram = builder.add_text_field("path_bigram", text(BIGRAM));
        Fields {
            schema: builder.build(),
            id,
            section,
            derived,
            title,
            path,
            body,
            title_bigram,
            body_bigram,
            path_bigram,
        }
    }

    /// Rebinds the fields of an opened index by name (the schema is stored with the index).
    pub fn from_schema(schema: &Schema) -> Result<Fields, tantivy::TantivyError> {
        let get = |name: &str| schema.get_field(name);
        Ok(Fields {
            schema: schema.clone(),
            id: get("id")?,
            section: get("section")?,
            derived: get("derived")?,
            title: get("title")?,
            path: get("path")?,
            body: get("body")?,
            title_bigram: get("title_bigram")?,
            body_bigram: get("body_bigram")?,
            path_bigram: get("path_bigram")?,
        })
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}
