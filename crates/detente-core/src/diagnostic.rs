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

use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, Severity as MietteSeverity,
    SourceCode, SourceSpan, SpanContents,
};

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
                Segment::Key(k) if i == 0 => f.write_str(&clip(k.clone(), MAX_PATH_KEY))?,
                Segment::Key(k) => write!(f, ".{}", clip(k.clone(), MAX_PATH_KEY))?,
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
            message: clip(neutralise(message.into()), MAX_MESSAGE),
            help: clip(neutralise(help.into()), MAX_MESSAGE),
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

/// `text` with every [`is_unsafe_char`] and every carriage return written as a `\u{..}` escape,
/// so user text echoed in a message cannot drive the terminal, reorder the line or write over
/// its start. A line feed is kept: it starts a new line and hides nothing (a caller quoting a
/// name in one line replaces it itself).
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

/// Longest message or help of a finding, in characters. Findings quote what the file says, and
/// a file can say a lot: a quoted CSV header cell of thousands of lines named the column of
/// every error below it, and 100 errors rendered megabytes (found by the CSV fuzzer).
pub const MAX_MESSAGE: usize = 1_000;

/// Longest key of a field path as shown, in characters (a column or key named by the file).
pub const MAX_PATH_KEY: usize = 200;

/// `text` cut to its first `max` characters, saying how many more there were.
pub(crate) fn clip(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text,
        Some((at, _)) => {
            let more = text[at..].chars().count();
            format!("{}… ({more} more characters)", &text[..at])
        }
    }
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
    /// Byte offset of every carriage return not followed by a line feed, which miette counts
    /// as a line break too (see [`Snippets`]).
    lone_returns: Arc<Vec<usize>>,
}

impl Source {
    /// Wraps a file's name (as the user gave it) and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text: String = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let lone_returns = text
            .match_indices('\r')
            .map(|(i, _)| i)
            .filter(|&i| text.as_bytes().get(i + 1) != Some(&b'\n'))
            .collect();
        Self {
            name: neutralise(name.into()),
            text: Arc::new(text),
            line_starts: Arc::new(line_starts),
            lone_returns: Arc::new(lone_returns),
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

    fn snippets(&self) -> Snippets {
        // The name was neutralised in `new`.
        Snippets(self.clone())
    }
}

/// A [`Source`] as miette reads it to draw a snippet: the same span contents, line and column
/// numbers as miette's own reader of a named text, which scans the text from its first byte
/// on every call; this one starts the scan a few lines before the span (found by binary search
/// of the line starts) and adds the line breaks it skipped. Rendering the first 100 findings
/// of a huge broken file took 100 scans of the whole file (issue 16: half of the time of the
/// fuzzed CSV imports); it now takes time in the size of each snippet.
///
/// Exactness: miette's scan keeps no state across a line break but the line count and the
/// starts of the last `context_lines_before` lines, so a scan started at a line start that lies
/// at least `context_lines_before + 1` breaks before the span sees the same lines; the test
/// `snippets_read_as_miette_reads_the_whole_text` compares the two on random texts with `\n`,
/// `\r\n` and lone `\r` breaks.
#[derive(Debug, Clone)]
struct Snippets(Source);

impl SourceCode for Snippets {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let source = &self.0;
        // miette's own reader panics on a span that starts past the end with no context
        // before it; a finding's span never does, and this reader refuses it instead.
        if span.offset() > source.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let line = source
            .line_starts
            .partition_point(|&s| s <= span.offset())
            .saturating_sub(1);
        // `first` line feeds lie before `base`; at least `context_lines_before + 2` lie between
        // it and the span (or the scan starts at the first byte).
        let first = line.saturating_sub(context_lines_before.saturating_add(2));
        let base = source.line_starts.get(first).copied().unwrap_or(0);
        let tail = source.text.as_bytes().get(base..).unwrap_or_default();
        let shifted = SourceSpan::new((span.offset() - base).into(), span.len());
        let inner = tail.read_span(&shifted, context_lines_before, context_lines_after)?;
        let skipped = first + source.lone_returns.partition_point(|&r| r < base);
        Ok(Box::new(MietteSpanContents::new_named(
            source.name.clone(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + skipped,
            inner.column(),
            inner.line_count() + skipped,
        )))
    }
}

/// A finding paired with its source, ready to render.
#[derive(Debug)]
pub struct Located {
    finding: Finding,
    location: String,
    src: Snippets,
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
            src: source.snippets(),
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

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use miette::NamedSource;
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn clip_keeps_short_text_and_counts_what_it_cuts() {
        assert_eq!(clip("abc".to_owned(), 3), "abc");
        assert_eq!(clip("abcdé".to_owned(), 3), "abc… (2 more characters)");
        assert_eq!(clip(String::new(), 0), "");
    }

    /// Everything miette draws from a snippet: its bytes, span, first line, column, line
    /// count and file name.
    type Read = (Vec<u8>, SourceSpan, usize, usize, usize, Option<String>);

    fn read(
        code: &dyn SourceCode,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Read, String> {
        code.read_span(span, before, after)
            .map(|c| {
                (
                    c.data().to_vec(),
                    *c.span(),
                    c.line(),
                    c.column(),
                    c.line_count(),
                    c.name().map(str::to_owned),
                )
            })
            .map_err(|e| e.to_string())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// [`Snippets`] gives what miette's reader of the whole named text gives, for every
        /// span (including empty ones, ones on a line break and ones past the end) and every
        /// amount of context, on texts mixing `\n`, `\r\n` and lone `\r` breaks.
        #[test]
        fn snippets_read_as_miette_reads_the_whole_text(
            pieces in prop::collection::vec(
                prop_oneof![
                    Just("\n"), Just("\r\n"), Just("\r"), Just("a"), Just("bc"), Just("é"), Just(" = 1")
                ],
                0..80,
            ),
            at in 0usize..400,
            len in 0usize..12,
            before in 0usize..4,
            after in 0usize..4,
        ) {
            let text: String = pieces.concat();
            // Spans anywhere in the text, up to its end.
            let at = at % (text.len() + 1);
            let source = Source::new("f.toml", text.clone());
            let whole = NamedSource::new("f.toml", text);
            let span = SourceSpan::new(at.into(), len);
            prop_assert_eq!(
                read(&source.snippets(), &span, before, after),
                read(&whole, &span, before, after)
            );
        }
    }

    #[test]
    fn a_span_past_the_end_is_out_of_bounds_not_a_panic() {
        let source = Source::new("f.toml", "a = 1\n");
        for before in 0..3 {
            let span = SourceSpan::new(9.into(), 2);
            assert!(read(&source.snippets(), &span, before, 1).is_err());
        }
    }

    #[test]
    fn a_snippet_deep_in_a_long_file_keeps_its_line_number() {
        let text: String = (0..5000).map(|i| format!("line {i}\n")).collect();
        let source = Source::new("long.toml", text.clone());
        let at = text.find("line 4321").unwrap();
        let span = SourceSpan::new(at.into(), 4);
        let ours = read(&source.snippets(), &span, 1, 1).unwrap();
        assert_eq!(
            ours,
            read(&NamedSource::new("long.toml", text), &span, 1, 1).unwrap()
        );
        assert_eq!(ours.2, 4320);
        assert_eq!(
            String::from_utf8(ours.0).unwrap(),
            "line 4320\nline 4321\nline 4322\n"
        );
    }
}
