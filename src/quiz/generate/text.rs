//! Note text made fit to show: markup taken out, choices shortened only where nothing that
//! tells them apart is lost.

/// Text without the notes' markup: `【…】` taglines, `※` notes (to the end of their sentence),
/// `[…]` labels, and the spaces they leave.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let closing = match c {
            '【' => Some('】'),
            '[' => Some(']'),
            _ => None,
        };
        if let Some(close) = closing {
            match rest.find(close) {
                Some(end) => {
                    rest = &rest[end + close.len_utf8()..];
                    out.push(' ');
                    continue;
                }
                None => {
                    rest = &rest[c.len_utf8()..];
                    continue;
                }
            }
        }
        if c == '※' {
            // The note runs to the end of its sentence, or to the next bullet or tagline.
            let end = rest.find(['。', '・', '【']).unwrap_or(rest.len());
            let end = if rest[end..].starts_with('。') { end + '。'.len_utf8() } else { end };
            rest = &rest[end..];
            out.push(' ');
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    // `①スポットブロック`: the notes' numbering is not part of the name.
    out.trim_start_matches(|c: char| ('\u{2460}'..='\u{2473}').contains(&c))
        .trim_matches(['、', ' '])
        .to_owned()
}

pub(super) fn markup_free(text: &str) -> bool {
    crate::quiz::quality::markup(text).is_none()
}

/// The first sentences of `text` up to `max` characters, cut cleanly at a `。` when that keeps
/// at least half of the room; otherwise cut mid-sentence with `…` (a short first sentence such
/// as 「設定が可能。」 says too little on its own).
pub(super) fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    for sentence in text.split_inclusive('。') {
        if out.chars().count() + sentence.chars().count() > max {
            break;
        }
        out.push_str(sentence);
    }
    if out.chars().count() < max / 2 {
        out = text.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
    }
    out.trim().to_owned()
}
