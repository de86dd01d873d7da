//! The config's parsing and checks: errors name the key.

use super::*;

#[test]
fn empty_config_uses_bundled_notes() {
    let c = Config::parse("", "t.toml").unwrap();
    assert_eq!(c.corpus.paths, vec![PathBuf::from("corpus")]);
    assert_eq!(c.index.dir, PathBuf::from("index"));
}

#[test]
fn errors_name_the_key() {
    let cases = [
        ("[corpus]\npaths = 1\n", "corpus.paths"),
        ("[index]\ndirr = \"x\"\n", "index.dirr"),
        ("[corpsu]\npaths = []\n", "corpsu"),
        ("[index]\ndir = [1]\n", "index.dir"),
    ];
    for (text, key) in cases {
        let err = Config::parse(text, "shiori.toml").unwrap_err().to_string();
        assert!(err.contains(&format!("key `{key}`")), "{text:?} → {err}");
        assert!(err.starts_with("shiori.toml"), "{err}");
    }
}

#[test]
fn schedule_values_are_checked_and_named() {
    let text = "[[quiz.schedule]]\nplatform = \"discord\"\nchannel = \"1\"\ncron = \"0 9 * * 1-5\"\n\n[[quiz.schedule]]\nplatform = \"slack\"\nchannel = \"C1\"\ncron = \"0 9 * * 1-5\"\ntimezone = \"Mars/Olympus\"\n";
    let config = Config::parse(text, "shiori.toml").unwrap();
    let err = config.resolve("shiori.toml").unwrap_err().to_string();
    assert!(err.contains("quiz.schedule[1].timezone"), "{err}");
    let text = "[[quiz.schedule]]\nplatform = \"discord\"\nchannel = \"1\"\ncron = \"0 9 * * 1-5\"\nreveal_after = \"eight hours\"\n";
    let err = Config::parse(text, "shiori.toml").unwrap_err().to_string();
    assert!(err.contains("quiz.schedule[0].reveal_after"), "{err}");
    let entry = |platform: &str| {
        format!("[[quiz.schedule]]\nplatform = \"{platform}\"\nchannel = \"1\"\ncron = \"0 9 * * *\"\n\n")
    };
    let text = format!("{}{}{}{}", entry("discord"), entry("slack"), entry("discord"), entry("irc"));
    let err = Config::parse(&text, "shiori.toml").unwrap().resolve("shiori.toml").unwrap_err().to_string();
    assert!(err.contains("quiz.schedule[3].platform") && err.contains("\"irc\" is not one of"), "{err}");
}

#[test]
fn discord_ids_are_read_quoted_or_bare() {
    for id in ["1100000000000000000", "\"1100000000000000000\""] {
        let text = format!(
            "[discord]\nmode = \"http\"\napplication_id = {id}\nguild_id = {id}\n\n[[quiz.schedule]]\nplatform = \"discord\"\nchannel = {id}\ncron = \"0 9 * * *\"\n"
        );
        let config = Config::parse(&text, "shiori.toml").unwrap();
        let discord = config.discord.unwrap();
        assert_eq!(discord.application_id, Some(1_100_000_000_000_000_000), "{text}");
        assert_eq!(discord.guild_id, Some(1_100_000_000_000_000_000), "{text}");
        assert_eq!(config.quiz.schedule[0].channel, "1100000000000000000");
    }
    let e = Config::parse("[discord]\napplication_id = \"12ab\"\n", "shiori.toml").unwrap_err().to_string();
    assert!(e.contains("discord.application_id") && e.contains("not a Discord id"), "{e}");
}

#[test]
fn malformed_toml_is_an_error_not_a_panic() {
    assert!(Config::parse("[corpus\npaths=", "x.toml").is_err());
}

#[test]
fn learning_settings_are_checked_and_named() {
    let config = Config::parse("", "shiori.toml").unwrap();
    assert_eq!(config.quiz.report_threshold, 2, "two reports void a question unless configured");
    let config = Config::parse("[quiz]\nreport_threshold = 0\n", "shiori.toml").unwrap();
    let err = config.resolve("shiori.toml").unwrap_err().to_string();
    assert!(err.contains("quiz.report_threshold"), "{err}");
    let err = Config::parse("[quiz]\nreport_threshold = -1\n", "shiori.toml").unwrap_err().to_string();
    assert!(err.contains("quiz.report_threshold"), "{err}");
    let slack = Config::parse("[slack.commands]\nme = \"me\"\n", "shiori.toml").unwrap();
    let err = slack.resolve("shiori.toml").unwrap_err().to_string();
    assert!(err.contains("slack.commands.me"), "{err}");
}
