//! The generated site in a real browser: Debian's `chromium`, headless, on `file://` URLs.
//!
//! - Every page of `generated/site/` loads (all at once, as frames of one harness page) with
//!   no console message at all: no script error, no failed load.
//! - The search works: `search.html#q=callSync` types the query into the search box (the
//!   script dispatches the same `input` event a person's typing does) and the results in the
//!   DOM must list `Instance.callSync` first.
//! - A screenshot of the front page is saved as `<target-dir>/tmp/site-index.png`.
//!
//! Broken internal links are checked without a browser (`fresh.rs`, `site_check`).
//!
//! Chromium comes from `CHROMIUM` or PATH (`chromium`, `chromium-browser`); when it is
//! missing and the test runs as root, it installs Debian's `chromium` with apt-get. Only when
//! that cannot be done does it print `SKIPPED browser: <reason>` and record the skip for
//! `cargo xtask test`'s summary (which fails on any skip under `CI`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .parent()
        .expect("codegen/ has a parent")
        .to_path_buf()
}

fn runs(program: &Path) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn find_chromium() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::env::var_os("CHROMIUM").map(PathBuf::from).into_iter().collect();
    candidates.extend(["chromium", "chromium-browser"].map(PathBuf::from));
    candidates.into_iter().find(|c| runs(c))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Chromium, installed with apt-get when missing and allowed; `Err` is the skip reason.
fn chromium() -> Result<PathBuf, String> {
    if let Some(found) = find_chromium() {
        return Ok(found);
    }
    if !is_root() {
        return Err("chromium is not installed and this test is not root, so it cannot apt-get install it".into());
    }
    let apt = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .output()
            .map_err(|e| format!("apt-get: {e}"))
            .and_then(|o| {
                if o.status.success() {
                    Ok(())
                } else {
                    Err(format!("apt-get {} failed: {}", args.join(" "), String::from_utf8_lossy(&o.stderr).trim()))
                }
            })
    };
    eprintln!("browser: installing Debian's chromium with apt-get");
    if apt(&["install", "-y", "-q", "chromium"]).is_err() {
        apt(&["update", "-q"])?;
        apt(&["install", "-y", "-q", "chromium"])?;
    }
    find_chromium().ok_or_else(|| "apt-get installed chromium but no `chromium` runs".into())
}

fn record_skip(reason: &str) {
    println!("SKIPPED browser: {reason}");
    let Some(log) = std::env::var_os("EXT_WASM_SKIP_LOG") else { return };
    let line = format!("browser\t{}\n", reason.replace(['\t', '\n'], " "));
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .and_then(|mut f| std::io::Write::write_all(&mut f, line.as_bytes()));
    if let Err(e) = written {
        panic!("cannot record the skip in {}: {e}", Path::new(&log).display());
    }
}

/// What one headless run printed: the DOM (with `--dump-dom`) and the console messages.
struct Run {
    stdout: String,
    console: Vec<String>,
}

/// Run headless chromium with `args` and a fresh profile; fail after a minute.
fn headless(chromium: &Path, name: &str, args: &[String]) -> Run {
    let profile =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("chromium-profile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let mut child = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let start = Instant::now();
    loop {
        if child.try_wait().expect("waiting for chromium").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium ({name}) did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = std::fs::remove_dir_all(&profile);
    let stderr = err.join().unwrap_or_default();
    Run {
        stdout: out.join().unwrap_or_default(),
        // Chromium logs every console message of every frame as `...:CONSOLE:<line>] "<text>", source: <url>`.
        console: stderr.lines().filter(|l| l.contains(":CONSOLE")).map(str::to_string).collect(),
    }
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn site_in_a_browser() {
    let started = Instant::now();
    let chromium = match chromium() {
        Ok(c) => c,
        Err(reason) => return record_skip(&reason),
    };
    let site = root().join("generated/site");
    let mut pages: Vec<String> = std::fs::read_dir(&site)
        .expect("generated/site")
        .map(|e| e.expect("an entry of generated/site").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html"))
        .collect();
    pages.sort();
    assert!(pages.len() > 10, "generated/site has only {pages:?}");
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));

    // Every page as a frame of one harness page: one browser start for all of them.
    let harness = tmp.join("site-every-page.html");
    let frames: String =
        pages.iter().map(|p| format!("<iframe src=\"{}\"></iframe>\n", file_url(&site.join(p)))).collect();
    std::fs::write(&harness, format!("<!DOCTYPE html><html><body>\n{frames}</body></html>\n")).expect("harness page");
    let harness_url = file_url(&harness);
    let search_url = format!("{}#q=callSync", file_url(&site.join("search.html")));
    let screenshot = tmp.join("site-index.png");
    let _ = std::fs::remove_file(&screenshot);
    let index_url = file_url(&site.join("index.html"));

    let (every, search, shot) = std::thread::scope(|s| {
        let every = s.spawn(|| {
            headless(
                &chromium,
                "every-page",
                &["--allow-file-access-from-files".into(), "--dump-dom".into(), harness_url],
            )
        });
        let search = s.spawn(|| headless(&chromium, "search", &["--dump-dom".into(), search_url]));
        let shot = s.spawn(|| {
            headless(
                &chromium,
                "screenshot",
                &["--window-size=1280,900".into(), format!("--screenshot={}", screenshot.display()), index_url],
            )
        });
        (every.join().expect("every page"), search.join().expect("search"), shot.join().expect("screenshot"))
    });

    assert!(every.stdout.matches("<iframe").count() == pages.len(), "the harness page did not load: {}", every.stdout);
    for run in [&every, &search, &shot] {
        assert!(run.console.is_empty(), "console messages in the generated site:\n{}", run.console.join("\n"));
    }

    let dom = &search.stdout;
    let results = dom
        .split_once("id=\"search-page-results\"")
        .and_then(|(_, rest)| rest.split_once("</ol>"))
        .map(|(list, _)| list)
        .unwrap_or_else(|| panic!("no result list in the search page's DOM:\n{dom}"));
    let first = results.split("<li>").nth(1).unwrap_or_else(|| panic!("no results for callSync:\n{results}"));
    assert!(
        first.contains("href=\"class.Instance.html#method.callSync\">Instance.callSync</a>"),
        "the first result for callSync is not Instance.callSync:\n{results}"
    );
    assert!(results.contains("guide.performance.html#"), "a guide section about callSync is found too:\n{results}");
    assert!(dom.contains("results for “callSync”"), "no result count:\n{dom}");
    let input = dom.split_once("id=\"search-input\"").map(|(before, _)| before.rsplit('<').next().unwrap_or(""));
    assert!(input.is_some(), "no search box on the search page");

    let png = std::fs::read(&screenshot).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", screenshot.display()));
    assert!(png.starts_with(b"\x89PNG"), "{} is not a PNG", screenshot.display());
    println!(
        "browser: {} pages without console messages, search finds Instance.callSync first, screenshot {} ({:.1} s)",
        pages.len(),
        screenshot.display(),
        started.elapsed().as_secs_f64()
    );
}
