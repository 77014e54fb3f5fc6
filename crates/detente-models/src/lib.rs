//! Forecasting models for detente. Each model is a pure function of an issue's stances (or a
//! scenario) and a config: no I/O, no clock, no randomness.
//!
//! - [`compromise`]: capability × salience weighted mean (Achen 2006).
//! - [`median`]: weighted median, the weighted-majority winner (Black 1948).
//! - [`nash`]: weighted Nash bargaining with the status quo as disagreement point.
//! - [`eum`]: Bueno de Mesquita's expected utility model (Scholz et al. 2011 formalisation).
//! - [`bargain`]: multi-issue package bargaining: outcome spaces, additive utilities, the Pareto
//!   frontier and the Nash, Kalai-Smorodinsky, egalitarian and utilitarian solutions.
//! - [`dynamics`]: time: status-quo drift, monthly costs, levers, the cost of delay, ripeness and
//!   the alternating-offers game with a deadline.
//! - [`smp`]: KTAB's Spatial Model of Politics, multi-dimensional, turn by turn.
//! - [`headline`]: one forecast per issue, stacked with weights learnt on the DEU backtest,
//!   with CV+ conformal intervals.
//! - [`forecast`]: runs the models on every issue of a scenario and names actors in the results.
//! - [`stop`]: the flag a caller raises to end a long run early (the server's wall-time budget).

pub mod bargain;
pub mod compromise;
pub mod dynamics;
pub mod eum;
pub mod forecast;
pub mod headline;
pub mod median;
pub mod nash;
pub mod smp;
pub mod stance;
pub mod stop;
