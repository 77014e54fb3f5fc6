//! Reproducers of issue 16 ("hardening") run through the real binary: each hostile input or
//! option must end with exit code 2 and a message naming the problem and the fix (or exit 0 when
//! the only trouble is a reader that went away), never a panic (exit 101) or a silent wrong
//! answer. Each test is named after what it guards.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::cmd::prelude::*;
use crate::cmd::{Command, CommandExt as _};

#[path = "../../../detente-core/tests/support/wide.rs"]
mod wide;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn istanbul() -> PathBuf {
    repo("scenarios/istanbul-2025.toml")
}

fn detente() -> Command {
    let mut cmd = Command::cargo_bin("detente").unwrap();
    cmd.current_dir(std::env::temp_dir());
    cmd
}

/// A valid two-actor scenario with `capability`, `positions` and `scale` filled in.
fn scenario(capability: &str, positions: [&str; 2], scale: &str) -> String {
    format!(
        r#"[scenario]
title = "T"

[[actors]]
id = "a"
name = "A"
capability = {capability}
role = "principal"

[[actors]]
id = "b"
name = "B"
capability = 2
role = "principal"

[[actors]]
id = "c"
name = "C"
capability = 1
role = "ally"

[[issues]]
id = "i"
name = "I"
scale = {scale}
status_quo = 0.5

[[issues.positions]]
actor = "a"
position = {}
salience = 0.5
why = "w"

[[issues.positions]]
actor = "b"
position = {}
salience = 0.7
why = "w"

[[issues.positions]]
actor = "c"
position = 1
salience = 0.4
why = "w"
"#,
        positions[0], positions[1]
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `detente args` with stdout (or stderr) connected to a pipe whose reading end is closed
/// at once, as `| head -c0` does, and returns the exit code.
fn with_closed_pipe(args: &[&str], close_stderr: bool) -> i32 {
    let mut cmd = std::process::Command::new(crate::cmd::detente_path());
    cmd.args(args).stdin(Stdio::null());
    if close_stderr {
        cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    } else {
        cmd.stdout(Stdio::piped()).stderr(Stdio::null());
    }
    let mut child = cmd.spawn().unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    child.wait().unwrap().code().unwrap_or(-1)
}

#[test]
fn closed_stdout_exits_0() {
    let file = istanbul();
    let file = file.to_str().unwrap();
    for args in [
        vec!["forecast", file],
        vec!["forecast", file, "-f", "json"],
        vec!["forecast", file, "-f", "csv"],
        vec!["bargain", file],
        vec!["shocks", file],
    ] {
        assert_eq!(with_closed_pipe(&args, false), 0, "{args:?}");
    }
}

/// `detente validate bad.toml 2>&1 | head` exited 101: `eprintln!` panics on a closed stderr.
#[test]
fn closed_stderr_keeps_exit_code_2_not_101() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.toml", "title = ");
    assert_eq!(
        with_closed_pipe(&["validate", bad.to_str().unwrap()], true),
        2
    );
}

/// Scenario errors no longer open with a bare `detente::scenario` line or empty `Error:` headers.
#[test]
fn scenario_errors_have_no_bare_code_or_empty_headers() {
    let dir = tempfile::tempdir().unwrap();
    let text = scenario("1", ["5", "9"], "[0, 1]");
    let bad = write(dir.path(), "bad.toml", &text);
    let out = detente().arg("validate").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml: 2 errors in the scenario"), "{err}");
    assert!(err.contains("position 5 is outside the scale"), "{err}");
    assert!(!err.contains("detente::scenario"), "{err}");
    assert!(!err.contains("Error:"), "{err}");
}

/// Positions -0.0 and 0.0 on one issue panicked EUM in `forecast`, `explain` and `montecarlo`.
#[test]
fn negative_and_positive_zero_positions_forecast() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "zeros.toml",
        &scenario("1", ["-0.0", "0.0"], "[0, 1]"),
    );
    detente().arg("forecast").arg(&file).assert().success();
    detente()
        .args(["explain", "--issue", "i", "--actor", "a"])
        .arg(&file)
        .assert()
        .success();
    detente()
        .args(["montecarlo", "--trials", "20", "--noise", "position=0.2"])
        .arg(&file)
        .assert()
        .success();
}

/// Capability 1e308 printed `inf`; the scale `[-1e308, 1e308]` NaN; `[0, 1e-320]` wedged Nash.
#[test]
fn values_the_models_cannot_compute_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, field) in [
        (
            "cap.toml",
            scenario("1e308", ["0.2", "0.9"], "[0, 1]"),
            "actors[0].capability",
        ),
        (
            "wide.toml",
            scenario("1", ["0.2", "0.9"], "[-1e308, 1e308]"),
            "issues[0].scale",
        ),
        (
            "narrow.toml",
            scenario("1", ["0", "0"], "[0, 1e-320]"),
            "issues[0].scale",
        ),
    ] {
        let file = write(dir.path(), name, &text);
        detente()
            .arg("forecast")
            .arg(&file)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(field))
            .stderr(predicate::str::contains("help:"));
    }
}

#[test]
fn huge_bootstrap_and_folds_are_refused() {
    let data = repo("data/deu3/deu3.tsv");
    for args in [
        ["--bootstrap", "18446744073709551615"],
        ["--bootstrap", "0"],
        ["--folds", "18446744073709551615"],
    ] {
        detente()
            .arg("backtest")
            .arg(&data)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(args[0]));
    }
}

/// `negotiate --rounds 18446744073709551615` reported "agreement in round 0 (t = inf)".
#[test]
fn huge_negotiation_deadline_is_refused() {
    detente()
        .arg("negotiate")
        .arg(istanbul())
        .args(["--rounds", "18446744073709551615"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--rounds"));
}

/// An SMP run keeps every turn's state, and one that never goes quiet ran to any
/// `--max-turns` asked for, its memory growing each turn.
#[test]
fn huge_smp_turns_are_refused() {
    for turns in ["0", "10001", "18446744073709551615"] {
        detente()
            .arg("smp")
            .arg(repo("crates/detente-core/tests/data/import/SOE-Policy.csv"))
            .args(["--max-turns", turns])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "--max-turns {turns} is out of range"
            )));
    }
}

#[test]
fn huge_eum_rounds_are_refused() {
    detente()
        .arg("forecast")
        .arg(istanbul())
        .args(["--rounds", "18446744073709551615"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--rounds"));
}

/// `--parties russia,russia` was accepted; an unknown id did not list the valid ones.
#[test]
fn duplicate_or_unknown_parties_are_refused_with_the_valid_ids() {
    for command in ["bargain", "negotiate"] {
        detente()
            .arg(command)
            .arg(istanbul())
            .args(["--parties", "russia,russia"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("names `russia` twice"));
        detente()
            .arg(command)
            .arg(istanbul())
            .args(["--parties", "russia,atlantis"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("unknown actor `atlantis`"))
            .stderr(predicate::str::contains("russia, ukraine"));
    }
}

/// `--threads 100000` spent 20 s spawning threads.
#[test]
fn thread_count_is_capped() {
    detente()
        .arg("montecarlo")
        .arg(istanbul())
        .args(["--threads", "100000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--threads must be from 1 to 1024"));
}

/// `validate /dev/zero` grew past 2 GB: the file's metadata says 0 bytes.
#[cfg(unix)]
#[test]
fn devices_are_read_up_to_the_limit_only() {
    detente()
        .args(["validate", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("over the limit of 16777216 bytes"));
}

/// A GENIUS domain file with the given issues XML (between `<objective>` tags).
fn genius_folder(dir: &Path, issues: &str, weight: &str) -> PathBuf {
    let folder = dir.join("domain");
    std::fs::create_dir_all(&folder).unwrap();
    write(
        &folder,
        "d_domain.xml",
        &format!(
            r#"<negotiation_template><utility_space number_of_issues="1"><objective index="0" name="root" type="objective">{issues}</objective></utility_space></negotiation_template>"#
        ),
    );
    for party in ["a", "b"] {
        write(
            &folder,
            &format!("d_{party}.xml"),
            &format!(
                r#"<utility_space><objective index="0" name="root" type="objective"><issue index="1" etype="discrete" type="discrete" vtype="discrete" name="X"><item index="1" value="p" evaluation="1"/><item index="2" value="q" evaluation="{}"/></issue><weight index="1" value="{weight}"/></objective></utility_space>"#,
                if party == "a" { "2" } else { "0.5" }
            ),
        );
    }
    folder
}

const ISSUE_X: &str = r#"<issue index="1" etype="discrete" type="discrete" vtype="discrete" name="X"><item index="1" value="p"/><item index="2" value="q"/></issue>"#;

#[test]
fn genius_domain_reader_accepts_the_base_case() {
    let dir = tempfile::tempdir().unwrap();
    let folder = genius_folder(dir.path(), ISSUE_X, "1");
    detente().arg("bargain").arg(&folder).assert().success();
}

/// `detente bargain folder` ends with exit 2 and a message holding `needle`.
fn bargain_refuses(folder: &Path, needle: &str) {
    detente()
        .arg("bargain")
        .arg(folder)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(needle));
}

/// A GENIUS domain repeating an issue grew `bargain` past 5 GB (`negotiate` refused it).
#[test]
fn genius_domain_repeating_an_issue_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = genius_folder(dir.path(), &ISSUE_X.repeat(3), "1");
    bargain_refuses(&folder, "appears twice");
}

/// Integer issues were capped one by one, so 200 issues of a million values each (18 kB)
/// asked `bargain` for 10 GB; the domain's values are now capped together. Bounds past 2^53
/// were clamped to `i64::MAX` without a word.
#[test]
fn genius_domains_too_large_together_or_past_2_53_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let integer = |name: &str, lower: &str, upper: &str| {
        format!(
            r#"<issue index="{name}" etype="integer" type="integer" vtype="integer" name="{name}" lowerbound="{lower}" upperbound="{upper}"/>"#
        )
    };
    let wide: String = ["A", "B", "C"]
        .iter()
        .map(|n| integer(n, "0", "999999"))
        .collect();
    let folder = genius_folder(dir.path(), &format!("{ISSUE_X}{wide}"), "1");
    bargain_refuses(&folder, "over the limit of 2000000");
    let dir = tempfile::tempdir().unwrap();
    let far = integer("A", "1e300", "1e300");
    let folder = genius_folder(dir.path(), &format!("{ISSUE_X}{far}"), "1");
    bargain_refuses(&folder, "past ±2^53");
}

/// A scenario of 2,000 positions asked the sensitivity regression for gigabytes (`p²` sums per
/// forecast), and the allocation aborted the process; it is refused before any model runs.
#[test]
fn a_sensitivity_regression_too_large_for_memory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = wide::wide_scenario(40, 50);
    let wide = write(dir.path(), "wide.toml", &text);
    detente()
        .arg("sensitivity")
        .arg(&wide)
        .args(["--model", "compromise", "--trials", "10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "run the tornado alone (--trials 0",
        ));
}

/// A temporary folder whose `detente.db` holds `runs` saved forecasts of the Istanbul scenario.
fn save_forecasts(runs: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..runs {
        let mut cmd = Command::cargo_bin("detente").unwrap();
        cmd.current_dir(dir.path())
            .args(["forecast", "--save"])
            .arg(istanbul())
            .assert()
            .success();
    }
    dir
}

/// [`save_forecasts`], then `sql` run on the store as an edit made outside detente would be.
fn edited_store(runs: usize, sql: &str, params: impl rusqlite::Params) -> tempfile::TempDir {
    let dir = save_forecasts(runs);
    let db = rusqlite::Connection::open(dir.path().join("detente.db")).unwrap();
    db.execute(sql, params).unwrap();
    dir
}

/// A run store whose times were edited to the ends of `i64` made `runs list` and `runs show`
/// overflow computing the run's duration.
#[test]
fn runs_with_extreme_times_are_listed() {
    let dir = edited_store(
        1,
        "UPDATE runs SET started_at_ms = ?1, finished_at_ms = 1",
        [i64::MIN],
    );
    for args in [&["runs", "list"][..], &["runs", "show", "1"]] {
        let mut cmd = Command::cargo_bin("detente").unwrap();
        cmd.current_dir(dir.path()).args(args).assert().success();
    }
}

/// A run store whose ids were edited up to `i64::MAX` failed every later save as an internal
/// error, with SQLite's "database or disk is full"; it is refused as an input (exit 2) that
/// names the store and says to save to another one.
#[test]
fn a_store_out_of_run_ids_is_refused_with_its_fix() {
    let dir = edited_store(
        1,
        "UPDATE sqlite_sequence SET seq = ?1 WHERE name = 'runs'",
        [i64::MAX],
    );
    let mut cmd = Command::cargo_bin("detente").unwrap();
    cmd.current_dir(dir.path())
        .args(["forecast", "--save"])
        .arg(istanbul())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot save to `detente.db`: its runs have used the last run id",
        ))
        .stderr(predicate::str::contains("disk is full").not());
}

/// One row edited outside detente (a seed written as a blob) failed `runs list` for the whole
/// store; the other runs are listed, and the row is named in a warning.
#[test]
fn a_damaged_row_does_not_hide_the_other_runs() {
    let dir = edited_store(2, "UPDATE runs SET seed = x'00ff' WHERE id = 1", []);
    let mut cmd = Command::cargo_bin("detente").unwrap();
    cmd.current_dir(dir.path())
        .args(["runs", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\n   2  forecast"))
        .stderr(predicate::str::contains("warning: run 1 cannot be read"));
}

/// A GENIUS weight of 1e308 gave infinite utilities.
#[test]
fn genius_weight_overflowing_utilities_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = genius_folder(dir.path(), ISSUE_X, "1e308");
    for command in ["bargain", "negotiate"] {
        detente()
            .arg(command)
            .arg(&folder)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("weight is over 1e6"));
    }
}

/// An issue name over 65,535 characters panicked the package table of `bargain`.
#[test]
fn genius_issue_name_longer_than_a_line_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let long = "n".repeat(70_000);
    let folder = genius_folder(
        dir.path(),
        &ISSUE_X.replace("name=\"X\"", &format!("name=\"{long}\"")),
        "1",
    );
    bargain_refuses(&folder, "over the limit of 300");
}

/// An anchor label `=HYPERLINK(...)` reached the CSV output as a live formula.
#[test]
fn csv_text_cells_cannot_start_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let text = scenario("1", ["0.2", "0.9"], "[0, 1]").replace(
        "status_quo = 0.5\n",
        "status_quo = 0.5\nanchors = [{ at = 0, label = \"=HYPERLINK(\\\"http://x\\\")\" }, { at = 1, label = \"@SUM(A1)\" }]\n",
    );
    let file = write(dir.path(), "f.toml", &text);
    let out = detente()
        .arg("forecast")
        .arg(&file)
        .args(["-f", "csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.contains("'=HYPERLINK") || csv.contains("'@SUM"),
        "{csv}"
    );
    for line in csv.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '@', '+']), "{line}");
        }
    }
}

/// The README's tournament example exists and runs.
#[test]
fn example_tournament_config_runs() {
    detente()
        .arg("tournament")
        .arg(repo("examples/tournament.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("negotiations on 3 domain(s)"));
}

/// `cargo install --path` ignores `Cargo.lock` unless told otherwise: it resolved the
/// dependencies afresh (newer clap, hyper and others than the tests ran) and needed the
/// network. Every install command in the README, the docs and the examples keeps the tested
/// versions.
#[test]
fn install_commands_keep_the_lock_file() {
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut paths = vec![repo("README.md")];
    files(&repo("docs"), &mut paths);
    files(&repo("examples"), &mut paths);
    let mut installs = 0;
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue; // images
        };
        for line in text.lines().filter(|l| l.contains("cargo install --")) {
            installs += 1;
            assert!(line.contains("--locked"), "{}: {line}", path.display());
        }
    }
    assert!(installs >= 2, "the README's install command was not found");
}

/// The README's commands run in a checkout must leave `git status` clean: `report -o
/// report.html` left the report untracked, and `runs list` (a read-only reader of the WAL-mode
/// run store, which SQLite cannot tidy up after) left `detente.db-wal` and `detente.db-shm`.
/// Every file the commands write in the working directory is matched by a `.gitignore` line.
#[test]
fn files_the_readme_commands_write_are_ignored_by_git() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut cmd = Command::cargo_bin("detente").unwrap();
        cmd.current_dir(dir.path()).args(args).assert().success();
    };
    let istanbul = istanbul();
    let istanbul = istanbul.to_str().unwrap();
    run(&["forecast", "--save", istanbul]);
    run(&["runs", "list"]);
    for (format, out) in [("html", "report.html"), ("md", "report.md")] {
        let quick = ["--trials", "0", "--no-sensitivity", "--settle-trials", "20"];
        run(&[
            &["report", istanbul, "--format", format, "-o", out][..],
            &quick,
        ]
        .concat());
    }

    let gitignore = std::fs::read_to_string(repo(".gitignore")).unwrap();
    let ignored = |name: &str| {
        gitignore.lines().map(str::trim).any(|pattern| {
            let pattern = pattern.strip_prefix('/').unwrap_or(pattern);
            match pattern.strip_prefix('*') {
                Some(suffix) => name.ends_with(suffix),
                None => name == pattern,
            }
        })
    };
    let written: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(written.iter().any(|n| n == "detente.db"), "{written:?}");
    assert!(written.iter().any(|n| n == "report.html"), "{written:?}");
    for name in &written {
        assert!(
            ignored(name),
            "{name} is not in .gitignore (files written: {written:?})"
        );
    }
}

/// Utilities were printed to one decimal in `sensitivity` ("swing 0.0 (0.9 .. 0.8)").
#[test]
fn sensitivity_prints_utilities_to_three_decimals() {
    detente()
        .arg("sensitivity")
        .arg(istanbul())
        .args(["--model", "package", "--trials", "40", "--top", "2"])
        .assert()
        .success()
        .stdout(predicate::function(|out: &str| {
            // "package/nash/russia  (point 0.ddd, "
            out.split("package/nash/russia  (point ")
                .skip(1)
                .any(|rest| three_decimals(rest) && rest[5..].starts_with(", "))
        }))
        .stdout(predicate::function(|out: &str| {
            // "swing 0.ddd  (0.ddd .. 0.ddd)"
            out.split("swing ").skip(1).any(|rest| {
                let t = rest.trim_start_matches(' ');
                three_decimals(t)
                    && t[5..].starts_with("  (")
                    && three_decimals(&t[8..])
                    && t[13..].starts_with(" .. ")
                    && three_decimals(&t[17..])
                    && t[22..].starts_with(')')
            })
        }));
}

/// Whether `text` opens with a number printed as `0.ddd`: three decimals, no more.
fn three_decimals(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 5
        && b.starts_with(b"0.")
        && b[2..5].iter().all(u8::is_ascii_digit)
        && !b.get(5).is_some_and(u8::is_ascii_digit)
}

/// Package counts were printed without separators (`37822859361`).
#[test]
fn package_counts_have_thousands_separators() {
    detente()
        .arg("bargain")
        .arg(istanbul())
        .assert()
        .success()
        .stdout(predicate::function(|out: &str| {
            // "There are 37,822,859,361 possible packages": groups of three after the first.
            out.split("There are ").skip(1).any(|rest| {
                let Some((count, _)) = rest.split_once(" possible packages") else {
                    return false;
                };
                let groups: Vec<&str> = count.split(',').collect();
                groups.len() >= 2
                    && (1..=3).contains(&groups[0].len())
                    && groups[1..].iter().all(|g| g.len() == 3)
                    && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
            })
        }));
}

/// Issue 16: warnings are rendered as errors are, the first 100 and then a count. A scenario of
/// 120 positions without a `why` gives 120 warnings; `validate` shows 100 and says 20 more,
/// and `forecast` prints as many lines to stderr, not one per position.
#[test]
fn many_warnings_show_the_first_hundred_and_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("[scenario]\ntitle = \"many warnings\"\n");
    for a in 0..2 {
        text += &format!(
            "[[actors]]\nid = \"a{a}\"\nname = \"A{a}\"\nrole = \"principal\"\ncapability = 1\n"
        );
    }
    for i in 0..60 {
        text += &format!(
            "[[issues]]\nid = \"i{i}\"\nname = \"I{i}\"\nscale = [0, 100]\nstatus_quo = 50\n"
        );
        for a in 0..2 {
            text += &format!(
                "[[issues.positions]]\nactor = \"a{a}\"\nposition = {}\nsalience = 0.5\n",
                20 + 60 * a
            );
        }
    }
    let file = write(dir.path(), "many.toml", &text);
    let out = detente().arg("validate").arg(&file).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.matches("has no `why`").count(), 100, "{stdout}");
    assert!(
        stdout.contains("... and 20 more warnings not shown (the first 100 are above)"),
        "{stdout}"
    );
    assert!(stdout.contains("120 warnings"), "{stdout}");
    let out = detente()
        .args(["forecast", "--model", "compromise"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("has no `why`").count(), 100, "{stderr}");
    assert!(
        stderr.contains("... and 20 more warnings not shown"),
        "{stderr}"
    );
}

/// `report --settle-trials` takes the range `delay --trials` takes, and says so.
#[test]
fn report_settle_trials_out_of_range_is_a_usage_error() {
    for bad in ["0", "1000001"] {
        detente()
            .arg("report")
            .arg(istanbul())
            .args(["--settle-trials", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "--settle-trials {bad} is outside 1..=1000000"
            )));
    }
}

/// Issue 16 ("45 near 75: Front line frozen" read as if 45 were that anchor) and issue 11 (one
/// wording): `delay` labelled a value with its nearest anchor however far it was ("35 near 20"
/// on a 0..100 scale whose next anchor is 70), and a value on an anchor as "75 (near 75: ...)".
/// It now labels values as `bargain` does: "near A" only within 5% of the scale's width.
#[test]
fn delay_says_near_an_anchor_only_when_close() {
    let out = detente()
        .arg("delay")
        .arg(istanbul())
        .args(["--months", "2", "--trials", "50"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut nears = 0;
    for line in text.lines() {
        for (before, after) in line
            .match_indices("near ")
            .map(|(i, _)| (&line[..i], &line[i + 5..]))
        {
            let value: f64 = before
                .trim_end_matches([' ', '('])
                .rsplit(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap_or_else(|_| panic!("no value before `near` in {line:?}"));
            let anchor: f64 = after.split(':').next().unwrap().parse().unwrap();
            assert!((value - anchor).abs() <= 5.0, "{line}");
            assert!(value != anchor, "{line}");
            nears += 1;
        }
    }
    assert!(
        text.contains("Territory: 75 (Front line frozen as of May 2025"),
        "{text}"
    );
    assert!(
        text.contains("between 20 and 70: No NATO membership in prospect"),
        "{text}"
    );
    assert!(nears > 0, "{text}");
}
