//! AWS service names as members write them (`dict/aws-services.tsv`): English, official
//! abbreviations and Japanese spellings of every current service.
//!
//! Two uses: a question that names a service in one spelling is searched with the others
//! ([`super::aliases::expand`]), and a question about a service the notes never mention is told
//! so instead of being answered from an unrelated section ([`crate::answer`]).

use std::sync::OnceLock;

use super::aliases::Spelling;

/// The bundled gazetteer.
pub const BUNDLED: &str = include_str!("../../dict/aws-services.tsv");

/// One service and every way of writing it.
#[derive(Debug)]
pub struct Service {
    /// The name as AWS writes it, without "Amazon"/"AWS".
    pub name: String,
    /// Full names and Japanese spellings: any one brings in the others.
    pub names: Vec<Spelling>,
    /// Official abbreviations (`EFS`): brought in by a full name, never bringing one in, since an
    /// abbreviation's expansion would match every section that says "Elastic" or "File".
    pub abbreviations: Vec<Spelling>,
}

impl Service {
    /// Every spelling, names first.
    pub fn spellings(&self) -> impl Iterator<Item = &Spelling> {
        self.names.iter().chain(&self.abbreviations)
    }

    /// Whether `text` (normalized; `folded` its [`super::aliases::fold`]) mentions the service.
    pub fn named_in(&self, text: &str, folded: &str) -> bool {
        self.spellings().any(|s| s.found_in(text, folded))
    }
}

/// An abbreviation: one word of capitals and digits (`EFS`, `EC2`, `S3`), as the file writes it.
fn is_abbreviation(raw: &str) -> bool {
    raw.len() <= 6
        && raw.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && raw.chars().any(|c| c.is_ascii_uppercase())
}

/// Parses the tab-separated lines (`#` comments and blank lines skipped).
pub fn parse(text: &str) -> Vec<Service> {
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut columns = line.split('\t');
            let name = columns.next()?.trim();
            if name.is_empty() {
                return None;
            }
            let (mut names, mut abbreviations) = (Vec::new(), Vec::new());
            if is_abbreviation(name) {
                abbreviations.push(Spelling::new(name));
            } else {
                names.push(Spelling::new(name));
            }
            for raw in columns.flat_map(|c| c.split('|')).map(str::trim).filter(|r| !r.is_empty()) {
                if is_abbreviation(raw) {
                    abbreviations.push(Spelling::new(raw));
                } else {
                    names.push(Spelling::new(raw));
                }
            }
            Some(Service { name: name.to_owned(), names, abbreviations })
        })
        .collect()
}

/// The bundled services, parsed once.
pub fn services() -> &'static [Service] {
    static SERVICES: OnceLock<Vec<Service>> = OnceLock::new();
    SERVICES.get_or_init(|| parse(BUNDLED))
}

/// The services a (normalized) question names. A name inside a longer one that is also named
/// (`CloudWatch` in `CloudWatch Logs`) does not count on its own.
pub fn named(normalized: &str) -> Vec<&'static Service> {
    let found = super::aliases::find(normalized);
    let spelled = |s: &'static Service| s.spellings().filter(|sp| found.has(sp)).collect::<Vec<_>>();
    let named: Vec<(&'static Service, Vec<&'static Spelling>)> =
        services().iter().map(|s| (s, spelled(s))).filter(|(_, sp)| !sp.is_empty()).collect();
    named
        .iter()
        .filter(|(s, mine)| {
            !named.iter().any(|(other, theirs)| {
                !std::ptr::eq(*other, *s)
                    && mine.iter().all(|m| {
                        theirs.iter().any(|t| t.text.len() > m.text.len() && t.text.contains(&m.text))
                    })
            })
        })
        .map(|(s, _)| *s)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::normalize;

    const SAMPLE: &str = "# comment\nCloudWatch\t\tクラウドウォッチ\nCloudWatch Logs\t\t\nElastic File System\tEFS\t\nKinesis Data Streams\tKDS\tキネシスデータストリーム\n";

    #[test]
    fn columns_become_names_and_abbreviations() {
        let s = parse(SAMPLE);
        assert_eq!(s.len(), 4);
        assert_eq!(s[2].name, "Elastic File System");
        assert_eq!(s[2].abbreviations[0].text, "efs");
        assert_eq!(s[0].names.len(), 2);
    }

    #[test]
    fn the_longer_name_wins() {
        let services = parse(SAMPLE);
        let q = normalize("CloudWatch Logsの保存期間");
        let folded = crate::search::aliases::fold(&q);
        let named: Vec<&str> =
            services.iter().filter(|s| s.named_in(&q, &folded)).map(|s| s.name.as_str()).collect();
        assert_eq!(named, ["CloudWatch", "CloudWatch Logs"]);
    }

    #[test]
    fn the_bundled_gazetteer_names_services() {
        assert!(services().len() >= 150, "{} services", services().len());
        let names = |q: &str| named(&normalize(q)).iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        assert!(names("Kinesisのシャード上限").iter().any(|n| n.contains("Kinesis")));
        assert!(names("EFSのパフォーマンスモードは？").iter().any(|n| n == "Elastic File System"));
        assert!(names("ラムダのコールドスタート").iter().any(|n| n == "Lambda"));
        assert!(names("CloudWatch Logsの保存期間").iter().all(|n| n != "CloudWatch"));
        // A short katakana name is a word of its own, not a part of a longer word: ポリシー is
        // not Polly (ポリー), while ポリーで読み上げ is.
        assert!(
            names("リポジトリポリシーとは").iter().all(|n| n != "Polly"),
            "{:?}",
            names("リポジトリポリシーとは")
        );
        assert!(names("ポリーで読み上げ").iter().any(|n| n == "Polly"));
        assert!(names("ラムダアットエッジ").iter().any(|n| n == "Lambda"));
    }
}
