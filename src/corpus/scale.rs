//! A larger corpus made from a real one, for measuring how cost grows with the notes
//! (`benches/`, `examples/scale.rs`): `copies` variants of each note, every heading renamed so
//! the copies are different sections with different ids, bodies unchanged. Never committed.

use super::text;

/// `copies` renamed variants of a plain-text note, as `(file name, content)`.
pub fn copies(content: &str, copies: usize) -> Vec<(String, String)> {
    (0..copies)
        .map(|i| {
            let renamed: Vec<String> =
                content
                    .lines()
                    .map(|line| {
                        if text::is_heading_line(line) {
                            format!("{line} 第{i}版")
                        } else {
                            line.to_owned()
                        }
                    })
                    .collect();
            (format!("notes-{i:03}.txt"), renamed.join("\n") + "\n")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_rename_headings_and_keep_bodies() {
        let out = copies("VPC\n\n1リージョンにVPCは5つまで。\n●ENI\nVPC内のNWインターフェース。\n", 2);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].0, "notes-001.txt");
        assert!(
            out[1].1.starts_with("VPC 第1版\n\n1リージョンにVPCは5つまで。\n●ENI 第1版\n"),
            "{}",
            out[1].1
        );
    }
}
