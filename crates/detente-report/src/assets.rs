//! The dashboard's static files, embedded in the binary at build time.
//!
//! The dashboard is plain HTML, CSS and ES modules with hand-drawn SVG charts: no build step and
//! no Node.js. The same chart module is inlined into HTML reports (see [`crate::html`]).

/// One embedded file: URL path under `/assets/`, content type, text.
pub struct Asset {
    /// Path below `/assets/`.
    pub path: &'static str,
    /// Content type sent with it.
    pub content_type: &'static str,
    /// The file's text.
    pub text: &'static str,
}

macro_rules! asset {
    ($path:literal, $ty:expr) => {
        Asset {
            path: $path,
            content_type: $ty,
            text: include_str!(concat!("../assets/", $path)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// The dashboard page.
pub const INDEX: &str = include_str!("../assets/index.html");

/// Every file under `/assets/`.
pub const ASSETS: &[Asset] = &[
    asset!("style.css", "text/css; charset=utf-8"),
    asset!("js/app.js", JS),
    asset!("js/api.js", JS),
    asset!("js/format.js", JS),
    asset!("js/scenario-table.js", JS),
    asset!("js/views/forecast.js", JS),
    asset!("js/views/bargain.js", JS),
    asset!("js/views/delay.js", JS),
    asset!("js/views/settlement.js", JS),
    asset!("js/views/montecarlo.js", JS),
    asset!("js/views/sensitivity.js", JS),
    asset!("js/views/runs.js", JS),
    asset!("js/report.js", JS),
];

/// The embedded file at `path` (below `/assets/`).
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}
