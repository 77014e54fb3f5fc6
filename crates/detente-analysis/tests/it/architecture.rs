//! The invariants ARCHITECTURE.md states, checked on the source tree where that is cheap:
//! dependencies point inward, library crates never write files or read the clock, and front
//! ends take modelling defaults from the library rather than setting their own.
//!
//! These are text scans of `crates/*/Cargo.toml` and `crates/*/src/**/*.rs`; a finding names
//! the file and what to change.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every crate's detente dependencies (normal dependencies only), by crate name.
fn detente_deps() -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(crates_dir()).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut section = String::new();
        let mut deps = Vec::new();
        for line in manifest.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                section = line.to_owned();
            } else if section == "[dependencies]" && line.starts_with("detente-") {
                deps.push(line.split([' ', '=']).next().unwrap().to_owned());
            }
        }
        out.insert(name, deps);
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Non-test source lines of `krate` containing any of `needles`, as `file: line`.
fn uses(krate: &str, needles: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&crates_dir().join(krate).join("src"), &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests sit at the end of a file, after `#[cfg(test)]`.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for line in code.lines() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                continue;
            }
            if needles.iter().any(|n| line.contains(n)) {
                found.push(format!("{}: {}", file.display(), line.trim()));
            }
        }
    }
    found
}

#[test]
fn dependencies_point_inward() {
    let deps = detente_deps();
    // What each crate may depend on (ARCHITECTURE.md, "Bird's-eye view").
    let allowed: &[(&str, &[&str])] = &[
        ("detente-core", &[]),
        ("detente-models", &["detente-core"]),
        ("detente-sim", &["detente-core", "detente-models"]),
        ("detente-backtest", &["detente-core", "detente-models"]),
        ("detente-store", &[]),
        ("detente-negotiation", &["detente-core", "detente-models"]),
        (
            "detente-analysis",
            &["detente-core", "detente-models", "detente-sim"],
        ),
        (
            "detente-report",
            &[
                "detente-analysis",
                "detente-core",
                "detente-models",
                "detente-sim",
            ],
        ),
    ];
    for (krate, ok) in allowed {
        let Some(actual) = deps.get(*krate) else {
            panic!("crate {krate} is gone: update this test and ARCHITECTURE.md");
        };
        for d in actual {
            assert!(
                ok.contains(&d.as_str()),
                "{krate} depends on {d}, which points outward; move the shared code inward or update ARCHITECTURE.md"
            );
        }
    }
    // The report has no HTTP dependency, so the Python package and the CLI can use it.
    let manifest = std::fs::read_to_string(crates_dir().join("detente-report/Cargo.toml")).unwrap();
    for http in ["axum", "tokio", "hyper", "tower"] {
        assert!(!manifest.contains(http), "detente-report depends on {http}");
    }
}

#[test]
fn library_crates_write_no_files_and_read_no_clock() {
    let writes = ["fs::write", "File::create", "OpenOptions", "create_dir"];
    let clock = ["Instant::now", "SystemTime::now"];
    for krate in [
        "detente-core",
        "detente-models",
        "detente-sim",
        "detente-backtest",
        "detente-analysis",
        "detente-report",
        "detente-negotiation",
    ] {
        let found = uses(krate, &writes);
        assert!(found.is_empty(), "{krate} writes files: {found:#?}");
        // Negotiation offers a wall-time deadline (ARCHITECTURE.md: a run is a pure function of
        // its inputs only with a deadline in rounds), so it alone may read the clock.
        if krate != "detente-negotiation" {
            let found = uses(krate, &clock);
            assert!(found.is_empty(), "{krate} reads the clock: {found:#?}");
        }
    }
}

#[test]
fn front_ends_set_no_modelling_defaults_of_their_own() {
    // The Nash weights, the KS rule and the frontier search are chosen in `AnalysisConfig`
    // (from the models' own defaults); a front end that spells one out again is how the
    // report and `bargain` came to disagree (issue 11). Options a user passes are fine: those
    // go through `AnalysisConfig` setters or fields, not through model config literals.
    for krate in [
        "detente-cli",
        "detente-server",
        "detente-report",
        "detente-py",
    ] {
        let found = uses(
            krate,
            &[
                "NashWeights::PartyWeights",
                "NashWeights::Equal =>",
                "SolveConfig {",
            ],
        );
        let found: Vec<_> = found
            .into_iter()
            // The `--nash` option maps the user's choice; the server caps its search.
            .filter(|l| !l.contains("NashArg::"))
            .filter(|l| !l.contains("api/bargain.rs"))
            // The Python package maps the user's `nash="capability"|"equal"` the same way.
            .filter(|l| !(l.contains("detente-py/src/lib.rs") && l.contains("Some(\"")))
            .collect();
        assert!(
            found.is_empty(),
            "{krate} sets a model default itself: {found:#?}"
        );
    }
}

/// Every crate's dependencies (normal, dev and build), as the names its code uses them by, and
/// the ones its `[package.metadata.cargo-machete] ignored` list excuses.
fn declared_deps(manifest: &str) -> (Vec<String>, Vec<String>) {
    let mut section = String::new();
    let (mut deps, mut ignored) = (Vec::new(), Vec::new());
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line.to_owned();
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if section.ends_with("dependencies]") {
            // `name = ...`, `name.workspace = true` or `name = { package = "...", ... }`: the
            // key is the name in code (cargo turns `-` into `_`).
            let key = line.split(['=', '.', ' ']).next().unwrap_or("");
            if !key.is_empty() {
                deps.push(key.to_owned());
            }
        } else if section == "[package.metadata.cargo-machete]" && line.starts_with("ignored") {
            ignored.extend(line.split('"').skip(1).step_by(2).map(str::to_owned));
        }
    }
    (deps, ignored)
}

/// Issue 11: no crate declares a dependency its code never names. This is `cargo machete`'s
/// check (a dependency counts as used when a source file of the crate names it as a path,
/// `name::` or `use name`), run as a test, so that CI needs no tool built from source for it
/// (installing cargo-machete compiled about a hundred crates, a minute of every CI run on a
/// bare machine). A dependency needed for its features only (the workspace hack) is listed
/// under `[package.metadata.cargo-machete] ignored`, which `cargo machete` reads too.
#[test]
fn every_dependency_is_used() {
    let mut unused = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(crates_dir()).unwrap() {
        let dir = entry.unwrap().path();
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let (deps, ignored) = declared_deps(&manifest);
        let mut files = Vec::new();
        for sub in ["src", "tests", "benches", "examples"] {
            if dir.join(sub).is_dir() {
                rust_files(&dir.join(sub), &mut files);
            }
        }
        if dir.join("build.rs").is_file() {
            files.push(dir.join("build.rs"));
        }
        let code: String = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        for dep in deps {
            checked += 1;
            if ignored.contains(&dep) {
                continue;
            }
            let ident = dep.replace('-', "_");
            let named = code.match_indices(&ident).any(|(at, _)| {
                let before = code[..at].chars().next_back();
                let after = &code[at + ident.len()..];
                let starts_word = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                starts_word
                    && (after.starts_with("::")
                        || code[..at].ends_with("use ")
                        || code[..at].ends_with("extern crate "))
            });
            if !named {
                unused.push(format!("{}: {dep}", dir.join("Cargo.toml").display()));
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} dependencies found: is the manifest scan broken?"
    );
    assert!(
        unused.is_empty(),
        "dependencies no source file of their crate names (remove them, or list them under \
         [package.metadata.cargo-machete] ignored with the reason):\n{}",
        unused.join("\n")
    );
}
