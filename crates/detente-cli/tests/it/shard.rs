//! Issue 14: `--shard I/N` on `montecarlo`, `sensitivity` and `tournament`, and `detente
//! merge`. The merged output must be the unsharded command's, byte for byte, for N = 1, 3 and
//! 7, in table, JSON and CSV; parts of different runs, missing or repeated parts and files that
//! are not shards are refused with exit code 2, a message that names the problem and nothing
//! on stdout.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::{Path, PathBuf};

use crate::cmd::{Command, CommandExt as _};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn detente(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("detente")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

fn stdout(args: &[&str]) -> Vec<u8> {
    let out = detente(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs `args --shard i/n` for every part into `dir` and returns the files, last part first.
fn shards(dir: &Path, tag: &str, args: &[&str], n: u64) -> Vec<String> {
    (0..n)
        .rev()
        .map(|i| {
            let shard = format!("{i}/{n}");
            let mut a = args.to_vec();
            a.extend(["--shard", &shard]);
            let path = dir.join(format!("{tag}-{i}-of-{n}.json"));
            std::fs::write(&path, stdout(&a)).unwrap();
            path.to_string_lossy().into_owned()
        })
        .collect()
}

/// The merge of `n` parts of `args`, in `format`.
fn merged(files: &[String], format: &str) -> Vec<u8> {
    let mut a = vec!["merge", "--format", format];
    a.extend(files.iter().map(String::as_str));
    stdout(&a)
}

#[test]
fn merged_shards_print_the_unsharded_output() {
    let dir = tempfile::tempdir().unwrap();
    let istanbul = repo("scenarios/istanbul-2025.toml");
    let istanbul = istanbul.to_str().unwrap();
    let tournament = repo("examples/tournament.toml");
    let tournament = tournament.to_str().unwrap();
    let runs: [(&str, Vec<&str>, &[&str]); 3] = [
        (
            "montecarlo",
            vec![
                "montecarlo",
                istanbul,
                "--trials",
                "70",
                "--seed",
                "9",
                "--model",
                "compromise,eum",
            ],
            &["table", "json"],
        ),
        (
            "sensitivity",
            vec![
                "sensitivity",
                istanbul,
                "--trials",
                "60",
                "--seed",
                "2",
                "--model",
                "median",
            ],
            &["table", "json"],
        ),
        (
            "tournament",
            vec!["tournament", tournament],
            &["table", "json", "csv"],
        ),
    ];
    for (tag, args, formats) in &runs {
        for n in [1, 3, 7] {
            let files = shards(dir.path(), tag, args, n);
            for format in *formats {
                let mut whole = args.clone();
                whole.extend(["--format", format]);
                assert!(
                    merged(&files, format) == stdout(&whole),
                    "{tag} in {n} parts, --format {format}: the merge differs from the unsharded run"
                );
            }
        }
    }
}

fn refused(args: &[&str], needle: &str) {
    let out = detente(args);
    assert_eq!(out.status.code(), Some(2), "{args:?} should exit 2");
    assert!(out.stdout.is_empty(), "{args:?} printed a partial result");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(needle), "{args:?}: `{needle}` not in {err}");
}

#[test]
fn merge_refuses_what_is_not_one_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let istanbul = repo("scenarios/istanbul-2025.toml");
    let istanbul = istanbul.to_str().unwrap();
    let mc = [
        "montecarlo",
        istanbul,
        "--trials",
        "20",
        "--model",
        "median",
    ];
    let parts = shards(dir.path(), "a", &mc, 3);
    let (p2, p1, p0) = (&parts[0], &parts[1], &parts[2]);
    refused(&["merge", p0, p2], "shard(s) 1 of 3 are missing");
    refused(&["merge", p0, p1, p1, p2], "shard 1/3 is given twice");

    let mut other_seed = mc.to_vec();
    other_seed.extend(["--seed", "1"]);
    let other = shards(dir.path(), "b", &other_seed, 3);
    refused(&["merge", p0, &other[1], p2], "seeds differ (0 and 1)");

    // The same run on an edited scenario.
    let edited = dir.path().join("edited.toml");
    let text = std::fs::read_to_string(istanbul).unwrap();
    std::fs::write(&edited, text.replacen("capability = ", "capability = 1", 1)).unwrap();
    let mut on_edited = mc.to_vec();
    on_edited[1] = edited.to_str().unwrap();
    let edited_parts = shards(dir.path(), "c", &on_edited, 3);
    refused(
        &["merge", p0, &edited_parts[1], p2],
        "scenarios or options differ",
    );

    let whole = dir.path().join("whole.json");
    let mut as_json = mc.to_vec();
    as_json.extend(["--format", "json"]);
    std::fs::write(&whole, stdout(&as_json)).unwrap();
    refused(
        &["merge", whole.to_str().unwrap()],
        "is a `detente.montecarlo/1` document, not a shard",
    );

    let broken = dir.path().join("broken.json");
    let text = std::fs::read_to_string(p1).unwrap();
    std::fs::write(&broken, &text[..text.len() / 2]).unwrap();
    refused(&["merge", p0, broken.to_str().unwrap(), p2], "broken.json");

    let edited_counts = dir.path().join("counts.json");
    std::fs::write(
        &edited_counts,
        text.replacen("\"missing\": ", "\"missing\": 1", 1),
    )
    .unwrap();
    refused(
        &["merge", p0, edited_counts.to_str().unwrap(), p2],
        "is damaged",
    );
    // A part numbered past its count (or near 2^64) is refused as it is read: the merge
    // overflowed on it (found by an audit of numbers read from files).
    let renumbered = dir.path().join("renumbered.json");
    let edited = text.replacen("\"index\": 1", "\"index\": 18446744073709551615", 1);
    assert_ne!(edited, text, "the part's index was not found to edit");
    std::fs::write(&renumbered, edited).unwrap();
    refused(
        &["merge", p0, renumbered.to_str().unwrap(), p2],
        "part 18446744073709551615 of 3 does not exist",
    );
    refused(
        &["merge", "no-such-shard.json"],
        "cannot read `no-such-shard.json`",
    );
    refused(
        &["merge", p0, p1, p2, "--format", "csv"],
        "--format csv is for tournaments",
    );
}

#[test]
fn bad_shard_options_are_refused() {
    let istanbul = repo("scenarios/istanbul-2025.toml");
    let istanbul = istanbul.to_str().unwrap();
    for (shard, needle) in [
        ("3/3", "part 3 of 3 does not exist"),
        ("0/0", "1 to 1000000 parts"),
        ("1-3", "write i/N"),
    ] {
        refused(&["montecarlo", istanbul, "--shard", shard], needle);
    }
    refused(
        &[
            "montecarlo",
            istanbul,
            "--shard",
            "0/2",
            "--format",
            "table",
        ],
        "cannot be used with",
    );
    refused(
        &["montecarlo", istanbul, "--shard", "0/2", "--save"],
        "cannot be used with",
    );
}
