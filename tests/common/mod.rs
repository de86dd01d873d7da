//! Helpers shared by the integration tests: the real notes, a private index per test, and the
//! built `shiori` binary.

#![allow(dead_code)] // each test binary uses a different subset of these helpers

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn notes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

pub fn notes_lines() -> Vec<String> {
    std::fs::read_to_string(notes_dir().join("aws-notes.txt")).unwrap().lines().map(str::to_owned).collect()
}

/// Runs `shiori` with the real notes and a fresh index directory inside `scratch`.
/// Every environment variable shiori reads a secret from.
pub const SECRETS: [&str; 5] = [
    "SHIORI_API_TOKEN",
    "SHIORI_DISCORD_TOKEN",
    "SHIORI_SLACK_BOT_TOKEN",
    "SHIORI_SLACK_APP_TOKEN",
    "SHIORI_SLACK_SIGNING_SECRET",
];

pub fn shiori(scratch: &Path, args: &[&str]) -> Output {
    shiori_with(scratch, &notes_dir(), args, None)
}

/// Runs `shiori` on a given notes directory, optionally feeding `stdin`.
pub fn shiori_with(scratch: &Path, notes: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shiori"));
    cmd.arg("--corpus").arg(notes).arg("--index").arg(scratch.join("index")).args(args);
    cmd.current_dir(scratch).env_remove("SHIORI_LOG");
    for secret in SECRETS {
        cmd.env_remove(secret);
    }
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn shiori");
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    child.wait_with_output().expect("wait for shiori")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "shiori failed: {}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("valid JSON on stdout")
}

/// A `shiori serve` child process, killed when dropped (a failing test leaves nothing running).
pub struct Server {
    pub child: std::process::Child,
    /// `http://127.0.0.1:<port>`, from the "listening on" line.
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `shiori serve` on a free port with `notes` and `extra_config` after an `[http]` table,
/// only the environment variables in `env` among shiori's secrets, and waits for the
/// "listening" line.
pub fn serve_with(
    dir: &Path,
    notes: &Path,
    extra_config: &str,
    env: &[(&str, &str)],
    stderr: Stdio,
) -> Server {
    use std::io::{BufRead, BufReader};
    let config = format!("[http]\nlisten = \"127.0.0.1:0\"\n{extra_config}");
    std::fs::write(dir.join("shiori.toml"), config).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shiori"));
    cmd.arg("--corpus").arg(notes).args(["--index", "index", "serve"]).current_dir(dir);
    for secret in SECRETS {
        cmd.env_remove(secret);
    }
    cmd.env_remove("SHIORI_LOG").envs(env.iter().copied());
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(stderr).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let base = line.trim().strip_prefix("listening on ").expect("listening line").to_owned();
    Server { child, base }
}

/// GET `url`: status and body (status 0 with the error when there was no response).
pub fn get(url: &str) -> (u16, String) {
    match ureq::get(url).timeout(std::time::Duration::from_secs(5)).call() {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
        Err(e) => (0, e.to_string()),
    }
}

/// Waits (at most 20 s) until `/readyz` says 200.
pub fn wait_ready(base: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while get(&format!("{base}/readyz")).0 != 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "not ready in time: {:?}",
            get(&format!("{base}/readyz"))
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Percent-encodes every byte (for query strings).
pub fn q(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// Sends SIGTERM to the server and waits (at most `within`) for it to exit; its exit status.
pub fn terminate(server: &mut Server, within: std::time::Duration) -> std::process::ExitStatus {
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let deadline = std::time::Instant::now() + within;
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            return status;
        }
        assert!(std::time::Instant::now() < deadline, "still running {within:?} after SIGTERM");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Every non-empty line of a note is in exactly one section, and sections are well formed.
pub fn covers_every_line(
    sections: &[shiori::corpus::Section],
    lines: &[&str],
) -> Result<(), proptest::test_runner::TestCaseError> {
    use proptest::{prop_assert, prop_assert_eq};
    for (i, line) in lines.iter().enumerate() {
        let no = i + 1;
        let holders = sections.iter().filter(|s| s.line_start <= no && no <= s.line_end).count();
        if line.trim().is_empty() {
            prop_assert!(holders <= 1);
        } else {
            prop_assert_eq!(holders, 1, "line {} {:?}", no, line);
        }
    }
    for s in sections {
        prop_assert!(s.line_start <= s.line_end && s.line_end <= lines.len().max(1));
        prop_assert_eq!(s.path.last(), Some(&s.title));
    }
    Ok(())
}

/// Runs `f(0..n)` on `n` threads released at the same moment; the results in order.
pub fn concurrently<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let barrier = std::sync::Barrier::new(n);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (barrier, f) = (&barrier, &f);
                scope.spawn(move || {
                    barrier.wait();
                    f(i)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// The `p`-th percentile (0–100) of `latencies`, and prints a summary line for the test log.
pub fn report(label: &str, latencies: &mut [std::time::Duration], p: f64) -> std::time::Duration {
    latencies.sort_unstable();
    let at = |q: f64| {
        latencies[((latencies.len() as f64 * q / 100.0).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    eprintln!(
        "{label}: {} requests, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        at(50.0).as_secs_f64() * 1000.0,
        at(99.0).as_secs_f64() * 1000.0,
        latencies.last().unwrap().as_secs_f64() * 1000.0
    );
    at(p)
}

/// POSTs `body` over a plain socket and returns the status code: unlike an HTTP client, it
/// still reads the answer when the server refuses the body before it is all sent (413).
pub fn raw_post(base: &str, path: &str, body: &[u8]) -> u16 {
    use std::io::{Read, Write};
    let addr = base.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let _ = stream.write_all(body); // the server may stop reading early
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response);
    text.split_whitespace().nth(1).and_then(|code| code.parse().ok()).unwrap_or(0)
}

/// Reads the server's stderr (it must have been started with `Stdio::piped()`) on a thread;
/// join it after the server exits to get every log line.
pub fn capture_stderr(server: &mut Server) -> std::thread::JoinHandle<String> {
    let mut stderr = server.child.stderr.take().expect("stderr piped");
    std::thread::spawn(move || {
        let mut logs = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut logs).unwrap();
        logs
    })
}

/// What a stub server saw: method, path, JSON body, and when it arrived.
pub type Seen = std::sync::Arc<std::sync::Mutex<Vec<(String, String, serde_json::Value)>>>;

/// A message the bot posted, as Discord describes it.
pub fn discord_message(id: u64) -> serde_json::Value {
    serde_json::json!({
        "id": id.to_string(), "channel_id": "123456789012345678", "type": 0,
        "author": {"id": "1100000000000000000", "username": "shiori", "discriminator": "0", "avatar": null, "bot": true},
        "content": "", "timestamp": "2026-11-25T00:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": [], "pinned": false, "components": []
    })
}

/// A stub of Discord's REST API on a free port: records every request and answers each with a
/// message object, ids counting up from 700000000000000001. Its base URL and what it saw.
pub fn discord_rest_stub() -> (String, Seen) {
    let (base, seen, _) = discord_rest_stub_timed();
    (base, seen)
}

/// [`discord_rest_stub`], also recording when each request arrived.
pub fn discord_rest_stub_timed(
) -> (String, Seen, std::sync::Arc<std::sync::Mutex<Vec<std::time::SystemTime>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Default::default();
    let times: std::sync::Arc<std::sync::Mutex<Vec<std::time::SystemTime>>> = Default::default();
    let (record, record_times) = (std::sync::Arc::clone(&seen), std::sync::Arc::clone(&times));
    std::thread::spawn(move || {
        let mut next_id = 700000000000000001u64;
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                continue;
            }
            let mut length = 0;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                    break;
                }
                if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let mut parts = request_line.split_whitespace();
            let (method, path) =
                (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("").to_owned());
            let id = if method == "POST" {
                next_id += 1;
                next_id - 1
            } else {
                path.rsplit('/').next().and_then(|id| id.parse().ok()).unwrap_or(next_id)
            };
            record_times.lock().unwrap().push(std::time::SystemTime::now());
            record.lock().unwrap().push((method, path, serde_json::from_slice(&body).unwrap_or_default()));
            let message = discord_message(id).to_string();
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{message}",
                message.len()
            );
            let mut stream = stream;
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (base, seen, times)
}
