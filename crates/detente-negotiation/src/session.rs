//! One negotiation on a loaded table, from negotiator names to the `detente.negotiation/1`
//! document: the seats (scenario parties played by scenario-actor negotiators carrying their
//! actor's utility, GENIUS profiles by the plain strategy), the protocol run and the report
//! every front end prints (the CLI's `detente negotiate`, the Python package's `negotiate`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::load::{ScenarioActor, Table};
use crate::protocol::{self, Deadline, ProtocolConfig, Seat, TraceStep};
use crate::tournament::{self, TournamentConfig};
use crate::{AgentSpec, Ending, NegotiationError, Negotiator, Preferences};
use detente_models::bargain::genius_full::GeniusConfig;

/// The result of one negotiation as the front ends report it (schema
/// `detente.negotiation/1`, written through `detente_analysis::Document`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NegotiationReport {
    /// The domain's or scenario's name.
    pub domain: String,
    /// Outcomes in the space.
    pub outcomes: usize,
    /// The deadline in rounds.
    pub rounds: usize,
    /// Each seat's party, negotiator and result.
    pub parties: Vec<PartyReport>,
    /// The agreed outcome's value labels, one per issue.
    pub agreement: Option<Vec<String>>,
    /// How it ended: `agreement`, `deadline` or `ended by seat N`.
    pub ending: String,
    /// The round in which it ended.
    pub round: usize,
    /// Relative time at the end.
    pub time: f64,
    /// Distance of the parties' utilities to the Pareto frontier.
    pub pareto_distance: f64,
    /// The Nash point of the table.
    pub nash: Option<NashReport>,
    /// Every action, when asked for.
    pub trace: Vec<TraceStep>,
}

/// One seat of a [`NegotiationReport`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyReport {
    /// The profile's or party's name.
    pub name: String,
    /// The negotiator, as named.
    pub agent: String,
    /// The party's utility of the result.
    pub utility: f64,
    /// The same, discounted.
    pub discounted: f64,
    /// The party's reservation value.
    pub reservation: f64,
}

/// The Nash point of a [`NegotiationReport`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NashReport {
    /// The outcome's value labels.
    pub outcome: Vec<String>,
    /// Each party's utility there.
    pub utilities: Vec<f64>,
}

/// Runs one negotiation on `table` between `agents` (one per party, in the table's order) with
/// a deadline of `rounds` rounds. `scenario` says the table comes from a detente scenario, whose
/// parties are played by scenario-actor negotiators for the concession strategies. Random
/// negotiators draw from `seed`.
///
/// # Errors
/// A count of agents that differs from the table's parties, a scenario actor that cannot be
/// played, or a negotiator that breaks the protocol.
pub fn negotiate(
    table: &Table,
    scenario: bool,
    agents: &[AgentSpec],
    rounds: usize,
    trace: bool,
    seed: u64,
) -> Result<NegotiationReport, NegotiationError> {
    if agents.len() != table.parties.len() {
        return Err(NegotiationError::InvalidPreferences {
            party: table.name.clone(),
            reason: format!(
                "{} negotiators given for {} parties",
                agents.len(),
                table.parties.len()
            ),
        });
    }
    let mut seats = Vec::with_capacity(agents.len());
    for (s, (prefs, spec)) in table.parties.iter().zip(agents).enumerate() {
        let exponent = match spec {
            AgentSpec::Boulware => Some(4.0),
            AgentSpec::Linear => Some(1.0),
            AgentSpec::Conceder => Some(0.25),
            AgentSpec::Aspiration(e) => Some(*e),
            _ => None,
        };
        let negotiator: Box<dyn Negotiator> = match (scenario, exponent) {
            (true, Some(e)) => Box::new(ScenarioActor::new(table, prefs.name(), e)?),
            _ => spec.build(tournament::seat_seed(seed, 0, s)),
        };
        seats.push(Seat {
            preferences: Arc::clone(prefs),
            negotiator,
        });
    }
    let config = ProtocolConfig {
        deadline: Deadline::Rounds(rounds),
        trace,
    };
    let session = protocol::run(&table.space, &mut seats, &config)?;
    let prefs: Vec<&Preferences> = table.parties.iter().map(AsRef::as_ref).collect();
    let analysis = Analysis::new(&prefs);
    let labels = |o: usize| table.space.labels(o).unwrap_or_default();
    Ok(NegotiationReport {
        domain: table.name.clone(),
        outcomes: table.space.len(),
        rounds,
        parties: table
            .parties
            .iter()
            .zip(agents)
            .enumerate()
            .map(|(i, (p, a))| PartyReport {
                name: p.name().to_owned(),
                agent: a.to_string(),
                utility: session.utilities[i],
                discounted: session.discounted[i],
                reservation: p.reservation(),
            })
            .collect(),
        agreement: session.agreement.map(labels),
        ending: match session.ending {
            Ending::Agreement => "agreement".to_string(),
            Ending::Deadline => "deadline".to_string(),
            Ending::EndedBy(s) => format!("ended by seat {s}"),
        },
        round: session.round,
        time: session.time,
        pareto_distance: analysis.pareto_distance(&session.utilities),
        nash: analysis.nash.as_ref().map(|(o, u)| NashReport {
            outcome: labels(*o),
            utilities: u.clone(),
        }),
        trace: session.trace,
    })
}

/// A tournament config as written (TOML): the domains (GENIUS folders or scenario files,
/// relative to the config), the grid step for scenarios, and the tournament's options. The
/// front ends read the file and the domains; this is the one definition of its keys.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TournamentFile {
    /// GENIUS domain folders or scenario files, relative to the config file.
    pub domains: Vec<std::path::PathBuf>,
    /// Grid step on each scenario issue's scale.
    #[serde(default = "default_step")]
    pub step: f64,
    /// GENIUS folders only: grid points per real issue, both bounds included (2 to 1,001;
    /// default 11, as `negotiate --real-points`).
    #[serde(default = "default_real_points")]
    pub real_points: usize,
    /// Whose semantics the time-based negotiators follow (as `negotiate --preset`).
    #[serde(default)]
    pub preset: Preset,
    /// Negotiators, rounds, repetitions, self-play and seed.
    #[serde(flatten)]
    pub tournament: TournamentConfig,
}

/// Whose semantics the time-based negotiators follow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// GENIUS utilities (each issue's evaluations divided by its largest) and GENIUS's
    /// time-dependent agents: detente's default.
    #[default]
    Genius,
    /// NegMAS 0.16: raw GENIUS evaluations, and Boulware, Linear and Conceder choose and accept
    /// as NegMAS's time-based negotiators do ([`AgentSpec::under_negmas`]).
    Negmas,
}

impl TournamentFile {
    /// How the config's GENIUS folders are read: its `real_points`, and raw evaluations under
    /// the `negmas` preset.
    ///
    /// # Errors
    /// `real_points` outside 2 to 1,001.
    pub fn genius_config(&self) -> Result<GeniusConfig, NegotiationError> {
        if !(2..=1001).contains(&self.real_points) {
            return Err(NegotiationError::Config(format!(
                "`real_points` = {} is outside 2 to 1,001; e.g. 11",
                self.real_points
            )));
        }
        Ok(GeniusConfig {
            real_grid_points: self.real_points,
            raw_evaluations: self.preset == Preset::Negmas,
        })
    }

    /// The tournament to run: its options, with every negotiator as the preset has it.
    pub fn run_config(&self) -> TournamentConfig {
        let mut config = self.tournament.clone();
        if self.preset == Preset::Negmas {
            config.agents = config
                .agents
                .into_iter()
                .map(AgentSpec::under_negmas)
                .collect();
        }
        config
    }
}

fn default_real_points() -> usize {
    GeniusConfig::default().real_grid_points
}

/// The grid step of scenario domains when a tournament config gives none.
pub const DEFAULT_TOURNAMENT_STEP: f64 = 25.0;

fn default_step() -> f64 {
    DEFAULT_TOURNAMENT_STEP
}
