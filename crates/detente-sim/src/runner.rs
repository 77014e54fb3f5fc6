//! One interface for block-wise simulation work: a [`Runner`] runs its trials in blocks,
//! reports the trials done after each block and asks a stop flag between blocks. The server's
//! background jobs drive every kind of run through it (Monte Carlo, sensitivity), so a new kind
//! of simulation is one more `impl Runner`, not one more job loop.
//!
//! A block's size changes neither the draws (they depend only on `(seed, k)`) nor the order
//! they are folded in, so a run that completes gives exactly the result of the plain function
//! ([`crate::montecarlo()`], [`crate::sensitivity::sensitivity`]) for the same config.

use detente_core::Scenario;
use serde::Serialize;

use crate::montecarlo::{MonteCarloConfig, MonteCarloResult, montecarlo_until};
use crate::sensitivity::{Sensitivity, SensitivityConfig, sensitivity_until};
use crate::target::{Target, TargetError};

/// Block-wise work on a scenario with progress and a stop flag.
pub trait Runner: Send + Sync {
    /// The completed result.
    type Output: Serialize;

    /// The progress count of a completed run on `scenario`: trials for a Monte Carlo, model
    /// runs (the tornado's two per input, then the trials) for a sensitivity analysis.
    fn total(&self, scenario: &Scenario) -> u64;

    /// Checks, before any model runs, what would make the run fail at its start or exhaust
    /// memory (a server answers it with a 4xx instead of accepting the job).
    ///
    /// # Errors
    /// What the run would fail with.
    fn check(&self, _scenario: &Scenario) -> Result<(), TargetError> {
        Ok(())
    }

    /// Runs in blocks of `block` trials, calling `progress` with the trials done after each
    /// block and asking `stop` before each; `Ok(None)` when it stopped before the end.
    ///
    /// # Errors
    /// A target that cannot be evaluated on the base scenario.
    fn run_until(
        &self,
        scenario: &Scenario,
        block: usize,
        progress: &(dyn Fn(u64) + Sync),
        stop: &dyn Fn() -> bool,
    ) -> Result<Option<Self::Output>, TargetError>;
}

/// A Monte Carlo of `targets` ([`crate::montecarlo()`]).
#[derive(Debug, Clone)]
pub struct MonteCarloRun {
    /// What each trial evaluates.
    pub targets: Vec<Target>,
    /// Trials, seed and noise.
    pub config: MonteCarloConfig,
}

impl Runner for MonteCarloRun {
    type Output = MonteCarloResult;

    fn total(&self, _: &Scenario) -> u64 {
        self.config.trials
    }

    fn run_until(
        &self,
        scenario: &Scenario,
        block: usize,
        progress: &(dyn Fn(u64) + Sync),
        stop: &dyn Fn() -> bool,
    ) -> Result<Option<MonteCarloResult>, TargetError> {
        let config = MonteCarloConfig {
            block,
            ..self.config.clone()
        };
        montecarlo_until(scenario, &self.targets, &config, progress, stop)
    }
}

/// A sensitivity analysis of `targets` ([`crate::sensitivity::sensitivity`]); progress counts
/// the regression's trials.
#[derive(Debug, Clone)]
pub struct SensitivityRun {
    /// The forecasts whose sensitivity is measured.
    pub targets: Vec<Target>,
    /// Ranges, trials and seed.
    pub config: SensitivityConfig,
}

impl Runner for SensitivityRun {
    type Output = Sensitivity;

    fn total(&self, scenario: &Scenario) -> u64 {
        crate::sensitivity::runs(scenario, &self.targets, &self.config)
    }

    fn check(&self, scenario: &Scenario) -> Result<(), TargetError> {
        crate::sensitivity::check(scenario, &self.targets, &self.config)
    }

    fn run_until(
        &self,
        scenario: &Scenario,
        block: usize,
        progress: &(dyn Fn(u64) + Sync),
        stop: &dyn Fn() -> bool,
    ) -> Result<Option<Sensitivity>, TargetError> {
        let config = SensitivityConfig {
            block,
            ..self.config.clone()
        };
        sensitivity_until(scenario, &self.targets, &config, progress, stop)
    }
}
