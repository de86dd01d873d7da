//! The parser on the group's real notes: every line accounted for, the outline as the notes mean it.

mod common;

use shiori::corpus::{self, Section, SectionKind};

fn sections() -> Vec<Section> {
    corpus::load(&[common::notes_dir()]).expect("real notes load").sections
}

fn section_at(sections: &[Section], line: usize) -> &Section {
    sections
        .iter()
        .find(|s| s.line_start <= line && line <= s.line_end)
        .unwrap_or_else(|| panic!("no section holds line {line}"))
}

/// True when `wanted` appears in `path` in order (other labels may sit between).
fn path_runs_through(path: &[String], wanted: &[&str]) -> bool {
    let mut rest = path.iter();
    wanted.iter().all(|w| rest.any(|p| p == w))
}

#[test]
fn every_non_empty_line_is_in_exactly_one_section() {
    let sections = sections();
    let lines = common::notes_lines();
    for (i, line) in lines.iter().enumerate() {
        let no = i + 1;
        let holders = sections.iter().filter(|s| s.line_start <= no && no <= s.line_end).count();
        if line.trim().is_empty() {
            assert!(holders <= 1, "blank line {no} in {holders} sections");
        } else {
            assert_eq!(holders, 1, "line {no} {line:?} is in {holders} sections");
        }
    }
}

#[test]
fn section_text_is_its_own_lines() {
    let lines = common::notes_lines();
    for s in sections() {
        assert_eq!(s.text, lines[s.line_start - 1..s.line_end].join("\n"), "section {} {:?}", s.id, s.path);
        assert_eq!(s.path.last(), Some(&s.title));
        assert_eq!(s.source, "aws-notes.txt");
    }
}

#[test]
fn at_least_150_sections_with_unique_ids() {
    let sections = sections();
    assert!(sections.len() >= 150, "{} sections", sections.len());
    let ids: std::collections::HashSet<_> = sections.iter().map(|s| &s.id).collect();
    assert_eq!(ids.len(), sections.len());
}

#[test]
fn ids_are_stable_across_parses() {
    let a: Vec<String> = sections().into_iter().map(|s| s.id).collect();
    let b: Vec<String> = sections().into_iter().map(|s| s.id).collect();
    assert_eq!(a, b);
}

#[test]
fn hibernation_row_sits_under_ec2_quality() {
    let s = sections();
    let path = &section_at(&s, 138).path;
    assert!(
        path.ends_with(&["EC2(Elastic Compute Cloud)".into(), "品質改善".into(), "ハイバネーション".into()]),
        "{path:?}"
    );
    assert_eq!(section_at(&s, 138).kind, SectionKind::Row);
}

#[test]
fn spot_advisor_label_runs_through_spot_instance() {
    let s = sections();
    let path = &section_at(&s, 191).path;
    assert!(
        path_runs_through(
            path,
            &["EC2(Elastic Compute Cloud)", "スポットインスタンス", "③スポットインスタンスアドバイザ"]
        ),
        "{path:?}"
    );
}

#[test]
fn origin_failover_runs_through_cloud_front_origin() {
    let s = sections();
    let path = &section_at(&s, 385).path;
    assert!(path_runs_through(path, &["Cloud Front", "オリジン"]), "{path:?}");
    assert_eq!(path.last().unwrap(), "オリジンフェイルオーバー");
}

#[test]
fn template_constraint_runs_through_service_catalog() {
    let s = sections();
    let path = &section_at(&s, 32).path;
    assert!(path_runs_through(path, &["Service Catalog", "起動制約", "[制約の種類]"]), "{path:?}");
    assert_eq!(path.last().unwrap(), "テンプレート制約 (Template Constraint)");
}

#[test]
fn categories_and_services_are_recognised() {
    let s = sections();
    let top = |line: usize| section_at(&s, line).path.clone();
    assert_eq!(top(41)[..2], ["インフラ一括管理ツール".to_string(), "VPC".into()]);
    assert_eq!(top(100), vec!["仮想サーバー".to_string(), "EC2(Elastic Compute Cloud)".into()]);
    assert_eq!(top(435)[..2], ["貸し出しサービス".to_string(), "Outposts".into()]);
    assert_eq!(
        top(487),
        vec!["貸し出しサービス".to_string(), "WorkSpaces Family".into(), "WorkSpaces Core".into()]
    );
    assert_eq!(top(527), vec!["付帯コンテンツ機能".to_string(), "IVS(Interactive Video Service)".into()]);
    // Topic lines sit under their service.
    assert_eq!(top(380), vec!["仮想サーバー".to_string(), "Cloud Front".into(), "オリジン".into()]);
}

#[test]
fn comparison_table_is_one_section_and_term_rows_are_many() {
    let s = sections();
    let endpoints = section_at(&s, 58);
    assert!(endpoints.line_start <= 55 && endpoints.line_end >= 64, "{endpoints:?}");
    assert_eq!(endpoints.title, "[各エンドポイントの比較]");
    let fargate = section_at(&s, 262);
    assert_eq!(fargate.line_start, 257, "the EC2/Fargate comparison belongs to 起動タイプ: {fargate:?}");
    assert_eq!(fargate.title, "起動タイプ");
    assert_ne!(section_at(&s, 135).id, section_at(&s, 136).id, "term rows are separate sections");
}
