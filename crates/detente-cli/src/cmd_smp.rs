//! `detente smp FILE`: KTAB's Spatial Model of Politics on a KTAB CSV or XML file, or on a space
//! (`[[spaces]]`) of a detente scenario, turn by turn, with every KTAB parameter settable by its
//! KTAB name (`--set PCEModel=MarkovUniform`; an XML file's `ModelParameters` or the space's
//! `smp` table apply first). Every
//! number comes from `detente_models::smp`; the table shows where actors started and ended, the
//! most likely outcome, and (with `--moves`) each turn's moves in words.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use detente_models::smp::{
    MAX_TURNS, SmpConfig, SmpInput, SmpRun, StateTransitions, StopReason, from_space,
    parse_ktab_csv, parse_ktab_xml, run, run_with_draws,
};
use miette::Report;
use serde::Serialize;

use crate::Failure;
use crate::cmd_bargain::Format;

/// `detente smp`.
#[derive(Debug, clap::Args)]
pub struct SmpArgs {
    /// KTAB scenario: a CSV (`name, description, actors, dimensions`, a header, one line per
    /// actor), an XML file in KTAB's smpSchema.xsd layout (`.xml`), or a detente scenario
    /// (`.toml`, `.json`) with a `[[spaces]]` entry.
    pub file: PathBuf,
    /// The space of a detente scenario to run (its id); needed when the scenario has several.
    #[arg(long)]
    pub space: Option<String>,
    /// Set a KTAB model parameter, `NAME=VALUE` with KTAB's names (repeatable): VictoryProbModel
    /// (Linear|Square|Quartic|Octic|Binary), PCEModel (Conditional|MarkovIncentive|
    /// MarkovUniform), StateTransitions (Deterministic|Stochastic), VotingRule (Binary|PropBin|
    /// Prop|PropCbc|Cubic|ASymProsp), BigRAdjust (None|OneThird|Half|TwoThirds|Full), BigRRange
    /// (Min|Mid|Max), ThirdPartyCommit (NoCommit|SemiCommit|FullCommit), InterVecBrgn
    /// (S1P1|S2P2|S2PMax), BargnModel (InitOnlyInterp|InitRcvrInterp|PWCompInterp). Defaults are
    /// KTAB's for CSV input.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Most turns (KTAB: 100).
    #[arg(long)]
    pub max_turns: Option<usize>,
    /// Seed of the ChaCha8 generator for `StateTransitions=Stochastic` (default: an XML file's
    /// prngSeed, else 0; KTAB's own generator is not reproduced, so runs differ from KTAB's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Show every turn's moves in words (table format).
    #[arg(long)]
    pub moves: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Serialize)]
struct SmpOut<'a> {
    schema: &'static str,
    file: String,
    seed: Option<u64>,
    #[serde(flatten)]
    run: &'a SmpRun,
}

fn input(args: &SmpArgs, message: impl std::fmt::Display) -> Failure {
    Failure::Input(Report::msg(format!("{}: {message}", args.file.display())))
}

/// The parameters: `base` (KTAB's defaults, or an XML file's), then `--set` and `--max-turns`.
fn config(args: &SmpArgs, base: SmpConfig) -> Result<SmpConfig, Failure> {
    let mut config = base;
    for kv in &args.set {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(Failure::Input(Report::msg(format!(
                "--set {kv}: expected NAME=VALUE, e.g. --set PCEModel=MarkovUniform"
            ))));
        };
        config
            .set(k.trim(), v.trim())
            .map_err(|e| Failure::Input(Report::msg(format!("--set {kv}: {e}"))))?;
    }
    if let Some(m) = args.max_turns {
        if !(1..=MAX_TURNS).contains(&m) {
            return Err(Failure::Input(Report::msg(format!(
                "--max-turns {m} is out of range\n  help: give 1 to {MAX_TURNS} turns (KTAB stops at 100); a run keeps every turn's state"
            ))));
        }
        config.stop.max_turns = m;
    }
    Ok(config)
}

/// Runs `detente smp`.
pub fn run_smp(args: &SmpArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let name = args.file.display().to_string();
    let extension = args
        .file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if args.space.is_some() && !matches!(extension.as_deref(), Some("toml" | "json")) {
        return Err(Failure::Input(Report::msg(format!(
            "--space names a space of a detente scenario, and {name} is a KTAB file\n  help: leave --space out, or give a scenario file (.toml or .json)"
        ))));
    }
    let (scenario, base, file_seed) = match extension.as_deref() {
        Some("toml" | "json") => from_scenario_file(args)?,
        Some("xml") => {
            let text = crate::input::read_text(&args.file)?;
            let x = parse_ktab_xml(&name, &text).map_err(|e| Failure::Input(Report::msg(e)))?;
            (x.input, x.config, x.seed)
        }
        _ => {
            let text = crate::input::read_text(&args.file)?;
            let s = parse_ktab_csv(&name, &text).map_err(|e| Failure::Input(Report::msg(e)))?;
            (s, SmpConfig::ktab(), None)
        }
    };
    let config = config(args, base)?;
    let stochastic = config.state_transitions == StateTransitions::Stochastic;
    let seed = args.seed.or(file_seed).unwrap_or(0);
    let result = if stochastic {
        let mut rng = detente_sim::trial_rng(seed, 0);
        run_with_draws(&scenario, &config, &mut || detente_sim::uniform(&mut rng))
    } else {
        run(&scenario, &config)
    };
    let result = result.map_err(|e| input(args, e))?;
    match args.format {
        Format::Json => {
            let doc = SmpOut {
                schema: "detente.smp/1",
                file: name,
                seed: stochastic.then_some(seed),
                run: &result,
            };
            serde_json::to_writer_pretty(&mut *out, &doc)
                .map_err(|e| Failure::Internal(Report::msg(e.to_string())))?;
            writeln!(out)?;
        }
        Format::Csv => csv(out, &result)?,
        Format::Table => out.write_all(table(&result, args.moves).as_bytes())?,
    }
    Ok(())
}

/// The input, parameters and seed of the space `--space` names (or the only one) of a detente
/// scenario.
fn from_scenario_file(args: &SmpArgs) -> Result<(SmpInput, SmpConfig, Option<u64>), Failure> {
    let parsed = crate::input::load_scenario(&args.file, false)?;
    let scenario = &parsed.scenario;
    let name = args.file.display().to_string();
    let ids = || {
        scenario
            .spaces
            .iter()
            .map(|s| format!("`{}`", s.id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let space = match (&args.space, scenario.spaces.as_slice()) {
        (_, []) => {
            return Err(Failure::Input(Report::msg(format!(
                "{name} has no `[[spaces]]`: KTAB's model runs on a multi-dimensional issue\n  help: group the issues that are its dimensions as a space (see docs/scenario-format.md), e.g. `[[spaces]]` with `id`, `name` and `dimensions = [\"a\", \"b\"]`; `detente import` writes one for a KTAB file"
            ))));
        }
        (None, [only]) => only,
        (None, _) => {
            return Err(Failure::Input(Report::msg(format!(
                "{name} has {} spaces\n  help: pick one with --space: {}",
                scenario.spaces.len(),
                ids()
            ))));
        }
        (Some(id), spaces) => spaces.iter().find(|s| &s.id == id).ok_or_else(|| {
            Failure::Input(Report::msg(format!(
                "{name} has no space `{id}`\n  help: the spaces are {}",
                ids()
            )))
        })?,
    };
    let s = from_space(scenario, space, &name).map_err(|e| Failure::Input(Report::msg(e)))?;
    Ok((s.input, s.config, s.seed))
}

/// One row per turn, actor and dimension.
fn csv(out: &mut dyn Write, r: &SmpRun) -> Result<(), Failure> {
    let fail = |e: csv::Error| Failure::Internal(Report::msg(format!("cannot write CSV: {e}")));
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "turn",
        "actor",
        "dimension",
        "position",
        "win_probability",
        "moved",
    ])
    .map_err(fail)?;
    for s in &r.states {
        for (i, actor) in r.actors.iter().enumerate() {
            let moved = s.moves.iter().any(|m| m.actor == i);
            for (k, dim) in r.dimensions.iter().enumerate() {
                w.write_record([
                    s.turn.to_string(),
                    actor.clone(),
                    dim.clone(),
                    format!("{}", s.positions[i][k]),
                    format!("{}", s.win_probability[i]),
                    moved.to_string(),
                ])
                .map_err(fail)?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

fn point(p: &[f64]) -> String {
    p.iter()
        .map(|x| format!("{x:6.2}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The report for people.
fn table(r: &SmpRun, moves: bool) -> String {
    let mut s = String::new();
    let c = &r.config;
    let _ = writeln!(s, "{}: KTAB Spatial Model of Politics", r.scenario);
    let _ = writeln!(
        s,
        "{} actors, {} dimension(s): {}",
        r.actors.len(),
        r.dimensions.len(),
        r.dimensions.join(", ")
    );
    let _ = writeln!(
        s,
        "parameters: VictoryProbModel={} PCEModel={} StateTransitions={} VotingRule={} \
         BigRAdjust={} BigRRange={} ThirdPartyCommit={} InterVecBrgn={} BargnModel={}",
        c.victory_prob_model,
        c.pce_model,
        c.state_transitions,
        c.voting_rule,
        c.big_r_adjust,
        c.big_r_range,
        c.third_party_commit,
        c.inter_vec_bargain,
        c.bargain_model
    );
    let why = match r.stop {
        StopReason::Quiet { ratio } => format!(
            "movement fell to {:.2}% of the first turn's (below {}%)",
            ratio * 100.0,
            c.stop.min_delta_ratio * 100.0
        ),
        StopReason::MaxTurns => format!("the limit of {} turns was reached", c.stop.max_turns),
    };
    let _ = writeln!(s, "stopped after {} turns: {why}", r.turns());
    let (Some(first), Some(last)) = (r.states.first(), r.last()) else {
        return s;
    };
    let Some((best, _)) = r.most_likely() else {
        return s;
    };
    // Actors within the model's position tolerance share the position (and its probability).
    let tol = c.position_tolerance * 100.0;
    let near = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y) * (x - y))
            .sum::<f64>()
            .sqrt()
            < tol
    };
    let holders: Vec<&str> = r
        .actors
        .iter()
        .enumerate()
        .filter(|&(i, _)| near(&last.positions[i], &last.positions[best]))
        .map(|(_, a)| a.as_str())
        .collect();
    let _ = writeln!(
        s,
        "most likely outcome: {} (win probability {:.4}, held by {})",
        point(&last.positions[best]).trim(),
        last.win_probability[best],
        holders.join(", ")
    );
    let _ = writeln!(s);
    let w = r.actors.iter().map(String::len).max().unwrap_or(5).max(5);
    let cols = 7 * r.dimensions.len();
    let _ = writeln!(
        s,
        "{:<w$}  {:>cols$}  {:>cols$}  {:>8}  {:>8}",
        "actor", "start", "end", "p(start)", "p(end)"
    );
    for (i, a) in r.actors.iter().enumerate() {
        let _ = writeln!(
            s,
            "{a:<w$}  {:>cols$}  {:>cols$}  {:>8.4}  {:>8.4}",
            point(&first.positions[i]),
            point(&last.positions[i]),
            first.win_probability[i],
            last.win_probability[i]
        );
    }
    if moves {
        for st in &r.states[1..] {
            let _ = writeln!(s, "\nturn {}:", st.turn);
            if st.moves.is_empty() {
                let _ = writeln!(s, "  nobody moved");
            }
            for m in &st.moves {
                let _ = writeln!(s, "  {}", m.reason);
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

    use std::path::Path;

    use super::*;

    fn data(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../detente-models/tests/data/ktab")
            .join(name)
    }

    fn args(file: &str, extra: &[&str]) -> SmpArgs {
        SmpArgs {
            file: data(file),
            space: None,
            set: extra.iter().map(|s| (*s).to_owned()).collect(),
            max_turns: None,
            seed: None,
            moves: false,
            format: Format::Table,
        }
    }

    fn output(a: &SmpArgs) -> Result<String, String> {
        let mut out = Vec::new();
        match run_smp(a, &mut out) {
            Ok(()) => Ok(String::from_utf8(out).unwrap()),
            Err(Failure::Input(r) | Failure::Internal(r)) => Err(r.to_string()),
        }
    }

    /// The report's head on SOE-Pol-Comp, pinned; its numbers are those of KTAB's own run
    /// (`tests/data/ktab/SOE-Pol-Comp.smpc.json`): 28 states; at turn 27 MOF at (38.82, 30.72)
    /// and SHX and HLJ at (38.8, 30.8), within 0.1 of it, share the highest win probability,
    /// 0.2330; XJ moved from (30, 20) to (43.18, 43.30), win probability 0.0618, then 0.2299.
    #[test]
    fn table_report() {
        let text = output(&args("SOE-Pol-Comp.csv", &[])).unwrap();
        let head: Vec<&str> = text.lines().take(7).collect();
        assert_eq!(
            head,
            [
                "China Policy/Competitive; scen 2: KTAB Spatial Model of Politics",
                "13 actors, 2 dimension(s): Policy Position, Competitive Position",
                "parameters: VictoryProbModel=Linear PCEModel=Conditional \
                 StateTransitions=Deterministic VotingRule=Prop BigRAdjust=OneThird \
                 BigRRange=Mid ThirdPartyCommit=SemiCommit InterVecBrgn=S2P2 \
                 BargnModel=InitOnlyInterp",
                "stopped after 27 turns: movement fell to 0.83% of the first turn's (below 2%)",
                "most likely outcome: 38.82  30.72 (win probability 0.2330, held by MOF, SHX, HLJ)",
                "",
                "actor           start             end  p(start)    p(end)",
            ]
        );
        assert!(text.contains("\nXJ       30.00  20.00    43.18  43.30    0.0618    0.2299\n"));
    }

    #[test]
    fn json_and_csv() {
        let mut a = args("dummyData_3Dim.csv", &["PCEModel=MarkovUniform"]);
        a.format = Format::Json;
        let v: serde_json::Value = serde_json::from_str(&output(&a).unwrap()).unwrap();
        assert_eq!(v["schema"], "detente.smp/1");
        assert_eq!(v["config"]["pce_model"], "MarkovUniform");
        assert_eq!(v["states"][0]["positions"][0][0], 75.79);
        a.format = Format::Csv;
        let csv = output(&a).unwrap();
        assert!(csv.starts_with("turn,actor,dimension,position,win_probability,moved\n"));
        assert!(csv.contains("\n0,SActor-00,Pstn1,75.79,"));
    }

    /// An XML file's parameters apply, and `--set` overrides them.
    #[test]
    fn xml_with_parameters() {
        let mut a = args("smpExampleDet.xml", &[]);
        a.format = Format::Json;
        let v: serde_json::Value = serde_json::from_str(&output(&a).unwrap()).unwrap();
        assert_eq!(v["config"]["pce_model"], "MarkovIncentive");
        assert_eq!(v["config"]["voting_rule"], "PropCbc");
        assert_eq!(v["states"].as_array().unwrap().len(), 14);
        a.set = vec!["PCEModel=Conditional".into()];
        let v: serde_json::Value = serde_json::from_str(&output(&a).unwrap()).unwrap();
        assert_eq!(v["config"]["pce_model"], "Conditional");
    }

    #[test]
    fn moves_in_words() {
        let mut a = args("SOE-Pol-Comp.csv", &[]);
        a.moves = true;
        let text = output(&a).unwrap();
        assert!(text.contains(
            "turn 1:\n  LK moved from (45.00, 65.00) to (44.80, 64.57): LK challenged XS"
        ));
    }

    #[test]
    fn stochastic_runs_repeat_with_a_seed() {
        let mut a = args("SOE-Pol-Comp.csv", &["StateTransitions=Stochastic"]);
        a.format = Format::Json;
        a.seed = Some(11);
        let x = output(&a).unwrap();
        assert_eq!(x, output(&a).unwrap());
        assert!(x.contains("\"seed\": 11"));
        a.seed = Some(12);
        assert_ne!(x, output(&a).unwrap());
    }

    #[test]
    fn bad_input() {
        let e = output(&args("SOE-Pol-Comp.csv", &["VotingRule=Median"])).unwrap_err();
        assert!(
            e.contains("--set VotingRule=Median: unknown voting rule `Median`"),
            "{e}"
        );
        let e = output(&args("SOE-Pol-Comp.csv", &["Colour"])).unwrap_err();
        assert!(e.contains("expected NAME=VALUE"), "{e}");
        let e = output(&args("missing.csv", &[])).unwrap_err();
        assert!(e.contains("missing.csv"), "{e}");
        let dir = std::env::temp_dir().join(format!("detente-smp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("bad.csv");
        std::fs::write(
            &f,
            "S,d,3,1,\nActor,Desc,Power,P Position,P Salience,\nA,a,1,10,60,\nB,b,1,20,120,\nC,c,1,30,50,\n",
        )
        .unwrap();
        let mut a = args("x", &[]);
        a.file = f;
        let e = output(&a).unwrap_err();
        assert!(
            e.contains(
                "bad.csv:4: actor `B` salience on `P Position`: salience 120 is outside 0..100"
            ),
            "{e}"
        );
        // KTAB's own smpExample.xml leaves Alice's first coordinate (line 32) empty.
        let x = dir.join("empty.xml");
        let xml = std::fs::read_to_string(data("smpExampleDet.xml"))
            .unwrap()
            .replacen("<dCoord>52.8</dCoord>", "<dCoord></dCoord>", 1);
        std::fs::write(&x, xml).unwrap();
        a.file = x;
        let e = output(&a).unwrap_err();
        assert!(e.contains("empty.xml:32: dCoord: <dCoord> is empty"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
