//! `shiori serve` as a process: health, readiness, metrics, the API, graceful shutdown on
//! SIGTERM with requests in flight, and notes edited while it serves.

mod common;

use common::{get, q, serve_with, wait_ready, Server};

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn serve(dir: &Path, notes: &Path, extra_config: &str) -> Server {
    serve_with(dir, notes, extra_config, &[], Stdio::null())
}

#[test]
fn health_readiness_metrics_and_api() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &common::notes_dir(), "api_token = \"tok-123\"\n");
    assert_eq!(get(&format!("{}/healthz", server.base)).0, 200);
    wait_ready(&server.base);
    let port = server.base.rsplit(':').next().unwrap();
    let probe = |listen: &str| {
        std::fs::write(dir.path().join("probe.toml"), format!("[http]\nlisten = \"{listen}\"\n")).unwrap();
        Command::new(env!("CARGO_BIN_EXE_shiori"))
            .current_dir(dir.path())
            .arg("--corpus")
            .arg(common::notes_dir())
            .args(["--config", "probe.toml", "healthcheck"])
            .output()
            .unwrap()
    };
    let up = probe(&format!("0.0.0.0:{port}"));
    assert!(up.status.success(), "healthcheck: {}", String::from_utf8_lossy(&up.stderr));
    assert_eq!(probe("127.0.0.1:1").status.code(), Some(1), "nothing listens on port 1");

    let (status, body) =
        get(&format!("{}/api/search?q={}&limit=2", server.base, q("ＥＣ２　ハイバネーション")));
    assert_eq!(status, 200);
    let hits: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 2);
    assert_eq!(hits[0]["line_start"], 138);

    assert_eq!(get(&format!("{}/api/ask?q={}", server.base, q("ハイバネーション"))).0, 401, "token required");
    let body = ureq::get(&format!("{}/api/ask?q={}", server.base, q("ハイバネーション")))
        .set("Authorization", "Bearer tok-123")
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    let ask: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ask["citations"][0]["line_start"], 138);

    assert_eq!(get(&format!("{}/api/search?q=", server.base)).0, 400, "empty question");
    assert_eq!(get(&format!("{}/api/search", server.base)).0, 400, "missing q");
    assert_eq!(get(&format!("{}/api/search?q=EC2&limit=500", server.base)).0, 400, "limit out of range");

    let (_, metrics) = get(&format!("{}/metrics", server.base));
    assert!(metrics.contains("shiori_requests_total{command=\"search\",platform=\"http\"}"), "{metrics}");
    assert!(metrics.contains("shiori_requests_total{command=\"ask\",platform=\"http\"} 1"), "{metrics}");
    assert!(metrics.contains("shiori_index_sections 246"), "{metrics}");
    assert!(metrics.contains("shiori_errors_total{kind=\"unauthorized\"} 1"), "{metrics}");
    assert!(metrics.contains("shiori_answer_seconds_bucket"), "{metrics}");
}

#[test]
fn sigterm_lets_requests_in_flight_finish_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(dir.path(), &common::notes_dir(), "");
    wait_ready(&server.base);
    let stop = Arc::new(AtomicBool::new(false));
    let (ok, failed_mid_response) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let workers: Vec<_> = (0..8)
        .map(|i| {
            let (base, stop, ok, bad) =
                (server.base.clone(), stop.clone(), ok.clone(), failed_mid_response.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match ureq::get(&format!("{base}/api/search?q={}", q(&format!("インスタンス {i}"))))
                        .call()
                    {
                        Ok(r) if r.status() == 200 => {
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        // Refused after the listener closed: not in flight, fine.
                        Err(ureq::Error::Transport(t)) if t.kind() == ureq::ErrorKind::ConnectionFailed => {
                            break
                        }
                        Err(ureq::Error::Transport(t)) if t.kind() == ureq::ErrorKind::Io => break,
                        _ => {
                            bad.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let status = common::terminate(&mut server, Duration::from_secs(5));
    stop.store(true, Ordering::Relaxed);
    workers.into_iter().for_each(|w| w.join().unwrap());
    assert!(status.success(), "exit status {status:?}");
    assert!(ok.load(Ordering::Relaxed) > 0);
    assert_eq!(
        failed_mid_response.load(Ordering::Relaxed),
        0,
        "no request failed with a 5xx or mid-response"
    );
}

#[test]
fn an_edited_note_is_searchable_within_five_seconds_while_searches_keep_answering() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::copy(common::notes_dir().join("aws-notes.txt"), notes.join("aws-notes.txt")).unwrap();
    let server = serve(dir.path(), &notes, "");
    wait_ready(&server.base);
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(AtomicUsize::new(0));
    let searching = {
        let (base, stop, failures) = (server.base.clone(), stop.clone(), failures.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                if get(&format!("{base}/api/search?q={}", q("スポットインスタンス"))).0 != 200 {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
                n += 1;
            }
            n
        })
    };
    std::fs::write(notes.join("new.md"), "# ゼブラフィッシュ\n\nシオリのテスト用に追加した一意な説明文。\n")
        .unwrap();
    let written = Instant::now();
    loop {
        let (status, body) = get(&format!("{}/api/search?q={}&limit=1", server.base, q("ゼブラフィッシュ")));
        if status == 200 && body.contains("new.md") {
            break;
        }
        assert!(written.elapsed() < Duration::from_secs(5), "edit not searchable after 5 s: {body}");
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::Relaxed);
    let searches = searching.join().unwrap();
    assert!(searches > 10);
    assert_eq!(failures.load(Ordering::Relaxed), 0, "a search failed during the rebuild");
    let (_, metrics) = get(&format!("{}/metrics", server.base));
    assert!(metrics.contains("shiori_index_reloads_total 1"), "{metrics}");
}

#[test]
fn an_unwritable_store_disables_the_quiz_but_ask_keeps_answering() {
    let dir = tempfile::tempdir().unwrap();
    // A store path under a regular file can never be created (works as root too).
    std::fs::write(dir.path().join("blocker"), "").unwrap();
    let server = serve(dir.path(), &common::notes_dir(), "[store]\npath = \"blocker/shiori.db\"\n");
    wait_ready(&server.base);
    let (status, body) = get(&format!("{}/api/ask?q={}", server.base, q("ハイバネーション")));
    assert_eq!(status, 200, "{body}");
    let (_, metrics) = get(&format!("{}/metrics", server.base));
    assert!(metrics.contains("shiori_errors_total{kind=\"store\"} 1"), "{metrics}");
}

#[test]
fn secrets_never_reach_a_log_line_even_at_trace() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "tok-9f8e7d6c5b4a-very-secret";
    let env = [("SHIORI_API_TOKEN", secret), ("SHIORI_LOG", "trace")];
    let mut server = serve_with(dir.path(), &common::notes_dir(), "", &env, Stdio::piped());
    let base = server.base.clone();
    wait_ready(&base);
    let ok = ureq::get(&format!("{base}/api/ask?q={}", q("ハイバネーション")))
        .set("Authorization", &format!("Bearer {secret}"))
        .call()
        .unwrap();
    assert_eq!(ok.status(), 200);
    let _ = get(&format!("{base}/api/ask?q=x")); // a refused one too
    let _ = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status();
    let mut logs = String::new();
    std::io::Read::read_to_string(&mut server.child.stderr.take().unwrap(), &mut logs).unwrap();
    assert!(logs.lines().count() > 10, "trace logging produced lines: {logs}");
    assert!(!logs.contains(secret), "the token appeared in the logs");
    assert!(!logs.contains("very-secret"));
}

#[test]
fn two_hundred_concurrent_api_asks_are_all_answered() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &common::notes_dir(), "");
    wait_ready(&server.base);
    let url = format!("{}/api/ask?q={}", server.base, q("スポットインスタンスの中断を減らすには？"));
    let results = common::concurrently(200, |_| {
        let started = Instant::now();
        let (status, body) = get(&url);
        (status, body, started.elapsed())
    });
    let mut latencies: Vec<Duration> = results.iter().map(|r| r.2).collect();
    for (status, body, _) in &results {
        assert_eq!(*status, 200, "{body}");
        assert!(body.contains("aws-notes.txt"));
    }
    common::report("/api/ask x200 concurrent", &mut latencies, 99.0);
}
