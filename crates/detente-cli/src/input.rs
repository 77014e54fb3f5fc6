//! Reading user files: size limit before reading, UTF-8 check, and scenario parsing with
//! warnings sent to stderr.

use std::fs;
use std::path::Path;

use detente_core::{MAX_SCENARIO_BYTES, Parsed};
use miette::Report;

use crate::Failure;

/// Reads a text file the user named, refusing oversized or non-UTF-8 files with a clear message.
///
/// At most [`MAX_SCENARIO_BYTES`] + 1 bytes are read, through `take`, whatever the file's
/// metadata says: devices (`/dev/zero`) report a length of 0 and FIFOs none, and reading them
/// whole grew memory without bound (issue 16).
pub fn read_text(path: &Path) -> Result<String, Failure> {
    use std::io::Read;
    let shown = path.display();
    let meta = fs::metadata(path).map_err(|e| {
        Failure::Input(Report::msg(format!(
            "cannot read `{shown}`: {e}\n  help: check the path (the bundled scenario is scenarios/istanbul-2025.toml, an example tournament config examples/tournament.toml)"
        )))
    })?;
    if meta.is_dir() {
        return Err(Failure::Input(Report::msg(format!(
            "`{shown}` is a directory\n  help: name a scenario file, e.g. scenarios/istanbul-2025.toml"
        ))));
    }
    let too_big = |size: String| {
        Failure::Input(Report::msg(format!(
            "`{shown}` is {size}, over the limit of {MAX_SCENARIO_BYTES} bytes\n  help: a scenario is a hand-written description of actors and issues; check that this is the right file"
        )))
    };
    if meta.len() > MAX_SCENARIO_BYTES as u64 {
        return Err(too_big(format!("{} bytes", meta.len())));
    }
    let file = fs::File::open(path)
        .map_err(|e| Failure::Input(Report::msg(format!("cannot read `{shown}`: {e}"))))?;
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::Input(Report::msg(format!("cannot read `{shown}`: {e}"))))?;
    if bytes.len() > MAX_SCENARIO_BYTES {
        return Err(too_big(format!("more than {MAX_SCENARIO_BYTES} bytes")));
    }
    String::from_utf8(bytes).map_err(|e| {
        Failure::Input(Report::msg(format!(
            "`{shown}` is not UTF-8 text (invalid byte at offset {})\n  help: save the file as UTF-8",
            e.utf8_error().valid_up_to()
        )))
    })
}

/// Reads, parses and validates a scenario; prints its warnings to stderr unless `quiet`.
pub fn load_scenario(path: &Path, quiet: bool) -> Result<Parsed, Failure> {
    let text = read_text(path)?;
    let name = path.display().to_string();
    let parsed = detente_core::parse(&name, &text).map_err(|e| Failure::Input(Report::new(e)))?;
    if !quiet {
        let (shown, more) = shown_warnings(&parsed.warnings);
        for warning in shown {
            eprintln!("{warning}");
        }
        if let Some(line) = more {
            eprintln!("{line}");
        }
    }
    Ok(parsed)
}

/// The warnings a command prints: the first [`detente_core::MAX_SHOWN_FINDINGS`], as for
/// errors, and a line counting the rest (a large scenario written without `why`s has a warning
/// per position, thousands of lines that would bury the output).
pub fn shown_warnings<T>(warnings: &[T]) -> (&[T], Option<String>) {
    let limit = detente_core::MAX_SHOWN_FINDINGS;
    if warnings.len() <= limit {
        return (warnings, None);
    }
    let more = warnings.len() - limit;
    (
        &warnings[..limit],
        Some(format!(
            "... and {more} more warning{} not shown (the first {limit} are above)",
            if more == 1 { "" } else { "s" }
        )),
    )
}

/// The files of a negotiation-domain folder, each read as [`read_text`] reads a file, in
/// file-name order: GENIUS XML (`.xml`) and GeniusWeb JSON (`.json`); other files are left
/// alone. `bargain`, `negotiate` and `tournament` read folders through this one function.
pub struct DomainFolder {
    /// The folder's own name (the domain's name when its files give none).
    pub name: String,
    /// `(file name, text)` of every `.xml` file.
    pub xml: Vec<(String, String)>,
    /// `(file name, text)` of every `.json` file.
    pub json: Vec<(String, String)>,
}

impl DomainFolder {
    /// Whether this is a GeniusWeb folder: JSON files and no XML.
    pub fn is_geniusweb(&self) -> bool {
        self.xml.is_empty() && !self.json.is_empty()
    }
}

/// What a domain folder holds, for the help line of a loading error.
pub const DOMAIN_FOLDER_HELP: &str = "a GENIUS folder holds one <negotiation_template> domain XML file and one <utility_space> XML file per party; a GeniusWeb folder one domain JSON file (`issuesValues`) and one `LinearAdditiveUtilitySpace` JSON file per party";

/// Reads a negotiation-domain folder (see [`DomainFolder`]).
///
/// # Errors
/// A folder that cannot be listed, or a file [`read_text`] refuses.
pub fn read_domain_folder(folder: &Path) -> Result<DomainFolder, Failure> {
    let listed = |e: std::io::Error| {
        Failure::Input(Report::msg(format!(
            "cannot read folder `{}`: {e}",
            folder.display()
        )))
    };
    let mut paths = Vec::new();
    for entry in fs::read_dir(folder).map_err(listed)? {
        paths.push(entry.map_err(listed)?.path());
    }
    paths.sort();
    let mut xml = Vec::new();
    let mut json = Vec::new();
    for path in paths {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        let into = match ext.as_deref() {
            Some("xml") => &mut xml,
            Some("json") => &mut json,
            _ => continue,
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        into.push((name, read_text(&path)?));
    }
    let name = folder.file_name().map_or_else(
        || folder.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(DomainFolder { name, xml, json })
}
