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
