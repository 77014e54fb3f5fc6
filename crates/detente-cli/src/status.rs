//! A status line on a terminal for commands that compute for seconds without a count to show:
//! `report` (its steps), `delay` and `levers` (the settlement forecast). Commands with a count
//! (`montecarlo`, `sensitivity`, `tournament`) show a progress bar instead.
//!
//! Hidden when stderr is not a terminal, so logs and pipes see nothing; cleared when dropped,
//! so the command's own output starts on a clean line.

use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A spinner with what is being computed and the time since the command started.
pub struct Status(ProgressBar);

impl Status {
    /// A status line of `command` (`report: ...`); hidden off a terminal.
    pub fn new(command: &str) -> Self {
        if !std::io::stderr().is_terminal() {
            return Self(ProgressBar::hidden());
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) =
            ProgressStyle::with_template(&format!("{{spinner}} {command}: {{msg}}  {{elapsed}}"))
        {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(150));
        Self(bar)
    }

    /// Shows `what` as what is being computed now.
    pub fn show(&self, what: String) {
        self.0.set_message(what);
    }
}

impl Drop for Status {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// "settlement forecast, 1,000 trials": what a step computes and how many trials it draws.
pub fn with_trials(what: &str, trials: Option<u64>) -> String {
    match trials {
        Some(n) => format!(
            "{what}, {} trials",
            crate::output::thousands(&n.to_string())
        ),
        None => what.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trials_are_counted_with_separators() {
        assert_eq!(
            with_trials("settlement forecast", Some(1000)),
            "settlement forecast, 1,000 trials"
        );
        assert_eq!(with_trials("levers", None), "levers");
    }
}
