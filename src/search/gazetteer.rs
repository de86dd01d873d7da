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
    /// AWS's product category (`containers`) and its Japanese (`コンテナ`); empty for none.
    pub category: String,
    pub category_ja: String,
    /// A part or setting of another service (Security Group), not a service of its own.
    pub part: bool,
    /// Services that do the same job (column 1 names; either side may list the other).
    pub same_job: Vec<String>,
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

    /// Whether `other` is a service a member might pick instead of this one: of the same
    /// category, a service of its own, and not one that does the same job.
    pub fn rivals(&self, other: &Service) -> bool {
        !std::ptr::eq(self, other)
            && !self.category.is_empty()
            && self.category == other.category
            && !self.part
            && !other.part
            && !self.same_job.contains(&other.name)
            && !other.same_job.contains(&self.name)
    }

    /// How a quiz shows the service: its name, with its abbreviation when it has one
    /// (`Elastic Container Service (ECS)`).
    pub fn shown(&self) -> String {
        match self.abbreviations.first() {
            Some(a) if !self.names.is_empty() => format!("{} ({})", self.name, a.text.to_ascii_uppercase()),
            _ => self.name.clone(),
        }
    }
}

/// An abbreviation: one word of capitals and digits (`EFS`, `EC2`, `S3`), as the file writes it.
pub(crate) fn is_abbreviation(raw: &str) -> bool {
    raw.len() <= 6
        && raw.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && raw.chars().any(|c| c.is_ascii_uppercase())
}

/// Parses the tab-separated lines (`#` comments and blank lines skipped; `## category | カテゴリ`
/// sets the category of the lines after it).
pub fn parse(text: &str) -> Vec<Service> {
    let mut category = (String::new(), String::new());
    let mut out = Vec::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        if let Some(header) = line.strip_prefix("## ") {
            let (en, ja) = header.split_once('|').unwrap_or((header, ""));
            let en = en.trim();
            category = if en == "other" { Default::default() } else { (en.to_owned(), ja.trim().to_owned()) };
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let columns: Vec<&str> = line.split('\t').map(str::trim).collect();
        let name = columns[0];
        if name.is_empty() {
            continue;
        }
        let (mut names, mut abbreviations) = (Vec::new(), Vec::new());
        let spellings = columns.iter().skip(1).take(2).flat_map(|c| c.split('|')).map(str::trim);
        for raw in std::iter::once(name).chain(spellings.filter(|r| !r.is_empty())) {
            if is_abbreviation(raw) {
                abbreviations.push(Spelling::new(raw));
            } else {
                names.push(Spelling::new(raw));
            }
        }
        let column = |i: usize| columns.get(i).copied().unwrap_or_default();
        out.push(Service {
            name: name.to_owned(),
            names,
            abbreviations,
            category: category.0.clone(),
            category_ja: category.1.clone(),
            part: column(3) == "part",
            same_job: column(4)
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        });
    }
    out
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
    use std::collections::HashSet;

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
    fn categories_parts_and_same_jobs_are_read() {
        let s = parse("## containers | コンテナ\nElastic Container Service\tECS\t\t\tFargate\nFargate\nECS Anywhere\t\t\tpart\nElastic Container Registry\tECR\n## other\nBraket\n");
        assert_eq!((s[0].category.as_str(), s[0].category_ja.as_str()), ("containers", "コンテナ"));
        assert_eq!(s[0].same_job, ["Fargate"]);
        assert_eq!(s[0].names.len(), 1, "the fifth column is not a spelling");
        assert!(s[2].part && !s[0].part);
        assert!(s[0].rivals(&s[3]) && s[3].rivals(&s[0]));
        assert!(!s[0].rivals(&s[1]) && !s[1].rivals(&s[0]), "the same job, either side listing it");
        assert!(!s[3].rivals(&s[2]), "a part is no rival");
        assert!(s[4].category.is_empty() && !s[4].rivals(&s[4]));
        assert_eq!(s[0].shown(), "Elastic Container Service (ECS)");
        assert_eq!(s[1].shown(), "Fargate");
    }

    #[test]
    fn every_same_job_names_a_listed_service_of_its_category() {
        for s in services() {
            for other in &s.same_job {
                let found = services().iter().find(|o| o.name == *other);
                let found = found.unwrap_or_else(|| panic!("{}: no service {other}", s.name));
                assert_eq!(found.category, s.category, "{} and {other}", s.name);
            }
        }
        let categories: HashSet<&str> = services().iter().map(|s| s.category.as_str()).collect();
        assert!(categories.len() >= 15, "{categories:?}");
    }

    #[test]
    fn a_wrong_choice_does_the_answers_kind_of_job() {
        // Session 19's readers failed Local Zones, Outposts and the Serverless Application
        // Repository as wrong choices for EC2, and WorkDocs and WorkMail for WorkSpaces.
        let named = |name: &str| services().iter().find(|s| s.name == name).unwrap();
        let ec2 = named("EC2");
        for rival in ["Lambda", "Batch", "Elastic Beanstalk"] {
            assert!(ec2.rivals(named(rival)), "{rival}");
        }
        for other in ["Outposts", "Local Zones", "Serverless Application Repository"] {
            assert!(!ec2.rivals(named(other)), "{other}");
        }
        assert!(named("Outposts").rivals(named("Local Zones")));
        let workspaces = named("WorkSpaces");
        assert!(workspaces.rivals(named("AppStream 2.0")));
        assert!(!workspaces.rivals(named("WorkMail")) && !workspaces.rivals(named("WorkDocs")));
        // Session 22's: AWS Marketplace (a store) beside Amazon Connect; nor is a discontinued
        // service offered beside current ones.
        let connect = named("Amazon Connect");
        assert!(connect.rivals(named("Chime")) && connect.rivals(named("WorkMail")));
        for other in ["AWS Marketplace", "Pinpoint", "WorkDocs"] {
            assert!(!connect.rivals(named(other)), "{other}");
        }
    }

    #[test]
    fn every_fourth_column_of_the_bundled_gazetteer_is_empty_or_part() {
        // `parse` reads anything else as "not a part": a typo (`prat`) would pass unseen.
        for line in BUNDLED.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let fourth = line.split('\t').nth(3).unwrap_or_default().trim();
            assert!(fourth.is_empty() || fourth == "part", "{line}");
            assert!(line.split('\t').count() <= 5, "more columns than the header describes: {line}");
        }
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
