//! Findings about a scenario file (errors and warnings), located by field path and source span,
//! and rendered by `miette`.
//!
//! A [`Finding`] always knows the field it is about ([`FieldPath`]) and says how to fix the
//! problem. When the source is TOML (or the error came from the JSON parser) it also knows the
//! byte span, from which the renderer shows the line. [`ScenarioError`] bundles every error of a
//! file so a user fixes them all in one pass instead of one per run.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, Severity as MietteSeverity, SourceCode};

/// One step in a path to a field: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A key in a table.
    Key(String),
    /// An index into an array.
    Index(usize),
}

/// Where in the document a finding applies, e.g. `issues[2].positions[0].salience`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    /// The document root.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path extended by a key.
    pub fn key(&self, key: &str) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Key(key.to_owned()));
        next
    }

    /// This path extended by an index.
    pub fn index(&self, index: usize) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Index(index));
        next
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document)");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Whether a finding stops the file from being used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The file is refused.
    Error,
    /// The file is used, but something looks wrong.
    Warning,
}

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The field concerned.
    pub path: FieldPath,
    /// What is wrong, lowercase, without the location.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// Byte span in the source, where known.
    pub span: Option<Range<usize>>,
}

impl Finding {
    pub(crate) fn error(
        path: FieldPath,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            path,
            message: neutralise(message.into()),
            help: neutralise(help.into()),
            span: None,
        }
    }

    pub(crate) fn warning(
        path: FieldPath,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(path, message, help)
        }
    }
}

/// Whether `c` must not reach a terminal from user text: control characters other than line
/// breaks and tabs (they carry terminal escape sequences) and the Unicode bidirectional
/// embeddings, overrides and isolates (they reorder what a reader sees, "Trojan Source").
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every [`is_unsafe_char`] and every line break written as a `\u{..}` escape, so
/// user text echoed in a one-line message cannot drive the terminal or reorder the line.
pub fn neutralise(text: String) -> String {
    if !text.chars().any(|c| is_unsafe_char(c) || c == '\r') {
        return text;
    }
    text.chars()
        .map(|c| {
            if is_unsafe_char(c) || c == '\r' {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Most findings a [`ScenarioError`] keeps and renders; the rest are counted. A huge broken
/// file (issue 16: 100,000 empty CSV columns, 12,000 errors in one scenario) then reports in
/// linear time instead of writing gigabytes.
pub const MAX_SHOWN_FINDINGS: usize = 100;

/// Longest source line, in bytes, shown as a snippet. Longer lines (minified JSON, a CSV header
/// of thousands of columns) are reported by line and column only: miette cannot draw a marker
/// past column 65,535 (it panicked, issue 16) and a megabyte line helps no reader.
pub const MAX_SNIPPET_LINE: usize = 1_000;

/// The text of a scenario file and its name, shared by every rendered finding.
#[derive(Debug, Clone)]
pub struct Source {
    name: String,
    text: Arc<String>,
    /// Byte offset of the start of every line, for line lookups in logarithmic time.
    line_starts: Arc<Vec<usize>>,
}

impl Source {
    /// Wraps a file's name (as the user gave it) and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text: String = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            name: neutralise(name.into()),
            text: Arc::new(text),
            line_starts: Arc::new(line_starts),
        }
    }

    /// Byte range of the zero-based line `index` (without its line break), if it exists.
    fn line_range(&self, index: usize) -> Option<Range<usize>> {
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        Some(start..end)
    }

    /// Whether every line the snippet of `span` shows (its lines and one of context on each
    /// side) is at most [`MAX_SNIPPET_LINE`] bytes long.
    fn snippet_fits(&self, span: &Range<usize>) -> bool {
        let line_of = |offset: usize| {
            self.line_starts
                .partition_point(|&s| s <= offset.min(self.text.len()))
                .saturating_sub(1)
        };
        let first = line_of(span.start).saturating_sub(1);
        let last = line_of(span.end) + 1;
        // A span over thousands of lines is drawn by its ends only, but is no snippet anyone
        // reads either; the bound also keeps this check cheap.
        last - first <= 1_000
            && (first..=last).all(|i| {
                self.line_range(i)
                    .is_none_or(|r| r.len() <= MAX_SNIPPET_LINE)
            })
    }

    /// The file name as given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// One-based line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let index = self
            .line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.line_starts.get(index).copied().unwrap_or(0);
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |l| l.chars().count())
            + 1;
        (index + 1, col)
    }

    /// The byte offset of a one-based line and column, if inside the text.
    pub fn offset_of(&self, line: usize, column: usize) -> Option<usize> {
        let start: usize = self
            .text
            .split_inclusive('\n')
            .take(line.checked_sub(1)?)
            .map(str::len)
            .sum();
        let offset = start + column.saturating_sub(1);
        (offset <= self.text.len()).then_some(offset)
    }

    fn named(&self) -> NamedSource<Arc<String>> {
        // The name was neutralised in `new`.
        NamedSource::new(self.name.clone(), Arc::clone(&self.text))
    }
}

/// A finding paired with its source, ready to render.
#[derive(Debug)]
pub struct Located {
    finding: Finding,
    location: String,
    src: NamedSource<Arc<String>>,
    /// Whether the snippet around the span is short enough to draw.
    snippet: bool,
}

impl Located {
    /// Pairs `finding` with `source`.
    pub fn new(finding: Finding, source: &Source) -> Self {
        let location = match &finding.span {
            Some(span) => {
                let (line, col) = source.line_col(span.start);
                format!("{}:{line}:{col}", source.name())
            }
            None => source.name().to_owned(),
        };
        let snippet = finding
            .span
            .as_ref()
            .is_some_and(|span| source.snippet_fits(span));
        Self {
            finding,
            location,
            src: source.named(),
            snippet,
        }
    }

    /// The finding.
    pub fn finding(&self) -> &Finding {
        &self.finding
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{kind} at {}: `{}`: {}",
            self.location, self.finding.path, self.finding.message
        )
    }
}

impl std::error::Error for Located {}

impl Diagnostic for Located {
    fn severity(&self) -> Option<MietteSeverity> {
        Some(match self.finding.severity {
            Severity::Error => MietteSeverity::Error,
            Severity::Warning => MietteSeverity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.finding.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.then_some(&self.src as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.finding.span.clone().filter(|_| self.snippet)?;
        let label = LabeledSpan::new_with_span(Some(self.finding.path.to_string()), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// Every error found in one scenario file. The file is refused.
///
/// It keeps the first [`MAX_SHOWN_FINDINGS`] errors with their locations and counts the rest.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {total} error{s} in the scenario; nothing was run", s = if *total == 1 { "" } else { "s" })]
pub struct ScenarioError {
    file: String,
    total: usize,
    errors: Vec<Located>,
    more: Option<NotShown>,
}

impl ScenarioError {
    pub(crate) fn new(source: &Source, findings: Vec<Finding>) -> Self {
        let total = findings.len();
        let errors: Vec<Located> = findings
            .into_iter()
            .take(MAX_SHOWN_FINDINGS)
            .map(|f| Located::new(f, source))
            .collect();
        let more = (total > errors.len()).then(|| NotShown {
            count: total - errors.len(),
        });
        Self {
            file: source.name().to_owned(),
            total,
            errors,
            more,
        }
    }

    /// The errors kept (at most [`MAX_SHOWN_FINDINGS`]), each with its location.
    pub fn errors(&self) -> &[Located] {
        &self.errors
    }

    /// How many errors the file has, including those not kept.
    pub fn total(&self) -> usize {
        self.total
    }
}

impl Diagnostic for ScenarioError {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(
            self.errors
                .iter()
                .map(|e| e as &dyn Diagnostic)
                .chain(self.more.iter().map(|m| m as &dyn Diagnostic)),
        ))
    }
}

/// The count of errors a [`ScenarioError`] did not keep.
#[derive(Debug, thiserror::Error)]
#[error("{count} more error{s} not shown", s = if *count == 1 { "" } else { "s" })]
pub struct NotShown {
    count: usize,
}

impl Diagnostic for NotShown {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(
            "fix the errors above first; the rest often follow from them (or check that this is the right file)",
        ))
    }
}
