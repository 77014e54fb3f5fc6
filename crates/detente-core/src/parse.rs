//! Reading a scenario from text: syntax, shape, then meaning, with every finding located.
//!
//! The pipeline is: size check → format-specific parse into [`ScenarioFile`] (syntax errors and
//! type errors carry their span and field path) → [`crate::validate()`] (meaning) → spans attached
//! to the findings by walking the TOML document along each field path. JSON findings keep their
//! field path; syntax and type errors in JSON also get their line and column from the parser.

use std::ops::Range;

use toml_edit::{Item, Table, Value};

use crate::diagnostic::{FieldPath, Finding, ScenarioError, Segment, Severity, Source};
use crate::file::ScenarioFile;
use crate::scenario::Scenario;
use crate::validate::validate;

/// Largest scenario text accepted, in bytes (16 MiB). Real scenarios are kilobytes; the limit
/// keeps a wrong file (a data dump, a disk image) from exhausting memory.
pub const MAX_SCENARIO_BYTES: usize = 16 * 1024 * 1024;

/// Text formats a scenario can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML, the format for people.
    Toml,
    /// JSON, the same structure, for programs.
    Json,
}

impl Format {
    /// Picks the format from a file name (`.json` → JSON) or, failing that, from the text (a
    /// document that starts with `{` is JSON). Everything else is TOML.
    pub fn detect(name: &str, text: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Format::Json
        } else if lower.ends_with(".toml") {
            Format::Toml
        } else if text.trim_start().starts_with('{') {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

/// A scenario that passed every check, with the warnings found on the way.
#[derive(Debug)]
pub struct Parsed {
    /// The validated scenario.
    pub scenario: Scenario,
    /// Suspicious but legal input.
    pub warnings: Vec<crate::diagnostic::Located>,
    /// The source it came from.
    pub source: Source,
}

/// Parses and validates a scenario. `name` is what errors call the file (usually its path).
///
/// # Errors
/// A [`ScenarioError`] listing every problem, each with field path, fix and (where known) line.
pub fn parse(name: &str, text: &str) -> Result<Parsed, ScenarioError> {
    let source = Source::new(name, text);
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(ScenarioError::new(
            &source,
            vec![Finding::error(
                FieldPath::root(),
                format!(
                    "the file is {} bytes, over the limit of {MAX_SCENARIO_BYTES}",
                    text.len()
                ),
                "a scenario is a hand-written description of actors and issues; check that this is the right file",
            )],
        ));
    }
    let format = Format::detect(name, text);
    let (file, doc) = match format {
        Format::Toml => {
            let doc = match toml_edit::Document::parse(text) {
                Ok(doc) => doc,
                Err(e) => {
                    let finding = Finding {
                        span: e.span(),
                        ..Finding::error(
                            FieldPath::root(),
                            format!("invalid TOML: {}", e.message().trim()),
                            "fix the syntax at the marked place; see docs/scenario-format.md for an example file",
                        )
                    };
                    return Err(ScenarioError::new(&source, vec![finding]));
                }
            };
            match from_toml(text) {
                Ok(file) => (file, Some(doc)),
                Err(finding) => {
                    let finding = locate(finding, Some(&doc));
                    return Err(ScenarioError::new(&source, vec![finding]));
                }
            }
        }
        Format::Json => match from_json(&source) {
            Ok(file) => (file, None),
            Err(finding) => return Err(ScenarioError::new(&source, vec![finding])),
        },
    };

    let validated = validate(&file);
    let findings: Vec<Finding> = validated
        .findings
        .into_iter()
        .map(|f| locate(f, doc.as_ref()))
        .collect();
    let (errors, warnings): (Vec<Finding>, Vec<Finding>) = findings
        .into_iter()
        .partition(|f| f.severity == Severity::Error);
    match validated.scenario {
        Some(scenario) if errors.is_empty() => Ok(Parsed {
            scenario,
            warnings: warnings
                .into_iter()
                .map(|w| crate::diagnostic::Located::new(w, &source))
                .collect(),
            source,
        }),
        _ => Err(ScenarioError::new(&source, errors)),
    }
}

fn shape_help(message: &str) -> String {
    if message.contains("unknown field") {
        "remove or rename the key; docs/scenario-format.md lists every key".to_owned()
    } else if message.contains("missing field") {
        "add the missing key; docs/scenario-format.md shows which keys are required".to_owned()
    } else if message.contains("invalid type") || message.contains("invalid value") {
        "give the value the type the format expects (a number, a string, a list...)".to_owned()
    } else if message.contains("unknown variant") {
        "use one of the values listed in the message".to_owned()
    } else {
        "see docs/scenario-format.md for the expected layout".to_owned()
    }
}

fn to_path(path: &serde_path_to_error::Path) -> FieldPath {
    use serde_path_to_error::Segment as S;
    FieldPath(
        path.iter()
            .filter_map(|s| match s {
                S::Seq { index } => Some(Segment::Index(*index)),
                S::Map { key } => Some(Segment::Key(key.clone())),
                S::Enum { variant } => Some(Segment::Key(variant.clone())),
                S::Unknown => None,
            })
            .collect(),
    )
}

fn from_toml(text: &str) -> Result<ScenarioFile, Finding> {
    let de = toml::Deserializer::parse(text).map_err(|e| Finding {
        span: e.span(),
        ..Finding::error(
            FieldPath::root(),
            format!("invalid TOML: {}", e.message().trim()),
            "fix the syntax at the marked place",
        )
    })?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = to_path(e.path());
        let inner = e.into_inner();
        let message = inner.message().trim().to_owned();
        Finding {
            span: inner.span(),
            help: shape_help(&message),
            ..Finding::error(path, message, "")
        }
    })
}

fn from_json(source: &Source) -> Result<ScenarioFile, Finding> {
    let mut de = serde_json::Deserializer::from_str(source.text());
    let file: ScenarioFile = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = to_path(e.path());
        let inner = e.into_inner();
        let offset = source.offset_of(inner.line(), inner.column());
        // serde_json appends " at line L column C"; the span shows the place instead.
        let message = inner.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        let syntax = inner.is_syntax() || inner.is_eof();
        Finding {
            span: offset.map(|o| o..o),
            help: if syntax {
                "fix the JSON syntax at the marked place".to_owned()
            } else {
                shape_help(&message)
            },
            ..Finding::error(
                path,
                if syntax {
                    format!("invalid JSON: {message}")
                } else {
                    message
                },
                "",
            )
        }
    })?;
    // Trailing characters after the document are an error too.
    de.end().map_err(|e| {
        Finding::error(
            FieldPath::root(),
            format!("invalid JSON: {e}"),
            "remove what follows the closing brace",
        )
    })?;
    Ok(file)
}

/// Attaches the span of `finding.path` in `doc`, unless it already has one.
fn locate(mut finding: Finding, doc: Option<&toml_edit::Document<&str>>) -> Finding {
    if finding.span.is_none()
        && let Some(doc) = doc
    {
        finding.span = span_of(doc.as_table(), &finding.path.0);
    }
    finding
}

/// The span of the deepest item along `path` that the document has: a missing key points at
/// its table, so the user still sees where to add it.
fn span_of(table: &Table, path: &[Segment]) -> Option<Range<usize>> {
    let (first, rest) = path.split_first()?;
    let Segment::Key(key) = first else {
        return table.span();
    };
    let Some((k, item)) = table.get_key_value(key) else {
        return table.span();
    };
    item_span(item, rest)
        .or_else(|| item.span())
        .or_else(|| k.span())
}

fn item_span(item: &Item, path: &[Segment]) -> Option<Range<usize>> {
    let Some((first, rest)) = path.split_first() else {
        return item.span();
    };
    match (item, first) {
        (Item::Table(t), _) => span_of(t, path).or_else(|| t.span()),
        (Item::ArrayOfTables(a), Segment::Index(i)) => {
            let t = a.get(*i)?;
            if rest.is_empty() {
                t.span()
            } else {
                span_of(t, rest).or_else(|| t.span())
            }
        }
        (Item::Value(v), _) => value_span(v, path).or_else(|| v.span()),
        _ => item.span(),
    }
}

fn value_span(value: &Value, path: &[Segment]) -> Option<Range<usize>> {
    let Some((first, rest)) = path.split_first() else {
        return value.span();
    };
    match (value, first) {
        (Value::Array(a), Segment::Index(i)) => {
            let v = a.get(*i)?;
            value_span(v, rest).or_else(|| v.span())
        }
        (Value::InlineTable(t), Segment::Key(k)) => {
            let v = t.get(k)?;
            value_span(v, rest).or_else(|| v.span())
        }
        _ => value.span(),
    }
}
