//! `detente backtest` through the real binary: output formats and bad input.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

use crate::cmd::Command;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/deu3/deu3.tsv");

fn detente() -> Command {
    Command::new(crate::cmd::detente_path())
}

#[test]
fn json_carries_the_mean_absolute_error() {
    let out = detente()
        .args(["backtest", DATA, "--format", "json", "--limit", "40"])
        .args([
            "--models",
            "compromise,median,blend-mean",
            "--bootstrap",
            "100",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let models = v["models"].as_array().unwrap();
    assert_eq!(models.len(), 3);
    for m in models {
        let mae = m["mean_absolute_error"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&mae), "{m}");
    }
    assert_eq!(v["schema"], "detente.backtest/1");
}

#[test]
fn table_and_csv() {
    let table = detente()
        .args([
            "backtest",
            DATA,
            "--limit",
            "30",
            "--models",
            "mean",
            "--bootstrap",
            "50",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains("compromise") && text.contains("mean"),
        "{text}"
    );
    let csv = detente()
        .args([
            "backtest",
            DATA,
            "--limit",
            "30",
            "--format",
            "csv",
            "--bootstrap",
            "50",
        ])
        .args(["--models", "compromise", "--capability", "shapley"])
        .output()
        .unwrap();
    let text = String::from_utf8(csv.stdout).unwrap();
    assert!(
        text.starts_with("model,tuned,n,mean_absolute_error"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2);
}

/// `--format headline` writes the learnt-weights document that `detente forecast` bundles, and
/// refuses when the headline model is not evaluated.
#[test]
fn headline_format_writes_the_learnt_weights() {
    let out = detente()
        .args(["backtest", DATA, "--limit", "60", "--format", "headline"])
        .args([
            "--models",
            "headline",
            "--bootstrap",
            "50",
            "--cv-seeds",
            "1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let learnt = detente_models::headline::parse_learnt(&text).unwrap();
    assert!(learnt.issues > 0 && learnt.issues <= 60);
    assert_eq!(learnt.conformal.residuals.len(), learnt.issues);
    let out = detente()
        .args(["backtest", DATA, "--limit", "20", "--format", "headline"])
        .args(["--models", "compromise", "--bootstrap", "20"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs the headline model"));
}

#[test]
fn bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.tsv");
    std::fs::write(&bad, "prnr\tisnr\n1\t2\n").unwrap();
    let out = detente().args(["backtest"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.tsv") && err.contains("prname"), "{err}");
    let out = detente()
        .args(["backtest", DATA, "--models", "oracle"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown model `oracle`"));
    let out = detente()
        .args(["backtest", "no/such.tsv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
