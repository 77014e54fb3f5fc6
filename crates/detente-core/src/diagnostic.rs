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
            message: message.into(),
            help: help.into(),
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

/// The text of a scenario file and its name, shared by every rendered finding.
#[derive(Debug, Clone)]
pub struct Source {
    name: String,
    text: Arc<String>,
}

impl Source {
    /// Wraps a file's name (as the user gave it) and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            text: Arc::new(text.into()),
        }
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
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
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
        NamedSource::new(self.name.clone(), Arc::clone(&self.text))
    }
}

/// A finding paired with its source, ready to render.
#[derive(Debug)]
pub struct Located {
    finding: Finding,
    location: String,
    src: NamedSource<Arc<String>>,
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
        Self {
            finding,
            location,
            src: source.named(),
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
        self.finding
            .span
            .as_ref()
            .map(|_| &self.src as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.finding.span.clone()?;
        let label = LabeledSpan::new_with_span(Some(self.finding.path.to_string()), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// Every error found in one scenario file. The file is refused.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {count} error{s} in the scenario; nothing was run", count = errors.len(), s = if errors.len() == 1 { "" } else { "s" })]
pub struct ScenarioError {
    file: String,
    errors: Vec<Located>,
}

impl ScenarioError {
    pub(crate) fn new(source: &Source, findings: Vec<Finding>) -> Self {
        Self {
            file: source.name().to_owned(),
            errors: findings
                .into_iter()
                .map(|f| Located::new(f, source))
                .collect(),
        }
    }

    /// The individual errors, each with its location.
    pub fn errors(&self) -> &[Located] {
        &self.errors
    }
}

impl Diagnostic for ScenarioError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("detente::scenario"))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.errors.iter().map(|e| e as &dyn Diagnostic)))
    }
}
