//! Checks of `[[time.events]]`: dated observations the settlement forecast conditions on
//! (issue 13). Each names its month (within the horizon), the fields its kind reads and no
//! others; events that cannot all be true together are refused.

use super::{Checker, Refs};
use crate::diagnostic::FieldPath;
use crate::file::{EventKindFile, TimeFile};
use crate::scenario::{Event, EventKind, Scale};

impl Checker {
    /// Checks `[[time.events]]` against the issues, the levers and the `horizon`.
    pub(super) fn events(
        &mut self,
        path: &FieldPath,
        time: &TimeFile,
        refs: &Refs<'_>,
        horizon: u32,
    ) -> Vec<Event> {
        let mut events = Vec::new();
        for (k, e) in time.events.iter().enumerate() {
            let epath = path.key("events").index(k);
            let mut ok = true;
            if !(0..=i64::from(horizon)).contains(&e.month) {
                ok = false;
                self.error(
                    epath.key("month"),
                    format!("month {} is outside the months modelled, 0..={horizon}", e.month),
                    "give the month of the observation counted from the scenario's month 0 (its date), no later than `[time] horizon`",
                );
            }
            let kind_name = match e.kind {
                EventKindFile::StatusQuo => "status-quo",
                EventKindFile::NoDeal => "no-deal",
                EventKindFile::Deal => "deal",
                EventKindFile::Lever => "lever",
            };
            // Fields a kind does not read are an error: a misplaced `value` is a typo.
            let reads: &[&str] = match e.kind {
                EventKindFile::StatusQuo => &["issue", "value", "error"],
                EventKindFile::Lever => &["lever"],
                EventKindFile::NoDeal | EventKindFile::Deal => &[],
            };
            for (field, given) in [
                ("issue", e.issue.is_some()),
                ("value", e.value.is_some()),
                ("error", e.error.is_some()),
                ("lever", e.lever.is_some()),
            ] {
                if given && !reads.contains(&field) {
                    ok = false;
                    self.error(
                        epath.key(field),
                        format!("an event of kind `{kind_name}` does not read `{field}`"),
                        format!(
                            "remove `{field}`, or use the kind that reads it (`issue`, `value`, `error`: `status-quo`; `lever`: `lever`)"
                        ),
                    );
                }
            }
            let kind = match e.kind {
                EventKindFile::StatusQuo => self.observed(&epath, e, refs, &mut ok),
                EventKindFile::NoDeal => Some(EventKind::NoDeal),
                EventKindFile::Deal => Some(EventKind::Deal),
                EventKindFile::Lever => match &e.lever {
                    None => {
                        self.error(
                            epath.key("lever"),
                            "an event of kind `lever` needs `lever`",
                            "name the lever of `[[time.levers]]` that was pulled, e.g. `lever = \"eu-sanctions\"`",
                        );
                        None
                    }
                    Some(id) if !time.levers.iter().any(|l| &l.id == id) => {
                        let known: Vec<&str> = time.levers.iter().map(|l| l.id.as_str()).collect();
                        self.error(
                            epath.key("lever"),
                            format!("unknown lever `{id}`"),
                            format!(
                                "use one of the levers of `[[time.levers]]`: {}",
                                known.join(", ")
                            ),
                        );
                        None
                    }
                    Some(id) => Some(EventKind::Lever { lever: id.clone() }),
                },
            };
            self.why_warning(&epath.key("kind"), e.why.as_deref(), &format!("event {k}"));
            if e.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
                self.warning(
                    epath.key("kind"),
                    format!("event {k} has no `source`"),
                    "add `source = \"...\"` naming where the observation comes from (a report, a date), so readers can check it",
                );
            }
            if ok && let Some(kind) = kind {
                events.push(Event {
                    month: e.month as u32,
                    kind,
                    source: e.source.clone(),
                    why: e.why.clone(),
                });
            }
        }
        self.contradictions(path, &events);
        events
    }

    /// A `status-quo` event's issue, value and error.
    fn observed(
        &mut self,
        epath: &FieldPath,
        e: &crate::file::EventFile,
        refs: &Refs<'_>,
        ok: &mut bool,
    ) -> Option<EventKind> {
        let issue = match &e.issue {
            Some(id) => self.issue_ref(&epath.key("issue"), id, refs),
            None => {
                self.error(
                    epath.key("issue"),
                    "an event of kind `status-quo` needs `issue`",
                    "name the issue whose status quo was observed, e.g. `issue = \"territory\"`",
                );
                None
            }
        };
        let scale = issue.and_then(|(_, s)| s);
        let value = match e.value {
            Some(v) if v.is_finite() && scale.is_none_or(|s| s.contains(v)) => Some(v),
            Some(v) => {
                let range =
                    scale.map_or_else(String::new, |s| format!(" [{}, {}]", s.min(), s.max()));
                self.error(
                    epath.key("value"),
                    format!("value {v} is off the issue's scale{range}"),
                    "give the observed status quo as a point on the issue's scale",
                );
                None
            }
            None => {
                self.error(
                    epath.key("value"),
                    "an event of kind `status-quo` needs `value`",
                    "give the observed status quo on the issue's scale, e.g. `value = 78`",
                );
                None
            }
        };
        let width = scale.map_or(f64::INFINITY, Scale::width);
        let error = match e.error {
            Some(x) if x.is_finite() && x > 0.0 && x <= width => Some(x),
            Some(x) => {
                self.error(
                    epath.key("error"),
                    format!("error {x} is not a positive number within the scale's width ({width})"),
                    "give the observation's uncertainty as an sd in scale points, greater than 0, e.g. `error = 1`",
                );
                None
            }
            None => {
                self.error(
                    epath.key("error"),
                    "an event of kind `status-quo` needs `error`",
                    "give the observation's uncertainty as an sd in scale points, greater than 0, e.g. `error = 1`",
                );
                None
            }
        };
        match (issue, value, error) {
            (Some((issue, _)), Some(value), Some(error)) => Some(EventKind::StatusQuo {
                issue,
                value,
                error,
            }),
            _ => {
                *ok = false;
                None
            }
        }
    }

    /// Events that cannot all be true: an agreement by month `m` and none by a month `>= m`;
    /// the same lever pulled twice.
    fn contradictions(&mut self, path: &FieldPath, events: &[Event]) {
        let deal = events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EventKind::Deal)
            .min_by_key(|(_, e)| e.month);
        let none = events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EventKind::NoDeal)
            .max_by_key(|(_, e)| e.month);
        if let (Some((_, d)), Some((_, n))) = (deal, none)
            && d.month <= n.month
        {
            self.error(
                path.key("events"),
                format!(
                    "the events contradict each other: an agreement by month {} and none by month {}",
                    d.month, n.month
                ),
                "keep the events that were observed: a `deal` event's month must come after every `no-deal` event's month",
            );
        }
        let mut pulled: Vec<&str> = Vec::new();
        for e in events {
            if let EventKind::Lever { lever } = &e.kind {
                if pulled.contains(&lever.as_str()) {
                    self.error(
                        path.key("events"),
                        format!("lever `{lever}` is pulled twice"),
                        "keep one `lever` event per lever, in the month it was first pulled",
                    );
                }
                pulled.push(lever);
            }
        }
    }
}
