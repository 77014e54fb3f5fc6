//! The backtest itself: every model on every usable DEU issue, tuned blends by grouped
//! cross-validation, and the metrics with their bootstrap intervals.

use std::collections::{BTreeMap, BTreeSet};

use detente_core::import::{CouncilRule, DeuData, DeuIssue, DeuScenarioOptions, MissingReference};
use detente_models::compromise::compromise;
use detente_models::eum::{self, EumActor, EumConfig, EumError, EumInput};
use detente_models::median::weighted_median;
use detente_models::nash::{self, NashConfig};
use detente_models::stance::stances;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use rayon::prelude::*;
use serde::Serialize;

use crate::capability::{CapabilityMeasure, CapabilityTable, InstitutionWeight};
use crate::council::{Period, period_of};
use crate::power::PowerError;
use crate::procedure::{VetoConfig, acceptable_range};
use crate::stack::{self, CvOut, StackRow};
use crate::stats::{ClusterBootstrap, Metrics, cluster_sums, metrics};
use detente_models::headline::{
    self, BASES, Conformal, Coverage, Features, LEARNT_SCHEMA, LEVELS, Learnt, Range, Residual,
    TrainingRanges,
};

/// A forecasting model of the backtest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelId {
    /// The reference point (status quo) itself.
    ReferencePoint,
    /// The unweighted mean of the positions.
    Mean,
    /// Capability × salience weighted mean.
    Compromise,
    /// Capability × salience weighted median.
    Median,
    /// Weighted Nash bargaining of the veto players, reference point as disagreement.
    Nash,
    /// Expected utility model, Scholz preset, weighted median after the last round.
    EumScholz,
    /// Expected utility model, BDM preset.
    EumBdm,
    /// The compromise clamped into the procedurally acceptable range.
    CompromiseProcedural,
    /// The weighted median clamped into the procedurally acceptable range.
    MedianProcedural,
    /// Compromise blended with the reference point, weight tuned out of fold.
    BlendReference,
    /// Compromise blended with the procedural compromise, weight tuned out of fold.
    BlendProcedural,
    /// Compromise blended with the weighted median, weight tuned out of fold.
    BlendMedian,
    /// Compromise blended with the unweighted mean, weight tuned out of fold.
    BlendMean,
    /// Compromise blended with the EUM (Scholz), weight tuned out of fold.
    BlendEumScholz,
    /// Compromise blended with the EUM (BDM), weight tuned out of fold.
    BlendEumBdm,
    /// Stack, non-negative weights summing to one, least absolute error, pooled.
    StackPooled,
    /// Stack as `StackPooled`, weights per decision rule.
    StackRule,
    /// Stack as `StackPooled`, weights per decision rule and status quo coded or not.
    StackRuleStatusQuo,
    /// Stack as `StackPooled`, weights per decision rule and spread of positions.
    StackRuleSpread,
    /// Stack by ridge regression on the differences from the compromise, per decision rule.
    StackRidgeRule,
    /// The headline: in each fold, the stack with the smallest inner cross-validated error.
    Headline,
}

impl ModelId {
    /// Every model, in report order.
    pub const ALL: [ModelId; 21] = [
        ModelId::ReferencePoint,
        ModelId::Mean,
        ModelId::Compromise,
        ModelId::Median,
        ModelId::Nash,
        ModelId::EumScholz,
        ModelId::EumBdm,
        ModelId::CompromiseProcedural,
        ModelId::MedianProcedural,
        ModelId::BlendReference,
        ModelId::BlendProcedural,
        ModelId::BlendMedian,
        ModelId::BlendMean,
        ModelId::BlendEumScholz,
        ModelId::BlendEumBdm,
        ModelId::StackPooled,
        ModelId::StackRule,
        ModelId::StackRuleStatusQuo,
        ModelId::StackRuleSpread,
        ModelId::StackRidgeRule,
        ModelId::Headline,
    ];

    /// The name used on the command line and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReferencePoint => "reference-point",
            Self::Mean => "mean",
            Self::Compromise => "compromise",
            Self::Median => "median",
            Self::Nash => "nash",
            Self::EumScholz => "eum-scholz",
            Self::EumBdm => "eum-bdm",
            Self::CompromiseProcedural => "compromise-procedural",
            Self::MedianProcedural => "median-procedural",
            Self::BlendReference => "blend-reference",
            Self::BlendProcedural => "blend-procedural",
            Self::BlendMedian => "blend-median",
            Self::BlendMean => "blend-mean",
            Self::BlendEumScholz => "blend-eum-scholz",
            Self::BlendEumBdm => "blend-eum-bdm",
            Self::StackPooled => "stack-pooled",
            Self::StackRule => "stack-rule",
            Self::StackRuleStatusQuo => "stack-rule-status-quo",
            Self::StackRuleSpread => "stack-rule-spread",
            Self::StackRidgeRule => "stack-ridge-rule",
            Self::Headline => "headline",
        }
    }

    /// One line on what the model does.
    pub fn description(self) -> &'static str {
        match self {
            Self::ReferencePoint => "the reference point (status quo) as the forecast",
            Self::Mean => "unweighted mean of the positions",
            Self::Compromise => "capability x salience weighted mean of the positions",
            Self::Median => "capability x salience weighted median",
            Self::Nash => {
                "weighted Nash bargaining, reference point as disagreement; bargainers are the veto players of the imported rule (unanimity: member states and, under co-decision, the Parliament; QMV: every actor with a position)"
            }
            Self::EumScholz => {
                "expected utility model, scholz preset (10 rounds), weighted median after the last round"
            }
            Self::EumBdm => {
                "expected utility model, bdm preset (up to 100 rounds), weighted median after the last round"
            }
            Self::CompromiseProcedural => {
                "compromise clamped into the range that beats the reference point under the procedure (unanimity: every member with a position; QMV: the qualified-majority pivot by Council votes; Parliament veto under co-decision)"
            }
            Self::MedianProcedural => "weighted median clamped into the same procedural range",
            Self::BlendReference => "(1-w) compromise + w reference point, w tuned out of fold",
            Self::BlendProcedural => {
                "(1-w) compromise + w procedural compromise, w tuned out of fold"
            }
            Self::BlendMedian => "(1-w) compromise + w weighted median, w tuned out of fold",
            Self::BlendMean => "(1-w) compromise + w unweighted mean, w tuned out of fold",
            Self::BlendEumScholz => "(1-w) compromise + w EUM (scholz), w tuned out of fold",
            Self::BlendEumBdm => "(1-w) compromise + w EUM (bdm), w tuned out of fold",
            Self::StackPooled => {
                "stack of status quo, mean, compromise, median, nash and eum-scholz: non-negative weights summing to 1 that minimise the absolute error, fitted out of fold"
            }
            Self::StackRule => {
                "the same stack with weights per decision rule (majority, unanimity)"
            }
            Self::StackRuleStatusQuo => {
                "the same stack with weights per decision rule and status quo coded or missing"
            }
            Self::StackRuleSpread => {
                "the same stack with weights per decision rule and spread of positions (below or above the training median)"
            }
            Self::StackRidgeRule => {
                "ridge regression of outcome minus compromise on the other bases minus compromise (penalty 100 per issue), per decision rule"
            }
            Self::Headline => {
                "the headline: in each fold, the stack above with the smallest MAE in an inner cross-validation on the training folds, fitted on them; what `detente forecast` shows"
            }
        }
    }

    /// Looks a model up by name.
    pub fn parse(name: &str) -> Option<ModelId> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// For a tuned blend, the model blended with the compromise.
    pub fn blend_partner(self) -> Option<ModelId> {
        match self {
            Self::BlendReference => Some(Self::ReferencePoint),
            Self::BlendProcedural => Some(Self::CompromiseProcedural),
            Self::BlendMedian => Some(Self::Median),
            Self::BlendMean => Some(Self::Mean),
            Self::BlendEumScholz => Some(Self::EumScholz),
            Self::BlendEumBdm => Some(Self::EumBdm),
            _ => None,
        }
    }

    /// For a stack, its index into [`stack::VARIANTS`].
    pub fn stack_variant(self) -> Option<usize> {
        match self {
            Self::StackPooled => Some(0),
            Self::StackRule => Some(1),
            Self::StackRuleStatusQuo => Some(2),
            Self::StackRuleSpread => Some(3),
            Self::StackRidgeRule => Some(4),
            _ => None,
        }
    }

    /// Whether the model is a stack or the headline (tuned out of fold, six bases).
    pub fn is_stack(self) -> bool {
        self.stack_variant().is_some() || self == Self::Headline
    }

    /// The untuned models that must be computed for `self` to be evaluated.
    fn needs(self) -> Vec<ModelId> {
        if self.is_stack() {
            return STACK_BASES.to_vec();
        }
        match self.blend_partner() {
            Some(p) => vec![Self::Compromise, p],
            None => vec![self, Self::Compromise],
        }
    }
}

/// The backtest models that feed the stacks, in [`headline::Base`] order.
pub const STACK_BASES: [ModelId; BASES] = [
    ModelId::ReferencePoint,
    ModelId::Mean,
    ModelId::Compromise,
    ModelId::Median,
    ModelId::Nash,
    ModelId::EumScholz,
];

/// How issues without a coded reference point are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MissingReferencePolicy {
    /// Status quo = unweighted mean of the positions (reproduces the 43.1 of the data's README).
    #[default]
    Mean,
    /// Status quo = 50.
    Midpoint,
    /// Leave such issues out of the backtest.
    Skip,
}

/// Everything a backtest run depends on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestConfig {
    /// Member states' capability measure.
    pub capability: CapabilityMeasure,
    /// Weight of the Commission and the Parliament.
    pub institutions: InstitutionWeight,
    /// Issues without a reference point.
    pub missing_reference: MissingReferencePolicy,
    /// Veto players besides the Council.
    pub vetoes: VetoConfig,
    /// Models to evaluate (the compromise is always computed, as the benchmark).
    pub models: Vec<ModelId>,
    /// Bootstrap replicates.
    pub bootstrap_replicates: usize,
    /// Master seed of the bootstrap.
    pub bootstrap_seed: u64,
    /// Folds of the grouped cross-validation.
    pub folds: usize,
    /// Seeds of the fold assignments; the first gives the reported figures, the others the
    /// robustness check.
    pub cv_seeds: Vec<u64>,
    /// Blend weights tried: `0, 1/grid, ..., 1`.
    pub blend_grid: usize,
    /// Evaluate only the first this many issues of the file (tests); `None` for all.
    pub limit: Option<usize>,
    /// A deliberate defect for the no-leak test: the stacks' training sets include the test
    /// fold. Never set outside that test.
    #[doc(hidden)]
    #[serde(skip)]
    pub leak_for_tests: bool,
}

impl Default for BacktestConfig {
    fn default() -> Self {
        Self {
            capability: CapabilityMeasure::Gdp,
            institutions: InstitutionWeight::Largest,
            missing_reference: MissingReferencePolicy::Mean,
            vetoes: VetoConfig::default(),
            models: ModelId::ALL.to_vec(),
            bootstrap_replicates: 2000,
            bootstrap_seed: 20_251_125,
            folds: 10,
            cv_seeds: vec![1, 2, 3, 4, 5],
            blend_grid: 20,
            limit: None,
            leak_for_tests: false,
        }
    }
}

/// Error of a backtest run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BacktestError {
    /// A voting game could not be built.
    #[error("voting power: {0}")]
    Power(#[from] PowerError),
    /// No issue is usable.
    #[error("no issue has an outcome and at least two actors with a position and a capability")]
    NoIssues,
    /// A configuration value is out of range.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// Issues left out, by reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Why.
    pub reason: String,
    /// How many.
    pub count: usize,
}

/// A paired comparison with the compromise model: this model's error minus the compromise's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Paired {
    /// Mean of `|e_model| - |e_compromise|` (negative: this model is better).
    pub mean_difference: f64,
    /// Its 95 % bootstrap interval.
    pub interval: [f64; 2],
    /// Issues where this model is closer / farther / tied.
    pub better: usize,
    /// Issues where the compromise is closer.
    pub worse: usize,
}

/// Cross-validation details of a tuned model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tuning {
    /// Blend weight chosen in each fold (first seed), fold order.
    pub weights: Vec<f64>,
    /// Out-of-fold mean absolute error under each CV seed, in `cv_seeds` order.
    pub mean_absolute_error_by_seed: Vec<f64>,
}

/// The result for one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelResult {
    /// The model.
    pub model: ModelId,
    /// What it does.
    pub description: &'static str,
    /// Whether a parameter was tuned (figures are then out of fold).
    pub tuned: bool,
    /// Point metrics over every usable issue.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// 95 % bootstrap interval of the mean absolute error.
    pub mean_absolute_error_interval: [f64; 2],
    /// 95 % bootstrap interval of the within-10 share.
    pub within_10_interval: [f64; 2],
    /// Paired comparison with the compromise model.
    pub versus_compromise: Paired,
    /// Metrics per group: `qmv`, `unanimity`, `reference-coded`, `reference-missing`.
    pub groups: BTreeMap<String, Metrics>,
    /// Tuning, for tuned models.
    pub tuning: Option<Tuning>,
}

/// The whole backtest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestReport {
    /// Output schema.
    pub schema: &'static str,
    /// The configuration.
    pub config: BacktestConfig,
    /// Rows in the file.
    pub issues_in_file: usize,
    /// Issues evaluated.
    pub issues_used: usize,
    /// Proposals among them (the bootstrap's and the folds' clusters).
    pub proposals_used: usize,
    /// Issues left out, by reason.
    pub skipped: Vec<Skipped>,
    /// Issues per Council period (for the votes-based measures and procedures).
    pub periods: BTreeMap<&'static str, usize>,
    /// Per-model results, in report order.
    pub models: Vec<ModelResult>,
    /// Importer and model notes (fallbacks used, conventions).
    pub notes: Vec<String>,
    /// Every evaluated issue with each model's forecast (out of fold for tuned models).
    pub issues: Vec<IssueForecasts>,
    /// The headline's coverage and learnt weights, when the headline was evaluated.
    pub headline: Option<HeadlineReport>,
}

/// The headline model: nested out-of-fold coverage, and what `detente forecast` ships.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadlineReport {
    /// The stack chosen in each outer fold (first fold seed), by inner cross-validated MAE.
    pub chosen_per_fold: Vec<String>,
    /// Out-of-fold MAE of each stack variant on the first fold seed (the shipped choice is the
    /// smallest).
    pub variant_mean_absolute_error: Vec<(String, f64)>,
    /// Coverage of the nested CV+ intervals, nominal vs measured out of fold.
    pub coverage: Vec<Coverage>,
    /// The learnt model shipped to `detente forecast`.
    pub learnt: Learnt,
}

/// One evaluated issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueForecasts {
    /// Issue id (`isnr`).
    pub issue: String,
    /// Proposal id (`prnr`).
    pub proposal: String,
    /// Council rule.
    pub rule: &'static str,
    /// The reference point, if coded.
    pub reference_point: Option<f64>,
    /// The outcome.
    pub outcome: f64,
    /// Forecast per model.
    pub forecasts: BTreeMap<ModelId, f64>,
    /// The headline's out-of-fold CV+ intervals at 50, 80 and 90 % (when evaluated).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headline_intervals: Vec<[f64; 2]>,
}

/// An issue ready for evaluation, with every untuned forecast.
struct Row {
    issue: String,
    proposal: String,
    reference_point: Option<f64>,
    cluster: usize,
    rule: CouncilRule,
    reference_coded: bool,
    outcome: f64,
    forecasts: BTreeMap<ModelId, f64>,
    fallbacks: Vec<&'static str>,
    features: Features,
}

/// Runs the backtest on `data` (read from the file called `file`).
///
/// # Errors
/// [`BacktestError`] for an invalid configuration or when no issue is usable.
pub fn run(
    file: &str,
    data: &DeuData,
    config: &BacktestConfig,
) -> Result<BacktestReport, BacktestError> {
    if config.folds < 2 || config.cv_seeds.is_empty() || config.blend_grid == 0 {
        return Err(BacktestError::Config(
            "need at least 2 folds, one CV seed and a blend grid of at least 1".to_owned(),
        ));
    }
    let table = CapabilityTable::new(data, config.capability, config.institutions)?;
    let needed: BTreeSet<ModelId> = config.models.iter().flat_map(|m| m.needs()).collect();
    let options = |period: Period| DeuScenarioOptions {
        capabilities: table.get(period).to_vec(),
        missing_reference: match config.missing_reference {
            MissingReferencePolicy::Midpoint => MissingReference::Midpoint,
            _ => MissingReference::MeanOfPositions,
        },
        qmv_quota: f64::from(period.qmv_threshold())
            / f64::from(
                detente_core::import::DEU_ACTORS
                    .iter()
                    .map(|(id, _)| period.votes(id))
                    .sum::<u32>(),
            ),
        commission_veto: config.vetoes.commission,
        parliament_veto_codecision: config.vetoes.parliament_codecision,
        parliament_veto_consultation: config.vetoes.parliament_consultation,
    };

    let issues: Vec<&DeuIssue> = data
        .issues
        .iter()
        .take(config.limit.unwrap_or(usize::MAX))
        .collect();
    let mut skipped: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut usable = Vec::new();
    for issue in &issues {
        let period = period_of(data, issue);
        let caps = table.get(period);
        let present = issue
            .stances
            .iter()
            .filter(|s| caps.get(s.actor).copied().flatten().is_some())
            .count();
        let reason = if issue.outcome.is_none() {
            Some("no outcome")
        } else if present < 2 {
            Some("fewer than two actors with a position and a capability")
        } else if issue.reference_point.is_none()
            && config.missing_reference == MissingReferencePolicy::Skip
        {
            Some("no reference point (--missing-reference skip)")
        } else {
            None
        };
        match reason {
            Some(r) => *skipped.entry(r).or_default() += 1,
            None => usable.push((*issue, period)),
        }
    }
    if usable.is_empty() {
        return Err(BacktestError::NoIssues);
    }
    let proposals: BTreeMap<&str, usize> = usable
        .iter()
        .map(|(i, _)| i.proposal.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .enumerate()
        .map(|(k, p)| (p, k))
        .collect();
    let mut periods: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (_, p) in &usable {
        *periods.entry(p.as_str()).or_default() += 1;
    }

    let results: Vec<Result<Row, String>> = usable
        .par_iter()
        .map(|(issue, period)| {
            let options = options(*period);
            let scenario = issue
                .scenario(file, data, &options)
                .map_err(|e| format!("issue {} (line {}): {e}", issue.id, issue.line))?;
            let cluster = proposals.get(issue.proposal.as_str()).copied().unwrap_or(0);
            Ok(forecast_row(
                data, issue, *period, &scenario, &needed, config, cluster,
            ))
        })
        .collect();
    let mut rows = Vec::with_capacity(results.len());
    let mut notes: Vec<String> = data.notes.clone();
    let mut invalid = 0;
    for r in results {
        match r {
            Ok(row) => rows.push(row),
            Err(e) => {
                invalid += 1;
                notes.push(format!("skipped, scenario did not validate: {e}"));
            }
        }
    }
    if invalid > 0 {
        *skipped
            .entry("the imported scenario did not validate")
            .or_default() += invalid;
    }
    if rows.is_empty() {
        return Err(BacktestError::NoIssues);
    }
    let mut fallback_counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for row in &rows {
        for f in &row.fallbacks {
            *fallback_counts.entry(f).or_default() += 1;
        }
    }
    for (f, n) in fallback_counts {
        notes.push(format!("{n} issue(s): {f}"));
    }
    let missing_rp = rows.iter().filter(|r| !r.reference_coded).count();
    if missing_rp > 0 {
        notes.push(format!(
            "{missing_rp} issue(s) have no coded reference point; their status quo is {}",
            match config.missing_reference {
                MissingReferencePolicy::Midpoint => "50",
                _ => "the unweighted mean of the positions",
            }
        ));
    }

    let clusters = proposals.len();
    let cluster_of: Vec<usize> = rows.iter().map(|r| r.cluster).collect();
    let boot = ClusterBootstrap::new(clusters, config.bootstrap_replicates, config.bootstrap_seed);
    let ones = vec![1.0; rows.len()];
    let den = cluster_sums(&ones, &cluster_of, clusters);
    let errors_of = |pred: &[f64]| -> Vec<f64> {
        pred.iter()
            .zip(&rows)
            .map(|(p, r)| (p - r.outcome).abs())
            .collect()
    };
    let base = |m: ModelId| -> Vec<f64> {
        rows.iter()
            .map(|r| r.forecasts.get(&m).copied().unwrap_or(f64::NAN))
            .collect()
    };
    let comp_errors = errors_of(&base(ModelId::Compromise));

    let stack_rows: Vec<StackRow> = rows
        .iter()
        .map(|r| StackRow {
            features: r.features,
            bases: STACK_BASES.map(|m| r.forecasts.get(&m).copied().unwrap_or(f64::NAN)),
            outcome: r.outcome,
        })
        .collect();
    let nested = config.models.contains(&ModelId::Headline);
    let cv: Vec<CvOut> = if config.models.iter().any(|m| m.is_stack()) {
        config
            .cv_seeds
            .iter()
            .map(|&seed| {
                stack::cross_validate(
                    &stack_rows,
                    &fold_of_rows(&rows, config.folds, seed),
                    config.folds,
                    nested,
                    config.leak_for_tests,
                )
            })
            .collect()
    } else {
        Vec::new()
    };

    let mut models = Vec::new();
    let mut all_predictions: Vec<(ModelId, Vec<f64>)> = Vec::new();
    for &model in &config.models {
        let stack_pred = |c: &CvOut| match model.stack_variant() {
            Some(v) => c.variant_pred.get(v).cloned().unwrap_or_default(),
            None => c.headline_pred.clone(),
        };
        let (pred, tuning) = match model.blend_partner() {
            None if model.is_stack() => (
                cv.first().map(stack_pred).unwrap_or_default(),
                Some(Tuning {
                    weights: Vec::new(),
                    mean_absolute_error_by_seed: cv
                        .iter()
                        .map(|c| metrics(&errors_of(&stack_pred(c))).mean_absolute_error)
                        .collect(),
                }),
            ),
            None => (base(model), None),
            Some(partner) => {
                let (comp, other) = (base(ModelId::Compromise), base(partner));
                let mut by_seed = Vec::new();
                let mut first = None;
                for &seed in &config.cv_seeds {
                    let (pred, weights) = cross_validate(&rows, &comp, &other, config, seed);
                    by_seed.push(metrics(&errors_of(&pred)).mean_absolute_error);
                    if first.is_none() {
                        first = Some((pred, weights));
                    }
                }
                let (pred, weights) = first.unwrap_or_default();
                (
                    pred,
                    Some(Tuning {
                        weights,
                        mean_absolute_error_by_seed: by_seed,
                    }),
                )
            }
        };
        let errors = errors_of(&pred);
        all_predictions.push((model, pred.clone()));
        let within: Vec<f64> = errors
            .iter()
            .map(|e| if *e <= 10.0 { 1.0 } else { 0.0 })
            .collect();
        let diff: Vec<f64> = errors
            .iter()
            .zip(&comp_errors)
            .map(|(a, b)| a - b)
            .collect();
        let eps = 1e-9;
        let versus_compromise = Paired {
            mean_difference: diff.iter().sum::<f64>() / diff.len() as f64,
            interval: boot.interval(&cluster_sums(&diff, &cluster_of, clusters), &den),
            better: diff.iter().filter(|d| **d < -eps).count(),
            worse: diff.iter().filter(|d| **d > eps).count(),
        };
        let mut groups = BTreeMap::new();
        let group = |f: &dyn Fn(&Row) -> bool| -> Vec<f64> {
            errors
                .iter()
                .zip(&rows)
                .filter(|(_, r)| f(r))
                .map(|(e, _)| *e)
                .collect()
        };
        groups.insert(
            "qmv".to_owned(),
            metrics(&group(&|r| r.rule == CouncilRule::QualifiedMajority)),
        );
        groups.insert(
            "unanimity".to_owned(),
            metrics(&group(&|r| r.rule == CouncilRule::Unanimity)),
        );
        groups.insert(
            "reference-coded".to_owned(),
            metrics(&group(&|r| r.reference_coded)),
        );
        groups.insert(
            "reference-missing".to_owned(),
            metrics(&group(&|r| !r.reference_coded)),
        );
        models.push(ModelResult {
            model,
            description: model.description(),
            tuned: tuning.is_some(),
            metrics: metrics(&errors),
            mean_absolute_error_interval: boot
                .interval(&cluster_sums(&errors, &cluster_of, clusters), &den),
            within_10_interval: boot.interval(&cluster_sums(&within, &cluster_of, clusters), &den),
            versus_compromise,
            groups,
            tuning,
        });
    }
    let headline = match cv.first() {
        Some(c) if nested => Some(headline_report(
            file,
            &rows,
            &stack_rows,
            c,
            &fold_of_rows(
                &rows,
                config.folds,
                config.cv_seeds.first().copied().unwrap_or(0),
            ),
            clusters,
        )),
        _ => None,
    };
    Ok(BacktestReport {
        schema: "detente.backtest/1",
        config: config.clone(),
        issues_in_file: issues.len(),
        issues_used: rows.len(),
        proposals_used: clusters,
        skipped: skipped
            .into_iter()
            .map(|(reason, count)| Skipped {
                reason: reason.to_owned(),
                count,
            })
            .collect(),
        periods,
        models,
        notes,
        issues: rows
            .iter()
            .enumerate()
            .map(|(i, r)| IssueForecasts {
                issue: r.issue.clone(),
                proposal: r.proposal.clone(),
                rule: r.rule.as_str(),
                reference_point: r.reference_point,
                outcome: r.outcome,
                forecasts: all_predictions
                    .iter()
                    .map(|(m, p)| (*m, p.get(i).copied().unwrap_or(f64::NAN)))
                    .collect(),
                headline_intervals: cv
                    .first()
                    .and_then(|c| c.intervals.get(i))
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect(),
        headline,
    })
}

/// The fold of each row: proposals shuffled by a ChaCha8 generator seeded with `seed`, then
/// dealt to folds in turn.
fn fold_of_rows(rows: &[Row], folds: usize, seed: u64) -> Vec<usize> {
    let clusters = rows.iter().map(|r| r.cluster).max().map_or(0, |m| m + 1);
    let mut order: Vec<usize> = (0..clusters).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    order.shuffle(&mut rng);
    let mut fold_of_cluster = vec![0; clusters];
    for (k, &c) in order.iter().enumerate() {
        fold_of_cluster[c] = k % folds;
    }
    rows.iter().map(|r| fold_of_cluster[r.cluster]).collect()
}

/// Coverage of the nested intervals, and the learnt model: the variant with the smallest
/// out-of-fold MAE, fitted on every issue, with its fold stacks and out-of-fold residuals for
/// CV+.
fn headline_report(
    file: &str,
    rows: &[Row],
    stack_rows: &[StackRow],
    cv: &CvOut,
    fold_of: &[usize],
    clusters: usize,
) -> HeadlineReport {
    let mae = |pred: &[f64]| {
        pred.iter()
            .zip(rows)
            .map(|(p, r)| (p - r.outcome).abs())
            .sum::<f64>()
            / rows.len().max(1) as f64
    };
    let variant_mae: Vec<f64> = cv.variant_pred.iter().map(|p| mae(p)).collect();
    let mut ship = 0;
    for (v, m) in variant_mae.iter().enumerate() {
        if *m < variant_mae[ship] - 1e-9 {
            ship = v;
        }
    }
    let fitter = stack::VARIANTS[ship];
    let all: Vec<usize> = (0..stack_rows.len()).collect();
    let residuals = stack_rows
        .iter()
        .enumerate()
        .map(|(i, r)| Residual {
            fold: fold_of[i],
            unanimity: r.features.unanimity,
            value: (r.outcome - cv.variant_pred[ship][i]).abs(),
        })
        .collect();
    let coverage: Vec<Coverage> = LEVELS
        .iter()
        .enumerate()
        .map(|(li, &level)| {
            let share = |keep: &dyn Fn(&StackRow) -> bool| {
                let (mut hit, mut n) = (0usize, 0usize);
                for (r, iv) in stack_rows.iter().zip(&cv.intervals) {
                    if !keep(r) {
                        continue;
                    }
                    let Some([lo, hi]) = iv.get(li) else { continue };
                    n += 1;
                    if *lo <= r.outcome && r.outcome <= *hi {
                        hit += 1;
                    }
                }
                if n == 0 {
                    f64::NAN
                } else {
                    hit as f64 / n as f64
                }
            };
            let widths: Vec<f64> = cv
                .intervals
                .iter()
                .filter_map(|iv| iv.get(li).map(|[lo, hi]| hi - lo))
                .collect();
            Coverage {
                level,
                measured: share(&|_| true),
                majority: share(&|r| !r.features.unanimity),
                unanimity: share(&|r| r.features.unanimity),
                mean_width: widths.iter().sum::<f64>() / widths.len().max(1) as f64,
            }
        })
        .collect();
    let range = |unanimity: bool, f: &dyn Fn(&Features) -> f64| {
        let v: Vec<f64> = stack_rows
            .iter()
            .filter(|r| r.features.unanimity == unanimity)
            .map(|r| f(&r.features))
            .collect();
        if v.is_empty() {
            return Range {
                min: f64::NAN,
                max: f64::NAN,
            };
        }
        Range {
            min: v.iter().copied().fold(f64::INFINITY, f64::min),
            max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    };
    let ranges = TrainingRanges {
        actors: [false, true].map(|u| range(u, &|f| f.actors as f64)),
        veto_players: [false, true].map(|u| range(u, &|f| f.veto_players as f64)),
        spread: [false, true].map(|u| range(u, &|f| f.spread)),
        mediators_or_allies: [false, true].map(|u| range(u, &|f| f.mediators_or_allies as f64)),
    };
    let compromise: Vec<f64> = stack_rows
        .iter()
        .map(|r| r.bases[headline::Base::Compromise.index()])
        .collect();
    HeadlineReport {
        chosen_per_fold: cv
            .chosen
            .iter()
            .map(|&c| stack::variant_name(stack::VARIANTS[c]))
            .collect(),
        variant_mean_absolute_error: stack::VARIANTS
            .iter()
            .zip(&variant_mae)
            .map(|(v, m)| (stack::variant_name(*v), *m))
            .collect(),
        learnt: Learnt {
            schema: LEARNT_SCHEMA.to_owned(),
            source: format!(
                "detente backtest {file} --format headline: {} issues from {clusters} proposals, stacks cross-validated in folds grouped by proposal",
                rows.len()
            ),
            training: "EU legislative decisions, DEU III".to_owned(),
            issues: rows.len(),
            variant: stack::variant_name(fitter),
            stack: stack::fit(fitter, stack_rows, &all),
            conformal: Conformal {
                folds: cv.variant_stacks[ship].clone(),
                residuals,
                sorted: Vec::new(),
            },
            ranges,
            mean_absolute_error: mae(&cv.headline_pred),
            compromise_mean_absolute_error: mae(&compromise),
            coverage: coverage.clone(),
        },
        coverage,
    }
}

/// Every untuned forecast of one issue.
fn forecast_row(
    data: &DeuData,
    issue: &DeuIssue,
    period: Period,
    scenario: &detente_core::Scenario,
    needed: &BTreeSet<ModelId>,
    config: &BacktestConfig,
    cluster: usize,
) -> Row {
    let mut fallbacks = Vec::new();
    let Some(sc_issue) = scenario.issues.first() else {
        // A validated scenario always has its one issue; keep the row evaluable regardless.
        return Row {
            issue: issue.id.clone(),
            proposal: issue.proposal.clone(),
            reference_point: issue.reference_point,
            cluster,
            rule: issue.council_rule,
            reference_coded: issue.reference_point.is_some(),
            outcome: issue.outcome.unwrap_or(f64::NAN),
            forecasts: BTreeMap::new(),
            fallbacks: vec!["scenario without an issue"],
            features: Features {
                unanimity: false,
                veto_players: 0,
                actors: 0,
                spread: 0.0,
                status_quo_coded: false,
                mediators_or_allies: 0,
            },
        };
    };
    let st = stances(scenario, sc_issue);
    let features = Features {
        status_quo_coded: issue.reference_point.is_some(),
        ..headline::features(scenario, sc_issue, &st)
    };
    let q = sc_issue.status_quo;
    let mean = st.iter().map(|s| s.position).sum::<f64>() / st.len() as f64;
    let comp = compromise(&st).unwrap_or_else(|| {
        fallbacks.push("every weight is zero: compromise and median fall back to the mean");
        mean
    });
    let median = weighted_median(&st).map_or(mean, |m| m.position);
    let range = acceptable_range(data, issue, period, q, &config.vetoes);
    let mut f = BTreeMap::new();
    f.insert(ModelId::ReferencePoint, q);
    f.insert(ModelId::Mean, mean);
    f.insert(ModelId::Compromise, comp);
    f.insert(ModelId::Median, median);
    f.insert(ModelId::CompromiseProcedural, comp.clamp(range.0, range.1));
    f.insert(ModelId::MedianProcedural, median.clamp(range.0, range.1));
    if needed.contains(&ModelId::Nash) {
        let players = nash::players(scenario, sc_issue, &st, &NashConfig::default());
        f.insert(
            ModelId::Nash,
            nash::nash(&st, &players, q, (0.0, 100.0)).position,
        );
    }
    for (model, preset) in [
        (ModelId::EumScholz, EumConfig::scholz()),
        (ModelId::EumBdm, EumConfig::bdm()),
    ] {
        if !needed.contains(&model) {
            continue;
        }
        let actors: Vec<EumActor> = st
            .iter()
            .map(|s| EumActor {
                capability: s.capability,
                position: s.position,
                salience: s.salience,
            })
            .collect();
        let input = EumInput {
            actors: &actors,
            scale: (0.0, 100.0),
        };
        let x = match eum::run(&input, &preset) {
            Ok(r) => r.forecast_median,
            // Everyone at one position: nothing to bargain over, that position is the forecast.
            Err(EumError::ZeroRange) => st.first().map_or(comp, |s| s.position),
            Err(_) => {
                fallbacks
                    .push("the EUM refused the issue: its forecast falls back to the compromise");
                comp
            }
        };
        f.insert(model, x);
    }
    Row {
        issue: issue.id.clone(),
        proposal: issue.proposal.clone(),
        reference_point: issue.reference_point,
        cluster,
        rule: issue.council_rule,
        reference_coded: issue.reference_point.is_some(),
        outcome: issue.outcome.unwrap_or(f64::NAN),
        forecasts: f,
        fallbacks,
        features,
    }
}

/// Out-of-fold predictions of `(1-w) a + w b` with `w` tuned on the training folds, proposals
/// assigned to folds by a seeded shuffle; also the weight chosen in each fold.
fn cross_validate(
    rows: &[Row],
    a: &[f64],
    b: &[f64],
    config: &BacktestConfig,
    seed: u64,
) -> (Vec<f64>, Vec<f64>) {
    let fold_of = fold_of_rows(rows, config.folds, seed);
    let grid: Vec<f64> = (0..=config.blend_grid)
        .map(|k| k as f64 / config.blend_grid as f64)
        .collect();
    let mut pred = vec![f64::NAN; rows.len()];
    let mut weights = Vec::with_capacity(config.folds);
    for fold in 0..config.folds {
        let in_fold = |i: usize| fold_of[i] == fold;
        let loss = |w: f64| -> f64 {
            (0..rows.len())
                .filter(|&i| !in_fold(i))
                .map(|i| ((1.0 - w) * a[i] + w * b[i] - rows[i].outcome).abs())
                .sum()
        };
        // Ties go to the smaller weight, i.e. toward the plain compromise.
        let mut best = (0.0, f64::INFINITY);
        for &w in &grid {
            let l = loss(w);
            if l < best.1 - 1e-9 {
                best = (w, l);
            }
        }
        weights.push(best.0);
        for i in (0..rows.len()).filter(|&i| in_fold(i)) {
            pred[i] = (1.0 - best.0) * a[i] + best.0 * b[i];
        }
    }
    (pred, weights)
}

/// Paired comparison of model `ma` in report `a` against model `mb` in report `b` on the issues
/// both evaluated: mean of `|e_a| - |e_b|` with its proposal-clustered bootstrap interval.
/// Returns the number of common issues too, or `None` if there are none.
pub fn paired_difference(
    a: &BacktestReport,
    ma: ModelId,
    b: &BacktestReport,
    mb: ModelId,
    replicates: usize,
    seed: u64,
) -> Option<(usize, Paired)> {
    let other: BTreeMap<&str, &IssueForecasts> =
        b.issues.iter().map(|i| (i.issue.as_str(), i)).collect();
    let mut proposals: BTreeMap<&str, usize> = BTreeMap::new();
    let mut diff = Vec::new();
    let mut cluster_of = Vec::new();
    for i in &a.issues {
        let (Some(j), Some(x)) = (other.get(i.issue.as_str()), i.forecasts.get(&ma)) else {
            continue;
        };
        let Some(y) = j.forecasts.get(&mb) else {
            continue;
        };
        let next = proposals.len();
        let c = *proposals.entry(i.proposal.as_str()).or_insert(next);
        cluster_of.push(c);
        diff.push((x - i.outcome).abs() - (y - j.outcome).abs());
    }
    if diff.is_empty() {
        return None;
    }
    let clusters = proposals.len();
    let boot = ClusterBootstrap::new(clusters, replicates, seed);
    let den = cluster_sums(&vec![1.0; diff.len()], &cluster_of, clusters);
    let eps = 1e-9;
    Some((
        diff.len(),
        Paired {
            mean_difference: diff.iter().sum::<f64>() / diff.len() as f64,
            interval: boot.interval(&cluster_sums(&diff, &cluster_of, clusters), &den),
            better: diff.iter().filter(|d| **d < -eps).count(),
            worse: diff.iter().filter(|d| **d > eps).count(),
        },
    ))
}
