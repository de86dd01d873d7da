//! A larger corpus made from a real one, for measuring how cost grows with the notes
//! (`benches/`, `examples/scale.rs`): `copies` variants of each note, every heading renamed so
//! the copies are different sections with different ids, bodies unchanged. Never committed.

use super::text;

/// `copies` renamed variants of a plain-text note, as `(file name, content)`.
pub fn copies(content: &str, copies: usize) -> Vec<(String, String)> {
    (0..copies).map(|i| (format!("notes-{i:03}.txt"), renamed(content, i))).collect()
}

/// The note with every heading line suffixed `第{i}版`; a `[ラベル]` keeps its brackets around it.
fn renamed(content: &str, i: usize) -> String {
    let mut out = String::with_capacity(content.len() + 1024);
    for line in content.lines() {
        if !text::is_heading_line(line) {
            out.push_str(line);
        } else if let Some(label) = line.trim_end().strip_suffix(']') {
            out.push_str(&format!("{label} 第{i}版]"));
        } else {
            out.push_str(&format!("{line} 第{i}版"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_rename_headings_and_keep_bodies() {
        let note = "VPC\n\n1リージョンにVPCは5つまで。\n●ENI\nVPC内のNWインターフェース。\n[比較]\n";
        let out = copies(note, 2);
        assert!(out[1].1.ends_with("[比較 第1版]\n"), "{}", out[1].1);
        let parsed = |c: &str| text::parse("n.txt", c).len();
        assert_eq!(parsed(note), parsed(&out[1].1), "the copy parses into as many sections");
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].0, "notes-001.txt");
        assert!(
            out[1].1.starts_with("VPC 第1版\n\n1リージョンにVPCは5つまで。\n●ENI 第1版\n"),
            "{}",
            out[1].1
        );
    }
}
