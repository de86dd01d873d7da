//! Katakana spelling variants folded to one form. Shared by the analyzer (every text and
//! question) and by `build.rs` (the loanword table made from EDICT), so both sides fold alike;
//! it uses only `std` for that reason.

/// Whether `c` is katakana (including the long-vowel mark and iteration marks).
pub fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | '\u{30FD}'..='\u{30FF}')
}

/// Folds each run of katakana in `text`: `ェイ` → `ェー` (インターフェイス/インターフェース,
/// フェイルオーバー/フェールオーバー), and a word of four or more characters loses its final `ー`
/// (サーバー → サーバ). Other characters are kept as they are.
pub fn fold_katakana(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !is_katakana(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_katakana(chars[i]) {
            i += 1;
        }
        let mut word: Vec<char> = chars[start..i].to_vec();
        for k in 1..word.len() {
            if word[k - 1] == 'ェ' && word[k] == 'イ' {
                word[k] = 'ー';
            }
        }
        if word.len() >= 4 && word.last() == Some(&'ー') {
            word.pop();
        }
        out.extend(word);
    }
    out
}
