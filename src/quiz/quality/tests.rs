use super::*;
use crate::corpus::Citation;

fn question(stem: &str, choices: &[&str], answer_index: usize) -> Question {
    Question {
        id: "q".into(),
        question: stem.into(),
        choices: choices.iter().map(|c| c.to_string()).collect(),
        answer_index,
        explanation: String::new(),
        source: Citation { source: String::new(), path: vec![], line_start: 1, line_end: 1 },
        kind: "term".into(),
        section_id: String::new(),
        choice_notes: Vec::new(),
        source_digest: String::new(),
    }
}

#[test]
fn a_translated_setting_name_is_a_giveaway() {
    let mut words = Words::new().unwrap();
    let q = question(
        "次の説明に当てはまるものはどれ？\n「HTTP を HTTPS にリダイレクト。」",
        &["HTTP and HTTPS", "Redirect HTTP to HTTPS", "HTTPS Only", "Match Viewer"],
        1,
    );
    assert!(matches!(words.giveaway(&q), Some(w) if w.contains("リダイレクト")), "{:?}", words.giveaway(&q));
}

#[test]
fn a_word_only_the_answer_has_is_a_giveaway_and_a_shared_one_is_not() {
    let mut words = Words::new().unwrap();
    let given = question(
        "「タグ更新制約」の説明として正しいものはどれ？",
        &[
            "製品に付与されたタグの変更を制御する。",
            "SNS通知を送る。",
            "起動時のロールを指定する。",
            "パラメータに制限をかける。",
        ],
        0,
    );
    assert_eq!(words.giveaway(&given).as_deref(), Some("タグ"));
    let guessable = question(
        "次の説明に当てはまるものはどれ？\n「インスタンスの停止を防ぐ機能。」",
        &["停止保護", "自動復旧", "ハイバネーション", "終了保護"],
        0,
    );
    // Only the right choice says 停止, and so does the stem: guessable without knowing.
    assert_eq!(words.giveaway(&guessable).as_deref(), Some("停止"));
    let shared = question(
        "次の説明に当てはまるものはどれ？\n「インスタンスを保護する機能。」",
        &["停止保護", "自動復旧", "ハイバネーション", "終了保護"],
        0,
    );
    assert_eq!(words.giveaway(&shared), None, "保護 is in two choices");
}

#[test]
fn a_setting_name_in_camel_case_is_given_away_by_its_words() {
    let mut words = Words::new().unwrap();
    let q = question(
        "次の説明に当てはまるものはどれ？\n「送信元/送信先チェックをデフォルトで実行する。」",
        &["DisableApiTermination", "SrcDestCheck", "テナンシー(テナント属性)"],
        1,
    );
    assert_eq!(words.giveaway(&q).as_deref(), Some("チェック"), "{:?}", words.of("SrcDestCheck"));
    assert_eq!(split_camel_case("lowestPrice と HTTPS"), "lowest Price と HTTPS");
}

#[test]
fn a_part_of_a_katakana_compound_in_the_stem_is_a_giveaway() {
    let mut words = Words::new().unwrap();
    let q = question(
        "次の説明に当てはまるものはどれ？\n「プライマリが使えない場合にユーザーを別の WorkSpaces にリダイレクトする。」",
        &["IPアクセスコントロールグループ", "WorkSpaces Personal", "WorkSpaces Pools", "クロスリージョンリダイレクト機能"],
        3,
    );
    assert!(
        matches!(words.giveaway(&q), Some(w) if w.starts_with("リダイレクト")),
        "{:?} {:?}",
        words.giveaway(&q),
        words.of("クロスリージョンリダイレクト機能")
    );
}

#[test]
fn a_katakana_word_inside_the_answers_compound_is_a_giveaway() {
    let mut words = Words::new().unwrap();
    let q = question(
        "EC2の機能性のうち、次の説明に当てはまるものはどれ？\n「インスタンスに関するデータで、実行中のインスタンスを管理するために使用する。」",
        &["EC2 Instance Connect", "ブロックデバイスマッピング", "インスタンスメタデータ"],
        2,
    );
    assert_eq!(words.giveaway(&q).as_deref(), Some("データ"), "{:?}", words.of("インスタンスメタデータ"));
    // The other way round: the answer's word inside the stem's compound.
    let q = question(
        "「データレジデンシー対応」の説明として正しいものはどれ？",
        &["地理的に近いため、1桁ミリ秒の応答が可能", "規制や契約上、データを特定地域に保持したい場合に有効"],
        1,
    );
    assert_eq!(words.giveaway(&q).as_deref(), Some("データ"));
    // A part that another choice holds too gives nothing away.
    let q = question(
        "次の説明に当てはまるものはどれ？\n「実行中に取得できるデータ。」",
        &["インスタンスメタデータ", "データレジデンシー対応"],
        0,
    );
    assert_eq!(words.giveaway(&q), None);
}

#[test]
fn an_english_name_translated_in_the_stem_is_a_giveaway() {
    let mut words = Words::new().unwrap();
    let q = question(
        "AWSのサービスのうち、次の説明に当てはまるものはどれ？\n「リアルタイムの動画を配信するマネージド型ライブストリーミング。」",
        &["Elastic Transcoder", "IVS(Interactive Video Service)", "CloudSearch", "Amazon Connect"],
        1,
    );
    assert_eq!(words.giveaway(&q).as_deref(), Some("video→動画"));
    // The other way round: the stem names the setting, the answer translates it.
    let q = question(
        "「lowestPrice」の説明として正しいものはどれ？",
        &[
            "最も低い価格のインスタンスタイプに対してリクエストを行う。",
            "容量の空きが最も大きいプールから起動する。",
        ],
        0,
    );
    // (lowest ← 低い comes first; price ← 価格 gives it away as much.)
    assert_eq!(words.giveaway(&q).as_deref(), Some("lowest→低い"));
    // A word every choice could translate gives nothing away.
    let q = question(
        "次の説明に当てはまるものはどれ？\n「動画を変換する。」",
        &["Video Converter", "Video Streams"],
        0,
    );
    assert_eq!(words.giveaway(&q), None);
}

#[test]
fn a_katakana_name_and_an_abbreviation_are_read_as_their_words() {
    // フリート, in no dictionary of common words, is glossed by dict/glosses-aws.tsv, also
    // inside a compound.
    let fleet = question(
        "EC2のスポットインスタンスのうち、次の説明に当てはまるものはどれ？\n「スポットインスタンスの集合体。」",
        &["スポットフリート", "スポットインスタンスアドバイザ", "スポットブロック"],
        0,
    );
    assert_eq!(translated(&fleet).as_deref(), Some("スポットフリート→集合"));
    // ECR is Elastic Container Registry: レジストリ in the answer gives it away.
    let ecr = question(
        "「ECR」の説明として正しいものはどれ？",
        &["コンテナイメージを保存するレジストリ。", "コンテナを実行する。", "Kubernetesを動かす。"],
        0,
    );
    assert_eq!(translated(&ecr).as_deref(), Some("registry→レジストリ"));
    // A choice that names one of a service's names (WorkSpaces Pools, a name of WorkSpaces)
    // does not bring in the service's other names (WorkSpaces Personal).
    let personal = question(
        "次の説明に当てはまるものはどれ？\n「パーソナライズされたデスクトップ。」",
        &["WorkSpaces Personal", "WorkSpaces Pools", "WorkSpaces Core"],
        0,
    );
    assert_eq!(translated(&personal).as_deref(), Some("personal→パーソナライズ"));
    // What the other choices also say gives nothing away.
    let shared = question(
        "次の説明に当てはまるものはどれ？\n「スポットインスタンスの集合体。」",
        &["スポットフリート", "EC2 フリート", "スポットブロック"],
        0,
    );
    assert_eq!(translated(&shared), None);
}

#[test]
fn a_frame_that_only_the_answer_shares_a_word_with_is_a_giveaway() {
    let mut words = Words::new().unwrap();
    let choices = [
        "クラスタープレイスメントグループ",
        "スプレッドプレイスメントグループ",
        "パーティションプレイスメントグループ",
    ];
    let framed = question(
        "EC2のクラスター構成のうち、次の説明に当てはまるものはどれ？\n「単一AZ内で低レイテンシー。」",
        &choices,
        0,
    );
    assert!(
        matches!(words.giveaway(&framed), Some(w) if w.starts_with("クラスタ")),
        "{:?}",
        words.giveaway(&framed)
    );
    let plain = question("次の説明に当てはまるものはどれ？\n「単一AZ内で低レイテンシー。」", &choices, 0);
    assert_eq!(words.giveaway(&plain), None);
    // The generator's own frame for services says nothing.
    let service = question(
        "AWSのサービスのうち、「ライブストリーミング」が特徴のものはどれ？",
        &["IVS(Interactive Video Service)", "Elastic Transcoder", "CloudSearch"],
        0,
    );
    assert_eq!(words.giveaway(&service), None);
}

#[test]
fn markup_and_cut_choices_are_flaws() {
    let mut words = Words::new().unwrap();
    let q = question("「X」の説明として正しいものはどれ？", &["A。※注", "B…", "C", "D"], 2);
    let flaws = words.flaws(&q);
    assert!(flaws.contains(&Flaw::Markup("※".into())), "{flaws:?}");
    assert!(flaws.contains(&Flaw::CutChoice), "{flaws:?}");
    assert_eq!(markup("(開いたまま"), Some("(…) unbalanced".into()));
    assert_eq!(markup("「閉じた」(括弧)"), None);
}

#[test]
fn only_the_answer_masked_is_a_flaw() {
    let mut words = Words::new().unwrap();
    let q = question("「X」の説明として正しいものはどれ？", &["〇〇を使う", "B", "C", "D"], 0);
    assert!(words.flaws(&q).contains(&Flaw::MaskedAnswer));
}

#[test]
fn a_word_of_the_thing_in_a_negations_false_choice_hides_the_answer() {
    let mut words = Words::new().unwrap();
    let choices = [
        "インスタンス容量を完全にお客様専用として占有利用できる物理サーバ。",
        "別アカウントだけでなく、同アカウントのEC2インスタンスが同じサーバ上で起動できない。",
        "ホストコンピューターのOSなど直接下層のハードウェアにアクセスが可能。",
    ];
    // Asked as true, ホスト in the stem and only in the answer gives it away…
    let mut q = question("「EC2 Dedicated Host」について正しいものはどれ？", &choices, 2);
    q.kind = "statement".into();
    assert!(words.giveaway(&q).is_some());
    // …asked as the false one, it makes the answer look true.
    q.question = "「EC2 Dedicated Host」について誤っているものはどれ？".into();
    q.kind = "negation".into();
    assert_eq!(words.giveaway(&q), None);
}

#[test]
fn an_autoscaler_is_given_away_by_scaling() {
    let mut words = Words::new().unwrap();
    let mut q = question(
        "「Kubernetes Cluster Autoscaler」の説明として正しいものはどれ？",
        &[
            "Podを一定数維持する機能。",
            "予測不可能な数のステートレスPodに対応するためのスケーリングを提供。",
            "Podを複数のアベイラビリティゾーンに均等に分散させる。",
        ],
        1,
    );
    q.kind = "definition".into();
    assert!(words.giveaway(&q).is_some_and(|w| w.contains("スケーリング")), "{:?}", words.giveaway(&q));
}
