//! The IPADIC dictionary, built from Debian's mecab-ipadic sources by `build.rs` and embedded in
//! the binary, so shiori needs no dictionary files at run time and no download at build time.

use std::sync::OnceLock;

use lindera::dictionary::Dictionary;

lindera_dictionary::embedded_dictionary!("/lindera-ipadic", EmbeddedIpadicLoader);

/// SHA-256 of the IPADIC sources the embedded dictionary was built from (see `build.rs`).
pub const SOURCE_DIGEST: &str = env!("SHIORI_IPADIC_DIGEST");

/// The embedded dictionary, loaded once per process (loading is zero-copy over static bytes).
pub fn ipadic() -> Result<Dictionary, lindera::error::LinderaError> {
    static DICTIONARY: OnceLock<Dictionary> = OnceLock::new();
    if let Some(dictionary) = DICTIONARY.get() {
        return Ok(dictionary.clone());
    }
    let dictionary = load()?;
    Ok(DICTIONARY.get_or_init(|| dictionary).clone())
}
