//! The SMP's input (actors with a capability, a position and a salience on each dimension) and a
//! reader for KTAB's CSV layout, with line-numbered errors.
//!
//! KTAB's CSV: line 1 is `name, description, number of actors, number of dimensions`; line 2 is
//! the header `Actor, Description, Power, <dim 1> Position, <dim 1> Salience, ...`; then one line
//! per actor with its name, description, capability and, per dimension, a position and a
//! salience, both on 0..100. An actor's saliences sum to at most 100. A trailing comma and spaces
//! around fields are allowed, and fields may be quoted.

use serde::Serialize;

use super::SmpError;
use super::config::SmpConfig;

/// One actor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpActor {
    /// Short name (KTAB: at most 25 characters; not enforced here).
    pub name: String,
    /// Description.
    pub description: String,
    /// Capability (power); positive, only ratios matter.
    pub capability: f64,
    /// Position on each dimension, on 0..100.
    pub position: Vec<f64>,
    /// Salience of each dimension, on 0..100; they sum to at most 100 and to more than 0.
    pub salience: Vec<f64>,
}

/// One entry of KTAB's ideal-adjustment ("accommodation") matrix: after each turn, actor
/// `adjusting` moves its ideal toward `reference`'s new position at this rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IdealAdjustment {
    /// Index of the actor whose ideal moves.
    pub adjusting: usize,
    /// Index of the actor whose position it moves toward (itself: toward its own position).
    pub reference: usize,
    /// Rate in 0..=1.
    pub rate: f64,
}

/// A scenario for the SMP: named dimensions and the actors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpInput {
    /// Scenario name.
    pub name: String,
    /// Scenario description.
    pub description: String,
    /// Dimension names (from the position columns of KTAB's header).
    pub dimensions: Vec<String>,
    /// The actors, at least three.
    pub actors: Vec<SmpActor>,
    /// Entries that replace those of the identity accommodation matrix (KTAB's default, under
    /// which ideals equal positions); each actor's rates sum to at most 1, the rest of its ideal
    /// staying where it was. Empty for KTAB CSV input.
    pub ideal_adjustment: Vec<IdealAdjustment>,
}

impl SmpInput {
    /// The accommodation matrix, row-major: the identity with the entries of
    /// [`SmpInput::ideal_adjustment`] written over it.
    pub fn accommodation(&self) -> Vec<f64> {
        let n = self.actors.len();
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            a[i * n + i] = 1.0;
        }
        for e in &self.ideal_adjustment {
            if e.adjusting < n && e.reference < n {
                a[e.adjusting * n + e.reference] = e.rate;
            }
        }
        a
    }
}

/// KTAB's bounds on the number of actors.
pub const MIN_ACTORS: usize = 3;
/// KTAB's bounds on the number of actors.
pub const MAX_ACTORS: usize = 250;

impl SmpInput {
    /// Checks the rules the model relies on; `source` names the input in errors.
    ///
    /// Errors name the actor and dimension and say how to fix the value: at least three actors
    /// (KTAB's minimum) and at most 250, the same number of dimensions for every actor,
    /// positive finite capabilities, positions and saliences in 0..100, saliences summing to
    /// more than 0 and at most 100.
    pub fn validate(&self, source: &str) -> Result<(), SmpError> {
        let err = |field: String, message: String, fix: &str| SmpError::Input {
            file: source.to_owned(),
            line: None,
            field,
            message,
            fix: fix.to_owned(),
        };
        let d = self.dimensions.len();
        if d == 0 {
            return Err(err(
                "dimensions".into(),
                "the scenario has no dimensions".into(),
                "give at least one dimension (a position and a salience column)",
            ));
        }
        let n = self.actors.len();
        if !(MIN_ACTORS..=MAX_ACTORS).contains(&n) {
            return Err(err(
                "actors".into(),
                format!("the scenario has {n} actors; the SMP needs 3 to 250"),
                "add or remove actors",
            ));
        }
        for a in &self.actors {
            let at = |what: &str| format!("actor `{}` {what}", a.name);
            if a.position.len() != d || a.salience.len() != d {
                return Err(err(
                    at("position/salience"),
                    format!(
                        "has {} positions and {} saliences but the scenario has {d} dimensions",
                        a.position.len(),
                        a.salience.len()
                    ),
                    "give one position and one salience per dimension",
                ));
            }
            if !(a.capability.is_finite() && a.capability > 0.0 && a.capability <= 1e8) {
                return Err(err(
                    at("capability"),
                    format!("capability {} is not in (0, 1e8]", a.capability),
                    "give a positive capability (only ratios between actors matter)",
                ));
            }
            let mut total = 0.0;
            for k in 0..d {
                let (p, s) = (a.position[k], a.salience[k]);
                if !(0.0..=100.0).contains(&p) {
                    return Err(err(
                        at(&format!("position on `{}`", self.dimensions[k])),
                        format!("position {p} is outside 0..100"),
                        "rescale positions to 0..100",
                    ));
                }
                if !(0.0..=100.0).contains(&s) {
                    return Err(err(
                        at(&format!("salience on `{}`", self.dimensions[k])),
                        format!("salience {s} is outside 0..100"),
                        "give saliences as percentages of the actor's attention",
                    ));
                }
                total += s;
            }
            if total > 100.0 {
                return Err(err(
                    at("saliences"),
                    format!("saliences sum to {total}, over 100"),
                    "scale the actor's saliences down so they sum to at most 100",
                ));
            }
            if total <= 0.0 {
                return Err(err(
                    at("saliences"),
                    "saliences are all zero, so the actor has no weight in any vote".into(),
                    "give the actor a positive salience on at least one dimension, or remove it",
                ));
            }
        }
        for e in &self.ideal_adjustment {
            if e.adjusting >= n || e.reference >= n {
                return Err(err(
                    "ideal adjustment".into(),
                    format!("names actor {} of {n}", e.adjusting.max(e.reference) + 1),
                    "name actors that exist",
                ));
            }
            if !(0.0..=1.0).contains(&e.rate) {
                return Err(err(
                    format!("ideal adjustment of `{}`", self.actors[e.adjusting].name),
                    format!("rate {} is outside 0..1", e.rate),
                    "give adjustment rates between 0 and 1",
                ));
            }
        }
        let acc = self.accommodation();
        for (i, a) in self.actors.iter().enumerate() {
            let total: f64 = acc[i * n..(i + 1) * n].iter().sum();
            if total > 1.0 + 1e-10 {
                return Err(err(
                    format!("ideal adjustment of `{}`", a.name),
                    format!("rates sum to {total}, over 1"),
                    "lower the actor's adjustment rates (its own included, 1 unless given) so they \
                     sum to at most 1",
                ));
            }
        }
        Ok(())
    }
}

/// Splits one CSV line into fields: commas separate, double quotes may enclose a field (with
/// `""` for a quote inside), and spaces around a field are dropped.
fn split_fields(line: &str) -> Vec<String> {
    let mut out = split_all_fields(line);
    // A trailing comma leaves one empty field; KTAB's files all have one.
    while out.len() > 1 && out.last().is_some_and(|s| s.is_empty()) {
        out.pop();
    }
    out
}

/// Every field of one line, trailing empty ones included.
fn split_all_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur).trim().to_owned()),
            _ => cur.push(c),
        }
    }
    out.push(cur.trim().to_owned());
    out
}

/// Reads KTAB's CSV layout. `source` names the file in errors; the text is the file's content.
///
/// Errors name the line (1-based) and field: a first line without four fields or with counts
/// that are not whole numbers, a header whose dimension columns disagree with the declared
/// number of dimensions, actor lines with too few or too many fields, numbers that do not parse,
/// fewer or more actor lines than declared, and every rule of [`SmpInput::validate`].
pub fn parse_ktab_csv(source: &str, text: &str) -> Result<SmpInput, SmpError> {
    let err = |line: usize, field: &str, message: String, fix: &str| SmpError::Input {
        file: source.to_owned(),
        line: Some(line),
        field: field.to_owned(),
        message,
        fix: fix.to_owned(),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().trim_matches(',').trim().is_empty())
        .collect();
    let Some(&(l1, first)) = lines.first() else {
        return Err(err(
            1,
            "scenario line",
            "the file is empty".into(),
            "start with `name, description, actors, dimensions`",
        ));
    };
    let f1 = split_fields(first);
    if f1.len() < 4 {
        return Err(err(
            l1,
            "scenario line",
            format!(
                "expected 4 fields (name, description, actors, dimensions), found {}",
                f1.len()
            ),
            "write the first line as `name, description, number of actors, number of dimensions`",
        ));
    }
    let count = |s: &str, what: &str| -> Result<usize, SmpError> {
        s.parse::<usize>().map_err(|_| {
            err(
                l1,
                what,
                format!("`{s}` is not a whole number"),
                "give the count as a whole number",
            )
        })
    };
    let n_act = count(&f1[2], "number of actors")?;
    let n_dim = count(&f1[3], "number of dimensions")?;
    if n_dim == 0 {
        return Err(err(
            l1,
            "number of dimensions",
            "the scenario declares 0 dimensions".into(),
            "declare at least one dimension",
        ));
    }
    if !(MIN_ACTORS..=MAX_ACTORS).contains(&n_act) {
        return Err(err(
            l1,
            "number of actors",
            format!("the scenario declares {n_act} actors; the SMP needs 3 to 250"),
            "declare between 3 and 250 actors",
        ));
    }
    let Some(&(l2, header)) = lines.get(1) else {
        return Err(err(
            l1 + 1,
            "header",
            "the header line is missing".into(),
            "add `Actor, Description, Power, <dim> Position, <dim> Salience, ...`",
        ));
    };
    // Saturating: line 1 may declare any count, and a count past the header is an error below.
    let want = n_dim.saturating_mul(2).saturating_add(3);
    // KTAB reads the header's cells by place, as many as line 1 asks for: trailing empty
    // cells it counts in are columns left unnamed (`P Position,` then the line break), named
    // by their place below.
    let mut h = split_fields(header);
    if h.len() < want && split_all_fields(header).len() >= want {
        h.resize(want, String::new());
    }
    if h.len() != want {
        return Err(err(
            l2,
            "header",
            format!(
                "the header has {} columns, which is {} dimension(s), but line {l1} declares {n_dim} \
                 (expected {} columns: actor, description, power, then a position and a salience \
                 per dimension)",
                h.len(),
                h.len().saturating_sub(3) as f64 / 2.0,
                if want == usize::MAX {
                    format!("3 + 2 × {n_dim}")
                } else {
                    want.to_string()
                }
            ),
            "make the header's position/salience pairs agree with the declared number of dimensions",
        ));
    }
    // A header cell left empty is named by its place, so that errors and the imported
    // scenario never name a column or a dimension by an empty string.
    let dimensions: Vec<String> = (0..n_dim)
        .map(|k| match h[3 + 2 * k].as_str() {
            "" => format!("dimension {}", k + 1),
            name => name.to_owned(),
        })
        .collect();
    let column = |i: usize| match h[i].as_str() {
        "" => format!("column {}", i + 1),
        name => name.to_owned(),
    };
    // A column whose name says the other role (`P Salience` where a position belongs) is most
    // likely one of two swapped columns. KTAB reads it by place; detente refuses it, as `detente
    // import` does, so that no command runs such a file with its roles swapped. A name that
    // says neither role (or none) is read by place.
    let (position_marks, salience_marks) = (["pos", "pstn"].as_slice(), ["sal"].as_slice());
    for k in 0..n_dim {
        let roles = [
            (3 + 2 * k, "position", position_marks, salience_marks),
            (4 + 2 * k, "salience", salience_marks, position_marks),
        ];
        for (i, role, own, other) in roles {
            let lower = h[i].to_ascii_lowercase();
            let says = |marks: &[&str]| marks.iter().any(|m| lower.contains(m));
            if !says(own) && says(other) {
                return Err(err(
                    l2,
                    &column(i),
                    format!("column {} should be a {role} column", i + 1),
                    "after `Actor, Description, Power` come pairs of columns: `<dim> Position`, \
                     `<dim> Salience`",
                ));
            }
        }
    }
    let rows = &lines[2..];
    if rows.len() != n_act {
        let at = rows
            .get(n_act)
            .map_or_else(|| lines.last().map_or(l2, |l| l.0), |r| r.0);
        return Err(err(
            at,
            "actors",
            format!(
                "line {l1} declares {n_act} actors but the file has {} actor lines",
                rows.len()
            ),
            "make the declared number of actors match the actor lines",
        ));
    }
    let mut actors = Vec::with_capacity(n_act);
    for &(ln, line) in rows {
        let f = split_fields(line);
        if f.len() != want {
            return Err(err(
                ln,
                "actor line",
                format!(
                    "expected {want} fields (name, description, power and {n_dim} position/salience \
                     pairs), found {}",
                    f.len()
                ),
                "give every actor a position and a salience on each dimension",
            ));
        }
        let num = |i: usize, what: String| -> Result<f64, SmpError> {
            f[i].parse::<f64>().map_err(|_| {
                err(
                    ln,
                    &what,
                    format!("`{}` is not a number", f[i]),
                    "write the value as a plain decimal number",
                )
            })
        };
        if f[0].is_empty() {
            return Err(err(
                ln,
                "Actor",
                "the actor has no name".into(),
                "give every actor a short name",
            ));
        }
        let capability = num(2, column(2))?;
        let mut position = Vec::with_capacity(n_dim);
        let mut salience = Vec::with_capacity(n_dim);
        for k in 0..n_dim {
            position.push(num(3 + 2 * k, column(3 + 2 * k))?);
            salience.push(num(4 + 2 * k, column(4 + 2 * k))?);
        }
        actors.push(SmpActor {
            name: f[0].clone(),
            description: f[1].clone(),
            capability,
            position,
            salience,
        });
    }
    let input = SmpInput {
        name: f1[0].clone(),
        description: f1[1].clone(),
        dimensions,
        actors,
        ideal_adjustment: Vec::new(),
    };
    // Attach the actor's line to validation errors.
    input
        .validate(source)
        .map_err(|e| with_actor_line(e, &input, |i| rows.get(i).map(|r| r.0)))?;
    Ok(input)
}

/// A validation error without a line, given the line of the actor its field names
/// (`actor `NAME` ...` or `... of `NAME``), where `line_of` knows it.
fn with_actor_line(
    e: SmpError,
    input: &SmpInput,
    line_of: impl Fn(usize) -> Option<usize>,
) -> SmpError {
    match e {
        SmpError::Input {
            file,
            line: None,
            field,
            message,
            fix,
        } => {
            let line = input
                .actors
                .iter()
                .position(|a| {
                    field.starts_with(&format!("actor `{}` ", a.name))
                        || field.ends_with(&format!("of `{}`", a.name))
                })
                .and_then(line_of);
            SmpError::Input {
                file,
                line,
                field,
                message,
                fix,
            }
        }
        other => other,
    }
}

/// The first child element of `n` named `name`.
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The child elements of `n` named `name`.
fn children<'a, 'i>(
    n: roxmltree::Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    n.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// A KTAB XML scenario: the SMP input, and the model parameters and seed it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct KtabXml {
    /// Actors, dimensions and the ideal-adjustment matrix.
    pub input: SmpInput,
    /// KTAB's defaults with the file's `ModelParameters` applied, when it has them.
    pub config: SmpConfig,
    /// Whether the file has a `ModelParameters` element.
    pub has_parameters: bool,
    /// The file's `prngSeed`, if any (KTAB uses it for stochastic runs).
    pub seed: Option<u64>,
}

/// Reads KTAB's XML scenario format (`smpSchema.xsd`): `Scenario` with `name`, `desc`,
/// `prngSeed`, optional `ModelParameters` (all nine, by KTAB's names), `Dimensions/dName`,
/// `Actors/Actor` (`name`, `description`, `capability`, `Position/dCoord` and
/// `Salience/dSal` per dimension, on 0..100) and an optional `IdealAdjustment` of `iaPair`s
/// (`adjustingIdeal`, `referencePos` by actor name, `adjust`).
///
/// Errors name the line and element and say what to write instead; the model's own rules
/// ([`SmpInput::validate`]) apply as for CSV.
pub fn parse_ktab_xml(source: &str, text: &str) -> Result<KtabXml, SmpError> {
    let doc =
        roxmltree::Document::parse(text.strip_prefix('\u{feff}').unwrap_or(text)).map_err(|e| {
            SmpError::Input {
                file: source.to_owned(),
                line: Some(e.pos().row as usize),
                field: "XML".into(),
                message: format!("not well-formed XML: {e}"),
                fix: "fix the XML syntax".into(),
            }
        })?;
    let line = |n: roxmltree::Node| doc.text_pos_at(n.range().start).row as usize;
    let err = |n: roxmltree::Node, field: &str, message: String, fix: &str| SmpError::Input {
        file: source.to_owned(),
        line: Some(line(n)),
        field: field.to_owned(),
        message,
        fix: fix.to_owned(),
    };
    let root = doc.root_element();
    if root.tag_name().name() != "Scenario" {
        return Err(err(
            root,
            "Scenario",
            format!(
                "the root element is <{}>, not <Scenario>",
                root.tag_name().name()
            ),
            "use KTAB's smpSchema.xsd layout, with <Scenario> at the root",
        ));
    }
    let missing = |n: roxmltree::Node<'_, '_>, name: &str| {
        err(
            n,
            name,
            format!("<{}> has no <{name}>", n.tag_name().name()),
            &format!("add a <{name}> element (see KTAB's smpSchema.xsd)"),
        )
    };
    let required = |n, name: &'static str| child(n, name).ok_or_else(|| missing(n, name));
    let text_of = |n: roxmltree::Node| n.text().unwrap_or("").trim().to_owned();
    let number = |n: roxmltree::Node<'_, '_>| -> Result<f64, SmpError> {
        let t = text_of(n);
        t.parse::<f64>().map_err(|_| {
            err(
                n,
                n.tag_name().name(),
                if t.is_empty() {
                    format!("<{}> is empty", n.tag_name().name())
                } else {
                    format!("`{t}` is not a number")
                },
                "write the value as a plain decimal number",
            )
        })
    };
    let name = child(root, "name").map(text_of).unwrap_or_default();
    let description = child(root, "desc").map(text_of).unwrap_or_default();
    let seed = match child(root, "prngSeed") {
        Some(n) => Some(text_of(n).parse::<u64>().map_err(|_| {
            err(
                n,
                "prngSeed",
                format!("`{}` is not a whole number", text_of(n)),
                "give the seed as a whole number below 2^64",
            )
        })?),
        None => None,
    };
    let mut config = SmpConfig::ktab();
    let params = child(root, "ModelParameters");
    if let Some(p) = params {
        for key in SmpConfig::PARAMETER_NAMES {
            let n = required(p, key)?;
            config.set(key, &text_of(n)).map_err(|e| {
                err(
                    n,
                    key,
                    e.to_string(),
                    "use one of KTAB's names for this parameter",
                )
            })?;
        }
    }
    let dims_el = required(root, "Dimensions")?;
    // An empty <dName> is named by its place, as an empty CSV header cell is.
    let dimensions: Vec<String> = children(dims_el, "dName")
        .map(text_of)
        .enumerate()
        .map(|(k, name)| match name.as_str() {
            "" => format!("dimension {}", k + 1),
            _ => name,
        })
        .collect();
    if dimensions.is_empty() {
        return Err(err(
            dims_el,
            "Dimensions",
            "no <dName> elements".into(),
            "name each dimension in a <dName>",
        ));
    }
    let nd = dimensions.len();
    let actors_el = required(root, "Actors")?;
    let mut actors = Vec::new();
    let mut actor_lines = Vec::new();
    for a in children(actors_el, "Actor") {
        let name = text_of(required(a, "name")?);
        let description = child(a, "description").map(text_of).unwrap_or_default();
        let capability = number(required(a, "capability")?)?;
        let vec_of = |outer: &'static str, inner: &'static str| -> Result<Vec<f64>, SmpError> {
            let o = required(a, outer)?;
            let v = children(o, inner)
                .map(number)
                .collect::<Result<Vec<_>, _>>()?;
            if v.len() != nd {
                return Err(err(
                    o,
                    outer,
                    format!(
                        "actor `{name}` has {} <{inner}> values but the scenario has {nd} dimensions",
                        v.len()
                    ),
                    "give one value per <dName>, in the same order",
                ));
            }
            Ok(v)
        };
        let position = vec_of("Position", "dCoord")?;
        let salience = vec_of("Salience", "dSal")?;
        actor_lines.push(line(a));
        actors.push(SmpActor {
            name,
            description,
            capability,
            position,
            salience,
        });
    }
    let mut ideal_adjustment = Vec::new();
    if let Some(ia) = child(root, "IdealAdjustment") {
        for pair in children(ia, "iaPair") {
            let index = |tag: &'static str| -> Result<usize, SmpError> {
                let n = required(pair, tag)?;
                let who = text_of(n);
                actors.iter().position(|a| a.name == who).ok_or_else(|| {
                    err(
                        n,
                        tag,
                        format!("no actor is named `{who}`"),
                        "name an actor of <Actors>",
                    )
                })
            };
            ideal_adjustment.push(IdealAdjustment {
                adjusting: index("adjustingIdeal")?,
                reference: index("referencePos")?,
                rate: number(required(pair, "adjust")?)?,
            });
        }
    }
    let input = SmpInput {
        name,
        description,
        dimensions,
        actors,
        ideal_adjustment,
    };
    input
        .validate(source)
        .map_err(|e| with_actor_line(e, &input, |i| actor_lines.get(i).copied()))?;
    Ok(KtabXml {
        input,
        config,
        has_parameters: params.is_some(),
        seed,
    })
}
