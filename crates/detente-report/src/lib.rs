//! Reports of a detente analysis, with no HTTP and no file I/O: the self-contained HTML report
//! and the Markdown summary of `detente report` ([`html`], [`markdown`]), the stand-alone SVG
//! charts of `detente report --plot` ([`plots`]), and the dashboard's files ([`assets`]), whose
//! view modules the HTML report inlines and `detente serve` serves.
//!
//! Everything here writes what it is given: the caller runs the models (through
//! `detente_analysis`) and writes the text where it wants it. The one wording of each sentence
//! a report shares with the terminal report (how an EUM run ended, why an actor moved) is owned
//! by the model types in `detente_models`.
//!
//! **Invariants:** no network, no file I/O, no clock; the same input gives the same bytes.

pub mod assets;
pub mod charts;
// Public for the crate's integration tests (tests/it/draw.rs) only: not part of the API.
#[doc(hidden)]
pub mod draw;
mod html;
mod plot;
mod settlement;

pub use html::{ReportInput, html, markdown};
pub use plot::{Plot, plots};
