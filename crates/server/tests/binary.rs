//! The `quire` binary as an operator runs it: environment variables, a config file, the
//! `migrate` command, and a graceful stop on SIGTERM.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn quire(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_quire"));
    command
        .current_dir(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("QUIRE_BIND")
        .env_remove("QUIRE_BASE_URL")
        .env_remove("QUIRE_SITE_TITLE")
        .env_remove("QUIRE_CONFIG")
        .env_remove("SEARCH_URL")
        .env("QUIRE_DATA_DIR", data_dir)
        .env("RUST_LOG", "info");
    command
}

/// Collects the child's stderr lines on a thread, so we can wait for one with a deadline.
fn stderr_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    let stderr = child.stderr.take().expect("stderr piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

fn wait_for_line(lines: &mpsc::Receiver<String>, needle: &str, seen: &mut Vec<String>) -> String {
    loop {
        match lines.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => {
                seen.push(line.clone());
                if line.contains(needle) {
                    return line;
                }
            }
            Err(_) => panic!("no line containing {needle:?}; saw:\n{}", seen.join("\n")),
        }
    }
}

fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serves_with_env_over_file_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("site.toml");
    std::fs::write(
        &config,
        "site_title = \"From the file\"\nbind = \"127.0.0.1:0\"\n",
    )
    .unwrap();
    let mut child = quire(dir.path())
        .arg("serve")
        .arg("--config")
        .arg(&config)
        .env("QUIRE_SITE_TITLE", "From the environment")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let lines = stderr_lines(&mut child);
    let mut seen = Vec::new();
    let listening = wait_for_line(&lines, "listening on http://", &mut seen);
    let addr = listening
        .split("listening on http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    assert!(
        seen.iter()
            .any(|l| l.contains("config site_title = From the environment")),
        "effective configuration printed: {seen:?}"
    );

    let home = http_get(&addr, "/");
    assert!(
        home.starts_with("HTTP/1.0 200") || home.starts_with("HTTP/1.1 200"),
        "{home}"
    );
    assert!(
        home.contains("<title>From the environment</title>"),
        "{home}"
    );
    assert!(
        dir.path().join("quire.db").is_file(),
        "database created in the data dir"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    wait_for_line(&lines, "quire stopped", &mut seen);
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit status {exit:?}");
}

#[test]
fn migrate_applies_then_reports_nothing_pending() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = quire(dir.path()).args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let before = run(&["migrate", "--status"]);
    assert!(
        before.contains("pending: 2026-11-25-000100_create_outbox"),
        "{before}"
    );
    let applied = run(&["migrate"]);
    assert!(
        applied.contains("applied: 2026-11-25-000400_create_comments"),
        "{applied}"
    );
    let after = run(&["migrate", "--status"]);
    assert!(after.contains("no migration pending"), "{after}");
}

#[test]
fn bad_configuration_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let output = quire(dir.path())
        .env("DATABASE_URL", "mysql://localhost/blog")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unsupported database URL scheme `mysql`"),
        "{stderr}"
    );
}

#[test]
fn help_describes_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let output = quire(dir.path()).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for word in ["serve", "migrate", "--database-url", "--data-dir"] {
        assert!(help.contains(word), "{help}");
    }
}

#[test]
fn admin_creates_a_user_with_a_role_and_a_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let create = |username: &str, password: &str| {
        let mut child = quire(dir.path())
            .args(["admin", "create-user", "--username", username])
            .args([
                "--email",
                &format!("{username}@example.org"),
                "--role",
                "admin",
            ])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        let output = child.wait_with_output().unwrap();
        (
            output.status,
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (status, log) = create("boss", "a long enough password");
    assert!(status.success(), "{log}");
    assert!(log.contains("created boss as admin"), "{log}");
    let (status, log) = create("boss2", "short");
    assert_eq!(status.code(), Some(2));
    assert!(log.contains("password"), "{log}");
    let (status, log) = create("boss", "a long enough password");
    assert_eq!(status.code(), Some(2), "{log}");
}

/// A plain HTTP/1.0 exchange: status, raw headers and body.
fn http(addr: &str, method: &str, path: &str, cookie: &str, form: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}

/// The value of the cookie `name` set by a response's headers.
fn set_cookie(head: &str, name: &str) -> String {
    head.lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .filter_map(|l| l.strip_prefix(&format!("{name}=")))
        .map(|l| l.split(';').next().unwrap_or("").to_owned())
        .next()
        .unwrap_or_else(|| panic!("no {name} cookie in\n{head}"))
}

/// The CSRF token in a page's form.
fn csrf_token(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).expect("a form with a CSRF token") + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

/// Starts `quire serve` on a free port (SQLite in `dir` unless `database_url` says otherwise;
/// search in-process unless `search_url` names a `quire-search`). Returns the process, its
/// address and its log; keep the log receiver alive as long as the process runs.
fn start_serving(
    dir: &Path,
    database_url: Option<&str>,
    search_url: Option<&str>,
) -> (Child, String, mpsc::Receiver<String>) {
    let mut command = quire(dir);
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    if let Some(url) = search_url {
        command.env("SEARCH_URL", url);
    }
    let mut child = command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let lines = stderr_lines(&mut child);
    let listening = wait_for_line(&lines, "listening on http://", &mut Vec::new());
    let addr = listening
        .split("listening on http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    (child, addr, lines)
}

/// Two `quire` processes on one PostgreSQL database: a post published through one shows on
/// the other's cached pages as soon as the other's relay has read the event (it polls the
/// outbox twice a second), with no restart and no expiry time.
#[test]
fn two_instances_on_one_postgres_database_stay_coherent() {
    let db = kernel::testing::TestDatabase::create(kernel::Backend::Postgres);
    let url = db.url().to_string();
    let dir = tempfile::tempdir().unwrap();
    create_alice(dir.path(), Some(&url));

    let (mut writer, writer_addr, _writer_log) = start_serving(dir.path(), Some(&url), None);
    let (mut reader, reader_addr, _reader_log) = start_serving(dir.path(), Some(&url), None);

    // The reader instance caches its home page.
    for _ in 0..2 {
        http(&reader_addr, "GET", "/", "", "");
    }
    let (_, head, home) = http(&reader_addr, "GET", "/", "", "");
    assert!(head.contains("x-cache: hit"), "{head}");
    assert!(!home.contains("Across the wire"));

    // Alice signs in and publishes through the writer instance.
    publish_through(
        &writer_addr,
        "Across the wire",
        "Written on one, read on the other.",
    );

    let mut seen = false;
    for _ in 0..50 {
        let (_, _, home) = http(&reader_addr, "GET", "/", "", "");
        if home.contains("Across the wire") {
            seen = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        seen,
        "the other instance shows the new post once it read the event"
    );
    let (_, head, home) = http(&reader_addr, "GET", "/", "", "");
    assert!(home.contains("Across the wire"));
    assert!(head.contains("x-cache: hit"), "and caches it again: {head}");

    for child in [&mut writer, &mut reader] {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

/// Two `quire` processes on one PostgreSQL database, each remembering the sessions it has
/// checked: a sign-out through one ends the session on the other as soon as the other's
/// relay has read the event (it polls the outbox twice a second).
#[test]
fn a_sign_out_through_one_instance_ends_the_session_on_the_other() {
    let db = kernel::testing::TestDatabase::create(kernel::Backend::Postgres);
    let url = db.url().to_string();
    let dir = tempfile::tempdir().unwrap();
    create_alice(dir.path(), Some(&url));
    let (mut one, one_addr, _one_log) = start_serving(dir.path(), Some(&url), None);
    let (mut other, other_addr, _other_log) = start_serving(dir.path(), Some(&url), None);

    let session = sign_in_alice(&one_addr);
    // Both check the session (the second request of each is answered from memory).
    for addr in [&one_addr, &other_addr] {
        for _ in 0..2 {
            let (status, head, _) = http(addr, "GET", "/write", &session, "");
            assert_eq!(status, 200, "signed in on {addr}: {head}");
        }
    }

    let (_, _, home) = http(&one_addr, "GET", "/", &session, "");
    let form = format!("csrf_token={}", csrf_token(&home));
    let (status, head, _) = http(&one_addr, "POST", "/logout", &session, &form);
    assert_eq!(status, 303, "{head}");
    let (status, _, _) = http(&one_addr, "GET", "/write", &session, "");
    assert_eq!(status, 303, "signed out at once where it happened");

    let mut ended = false;
    for _ in 0..100 {
        let (status, _, _) = http(&other_addr, "GET", "/write", &session, "");
        if status == 303 {
            ended = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        ended,
        "the other instance ends the session once it read the event"
    );

    for child in [&mut one, &mut other] {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

/// The `quire-search` binary beside `quire` (built by `cargo test --workspace`, or by
/// `cargo build -p search --bin quire-search`).
fn quire_search_binary() -> std::path::PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_quire")).with_file_name("quire-search");
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build -p search --bin quire-search` (or the whole \
         workspace's tests) first",
        path.display()
    );
    path
}

fn start_search_service(data_dir: &Path, bind: &str) -> (Child, String, mpsc::Receiver<String>) {
    let mut child = Command::new(quire_search_binary())
        .args(["--bind", bind, "--data-dir"])
        .arg(data_dir)
        .env("RUST_LOG", "info")
        .env_remove("QUIRE_SEARCH_BIND")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let lines = stderr_lines(&mut child);
    let line = wait_for_line(&lines, "quire-search listening", &mut Vec::new());
    let addr = line
        .split("address=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    (child, addr, lines)
}

/// Signs `alice` in on `addr`; gives her session as a `Cookie` header's value.
fn sign_in_alice(addr: &str) -> String {
    let (_, head, page) = http(addr, "GET", "/login", "", "");
    let csrf = set_cookie(&head, "quire_csrf");
    let form = format!(
        "csrf_token={}&login=alice&password=a+long+enough+password&next=%2F",
        csrf_token(&page)
    );
    let (status, head, _) = http(addr, "POST", "/login", &format!("quire_csrf={csrf}"), &form);
    assert_eq!(status, 303, "{head}");
    format!("quire_session={}", set_cookie(&head, "quire_session"))
}

/// Signs `alice` in on `addr` and publishes a post; returns nothing, panics on failure.
fn publish_through(addr: &str, title: &str, body: &str) {
    let session = sign_in_alice(addr);
    let (_, _, editor) = http(addr, "GET", "/write", &session, "");
    let form = format!(
        "csrf_token={}&title={}&description=&tags=&cover_image_url=&slug=&body={}\
         &publish_at=&action=publish",
        csrf_token(&editor),
        title.replace(' ', "+"),
        body.replace(' ', "+"),
    );
    let (status, head, _) = http(addr, "POST", "/write", &session, &form);
    assert_eq!(status, 303, "{head}");
}

/// The slugs `/api/search?q=` answers on `addr`, once `expected` is among them (polling
/// for at most `patience`).
fn search_slugs(addr: &str, q: &str, expected: &str, patience: Duration) -> Vec<String> {
    let deadline = std::time::Instant::now() + patience;
    while std::time::Instant::now() < deadline {
        let (status, _, body) = http(addr, "GET", &format!("/api/search?q={q}"), "", "");
        if status == 200 {
            let json: serde_json::Value = serde_json::from_str(&body).unwrap();
            let slugs: Vec<String> = json["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["slug"].as_str().unwrap().to_owned())
                .collect();
            if slugs.iter().any(|s| s == expected) {
                return slugs;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{addr}: searching {q} never found {expected}");
}

fn create_alice(dir: &Path, database_url: Option<&str>) {
    let mut command = quire(dir);
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    let mut create = command
        .args(["admin", "create-user", "--username", "alice"])
        .args(["--email", "alice@example.org", "--role", "author"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(create.stdin.take().unwrap(), "a long enough password").unwrap();
    let created = create.wait_with_output().unwrap();
    assert!(created.status.success(), "{created:?}");
}

/// Extraction rehearsal: `quire` with `SEARCH_URL` uses a `quire-search` process, finds what
/// an in-process `quire` finds, and loses nothing while the service is down.
#[test]
fn search_runs_as_its_own_service_with_the_same_results() {
    extraction_rehearsal(None);
}

/// The same with the extracted site's database on PostgreSQL.
#[test]
fn search_runs_as_its_own_service_on_postgres_too() {
    let db = kernel::testing::TestDatabase::create(kernel::Backend::Postgres);
    extraction_rehearsal(Some(&db.url().to_string()));
}

/// An in-process `quire` (SQLite) and a `quire` using a `quire-search` process (on
/// `database_url`, else SQLite) get the same posts; the service is then killed and restarted.
fn extraction_rehearsal(database_url: Option<&str>) {
    // In-process search.
    let local_dir = tempfile::tempdir().unwrap();
    create_alice(local_dir.path(), None);
    let (mut local, local_addr, _local_log) = start_serving(local_dir.path(), None, None);

    // The same site with search in its own process.
    let remote_dir = tempfile::tempdir().unwrap();
    let search_dir = tempfile::tempdir().unwrap();
    create_alice(remote_dir.path(), database_url);
    let (mut service, service_addr, _service_log) =
        start_search_service(search_dir.path(), "127.0.0.1:0");
    let (mut remote, remote_addr, remote_lines) = start_serving(
        remote_dir.path(),
        database_url,
        Some(&format!("http://{service_addr}")),
    );

    let posts = [
        (
            "Bread and patience",
            "A sourdough starter takes a week of patience.",
        ),
        (
            "Patience in the garden",
            "Tomatoes ripen when they will: patience, patience and more patience.",
        ),
        (
            "Fast weeknight noodles",
            "Noodles in ten minutes, no patience needed.",
        ),
    ];
    for (title, body) in posts {
        publish_through(&local_addr, title, body);
        publish_through(&remote_addr, title, body);
    }
    // Relevance differs clearly between the three (ties could come back in either order).
    let in_process = search_slugs(
        &local_addr,
        "patience",
        "fast-weeknight-noodles",
        Duration::from_secs(10),
    );
    let extracted = search_slugs(
        &remote_addr,
        "patience",
        "fast-weeknight-noodles",
        Duration::from_secs(10),
    );
    assert_eq!(in_process.len(), 3);
    assert_eq!(in_process[0], "patience-in-the-garden");
    assert_eq!(in_process, extracted, "same results, same order");

    // The service goes down: writes still succeed, search says it is unavailable, and the
    // restarted service catches up through the relay's retries.
    service.kill().unwrap();
    service.wait().unwrap();
    publish_through(
        &remote_addr,
        "Written while search slept",
        "Nothing is lost here.",
    );
    let (status, _, _) = http(&remote_addr, "GET", "/api/search?q=lost", "", "");
    assert_eq!(status, 503);
    assert_eq!(http(&remote_addr, "GET", "/", "", "").0, 200);
    let (mut service, _, service_log) = start_search_service(search_dir.path(), &service_addr);
    // The relay backs off while the service is down (doubling, at most 30 s between
    // tries), so catching up may take up to that long.
    // On failure, show both logs.
    let caught_up = std::panic::catch_unwind(|| {
        search_slugs(
            &remote_addr,
            "lost",
            "written-while-search-slept",
            Duration::from_secs(75),
        )
    });
    if caught_up.is_err() {
        let log: Vec<String> = remote_lines.try_iter().collect();
        let tail = log.len().saturating_sub(40);
        let service: Vec<String> = service_log.try_iter().collect();
        panic!(
            "not caught up; quire's log:\n{}\nquire-search's log:\n{}",
            log[tail..].join("\n"),
            service.join("\n")
        );
    }

    for child in [&mut local, &mut remote, &mut service] {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
