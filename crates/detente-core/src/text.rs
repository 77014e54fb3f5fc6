//! Checks on the free text of a scenario: no control characters, no bidirectional overrides.
//!
//! Titles, names and labels reach terminals, HTML reports and CSV files. A control character
//! there can carry a terminal escape sequence (recolouring, moving the cursor, rewriting what
//! was printed), and a bidirectional override can make a label read differently from what it
//! is (issue 16). The format has no use for either, so validation refuses them with a fix
//! instead of every output neutralising them. One-line fields refuse line breaks and tabs too;
//! prose fields (`description`, `note`, `why`...) keep them.

use crate::diagnostic::{FieldPath, Finding, is_unsafe_char};
use crate::file::ScenarioFile;

/// Every finding about text fields of `file`, in document order.
pub(crate) fn check(file: &ScenarioFile) -> Vec<Finding> {
    let mut out = Vec::new();
    let root = FieldPath::root();
    let meta = root.key("scenario");
    let s = &file.scenario;
    line(&mut out, meta.key("title"), &s.title);
    line_opt(&mut out, meta.key("date"), s.date.as_deref());
    prose(&mut out, meta.key("description"), s.description.as_deref());
    prose(&mut out, meta.key("caveat"), s.caveat.as_deref());
    for (i, source) in s.sources.iter().enumerate() {
        // A source may be a long URL or citation: prose rules, no line breaks needed.
        prose(&mut out, meta.key("sources").index(i), Some(source));
    }
    for (i, a) in file.actors.iter().enumerate() {
        let path = root.key("actors").index(i);
        line(&mut out, path.key("name"), &a.name);
        line_opt(&mut out, path.key("bloc"), a.bloc.as_deref());
        prose(&mut out, path.key("note"), a.note.as_deref());
        prose(&mut out, path.key("why"), a.why.as_deref());
    }
    for (i, space) in file.spaces.iter().enumerate() {
        let path = root.key("spaces").index(i);
        line(&mut out, path.key("name"), &space.name);
        prose(&mut out, path.key("note"), space.note.as_deref());
    }
    for (i, issue) in file.issues.iter().enumerate() {
        let path = root.key("issues").index(i);
        line(&mut out, path.key("name"), &issue.name);
        prose(&mut out, path.key("note"), issue.note.as_deref());
        prose(
            &mut out,
            path.key("status_quo_why"),
            issue.status_quo_why.as_deref(),
        );
        for (k, anchor) in issue.anchors.iter().enumerate() {
            line(
                &mut out,
                path.key("anchors").index(k).key("label"),
                &anchor.label,
            );
        }
        for (k, p) in issue.positions.iter().enumerate() {
            prose(
                &mut out,
                path.key("positions").index(k).key("why"),
                p.why.as_deref(),
            );
        }
    }
    if let Some(time) = &file.time {
        let path = root.key("time");
        prose(
            &mut out,
            path.key("horizon_why"),
            time.horizon_why.as_deref(),
        );
        for (k, d) in time.drift.iter().enumerate() {
            prose(
                &mut out,
                path.key("drift").index(k).key("why"),
                d.why.as_deref(),
            );
        }
        for (k, a) in time.actors.iter().enumerate() {
            prose(
                &mut out,
                path.key("actors").index(k).key("why"),
                a.why.as_deref(),
            );
        }
        for (k, l) in time.levers.iter().enumerate() {
            let lpath = path.key("levers").index(k);
            line(&mut out, lpath.key("name"), &l.name);
            prose(&mut out, lpath.key("why"), l.why.as_deref());
        }
        for (k, v) in time.vetoes.iter().enumerate() {
            prose(
                &mut out,
                path.key("vetoes").index(k).key("why"),
                v.why.as_deref(),
            );
        }
    }
    out
}

fn line_opt(out: &mut Vec<Finding>, path: FieldPath, text: Option<&str>) {
    if let Some(text) = text {
        line(out, path, text);
    }
}

/// Longest one-line text (a title, name or label), in characters. Tables pad names to the
/// longest one, and Rust's formatter cannot pad past 65,535 (issue 16: a 70,000-character issue
/// name panicked); no reader wants a name longer than a line either.
pub const MAX_LINE_CHARS: usize = 300;

/// A one-line field: no control character at all (line breaks and tabs included), and at most
/// [`MAX_LINE_CHARS`] characters.
fn line(out: &mut Vec<Finding>, path: FieldPath, text: &str) {
    if let Some(c) = text.chars().find(|&c| c.is_control() || is_unsafe_char(c)) {
        out.push(finding(path, c, "a one-line text"));
    } else if text.chars().nth(MAX_LINE_CHARS).is_some() {
        out.push(Finding::error(
            path,
            format!(
                "the text is {} characters long, over the limit of {MAX_LINE_CHARS} for a title, name or label",
                text.chars().count()
            ),
            "shorten it; put the long form in `description`, `note` or `why`",
        ));
    }
}

/// A prose field: line breaks and tabs are fine, other control characters are not.
fn prose(out: &mut Vec<Finding>, path: FieldPath, text: Option<&str>) {
    if let Some(c) = text.and_then(|t| t.chars().find(|&c| is_unsafe_char(c))) {
        out.push(finding(path, c, "text"));
    }
}

fn finding(path: FieldPath, c: char, what: &str) -> Finding {
    let code = u32::from(c);
    let kind = if c.is_control() {
        "control character"
    } else {
        "bidirectional override"
    };
    Finding::error(
        path,
        format!("{what} holds the {kind} U+{code:04X}"),
        format!(
            "remove it: {} are refused in scenario text because they can rewrite what a terminal shows or reorder what a reader sees",
            if c.is_control() {
                "control characters (escape sequences, line breaks in one-line fields)"
            } else {
                "bidirectional embeddings, overrides and isolates"
            }
        ),
    )
}
