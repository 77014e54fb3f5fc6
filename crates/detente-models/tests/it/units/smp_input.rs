#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
use detente_models::smp::*;

const OK: &str = "Demo,A demo,3,2,\nActor,Desc,Power,P1 Position,P1 Salience,P2 Position,P2 Salience,\n\
                  A,a,10,0,50,100,20,\nB,\"b, quoted\",20,50,30,50,30,\nC,c,30,100,10,0,90,\n";

#[test]
fn reads_ktab_layout() {
    let s = parse_ktab_csv("demo.csv", OK).unwrap();
    assert_eq!(s.dimensions, vec!["P1 Position", "P2 Position"]);
    assert_eq!(s.actors[1].description, "b, quoted");
    assert_eq!(s.actors[2].salience, vec![10.0, 90.0]);
}

fn message(text: &str) -> String {
    parse_ktab_csv("x.csv", text).unwrap_err().to_string()
}

#[test]
fn bad_input_names_line_and_fix() {
    let over = OK.replace("C,c,30,100,10,0,90", "C,c,30,100,20,0,90");
    assert_eq!(
        message(&over),
        "x.csv:5: actor `C` saliences: saliences sum to 110, over 100 (fix: scale the actor's \
         saliences down so they sum to at most 100)"
    );
    let dims = OK.replace("Demo,A demo,3,2", "Demo,A demo,3,3");
    assert!(message(&dims).starts_with(
        "x.csv:2: header: the header has 7 columns, which is 2 dimension(s), but line 1 declares 3"
    ));
    let short = OK.replace("B,\"b, quoted\",20,50,30,50,30", "B,b,20,50,30");
    assert!(message(&short).starts_with("x.csv:4: actor line: expected 7 fields"));
    let nan = OK.replace("A,a,10,0,50", "A,a,ten,0,50");
    assert!(message(&nan).starts_with("x.csv:3: Power: `ten` is not a number"));
    let few = OK.replace("Demo,A demo,3,2", "Demo,A demo,4,2");
    assert!(message(&few).contains("declares 4 actors but the file has 3 actor lines"));
}

/// Found by the KTAB fuzzer: a header cell left empty named its column's errors by an empty
/// string ("x.csv:3: : `x` is not a number") and its dimension "" in the imported scenario.
/// Unnamed columns are named by their place.
#[test]
fn unnamed_header_cells_are_named_by_their_place() {
    let unnamed = OK.replace("P1 Position,P1 Salience", ",");
    let s = parse_ktab_csv("x.csv", &unnamed).unwrap();
    assert_eq!(s.dimensions, vec!["dimension 1", "P2 Position"]);
    let bad = unnamed.replace("A,a,10,0,50", "A,a,10,zero,fifty");
    assert_eq!(
        message(&bad),
        "x.csv:3: column 4: `zero` is not a number (fix: write the value as a plain decimal number)"
    );
    let bad = unnamed.replace("A,a,10,0,50", "A,a,10,0,fifty");
    assert!(message(&bad).starts_with("x.csv:3: column 5: `fifty`"));
    let power = OK.replace(",Power,", ",,").replace("A,a,10,", "A,a,ten,");
    assert!(message(&power).starts_with("x.csv:3: column 3: `ten`"));
}

/// KTAB reads `3 + 2 × nDims` header cells by place, so a header whose last name was left out
/// (`P2 Position,` then the line break) names that column by its place; it was refused as a
/// header of 2.5 dimensions, while `detente import` read the same file.
#[test]
fn a_header_without_its_last_name_is_read_by_place() {
    let text = OK.replace("P2 Position,P2 Salience,", "P2 Position,");
    let s = parse_ktab_csv("x.csv", &text).unwrap();
    assert_eq!(s.dimensions, vec!["P1 Position", "P2 Position"]);
    assert_eq!(s.actors[2].salience, vec![10.0, 90.0]);
    let bad = text.replace("C,c,30,100,10,0,90", "C,c,30,100,10,0,ninety");
    assert!(message(&bad).starts_with("x.csv:5: column 7: `ninety`"));
    // Without the trailing comma the header has no seventh cell, and stays an error.
    let short = OK.replace("P2 Position,P2 Salience,", "P2 Position");
    assert!(message(&short).starts_with("x.csv:2: header: the header has 6 columns"));
}

/// Two swapped columns (`P1 Salience, P1 Position`) are refused, as `detente import` refuses
/// them, rather than read by place with the roles swapped.
#[test]
fn swapped_header_columns_are_refused() {
    let swapped = OK.replace("P1 Position,P1 Salience", "P1 Salience,P1 Position");
    assert_eq!(
        message(&swapped),
        "x.csv:2: P1 Salience: column 4 should be a position column (fix: after `Actor, \
         Description, Power` come pairs of columns: `<dim> Position`, `<dim> Salience`)"
    );
    // A name that says neither role is read by its place.
    let neither = OK.replace("P1 Position,P1 Salience", "Stance,Weight");
    assert_eq!(
        parse_ktab_csv("x.csv", &neither).unwrap().dimensions[0],
        "Stance"
    );
}

/// A count of dimensions past `usize::MAX / 2` made `3 + 2 × nDims` overflow, a panic in
/// `detente smp` (found by an audit of counts read from files; the fuzzers' numbers were
/// never that large). It is a count that disagrees with the header.
#[test]
fn huge_declared_counts_are_errors_not_overflows() {
    for n in ["9223372036854775808", "18446744073709551615"] {
        let text = OK.replace("Demo,A demo,3,2", &format!("Demo,A demo,3,{n}"));
        let shown = message(&text);
        assert!(
            shown.starts_with(&format!(
                "x.csv:2: header: the header has 7 columns, which is 2 dimension(s), but line 1 declares {n} (expected 3 + 2 × {n} columns"
            )),
            "{shown}"
        );
    }
}

const XML: &str = "<Scenario><name>S</name><prngSeed>7</prngSeed>\n\
    <ModelParameters><VictoryProbModel>Square</VictoryProbModel><PCEModel>Conditional</PCEModel>\
    <StateTransitions>Deterministic</StateTransitions><VotingRule>Prop</VotingRule>\
    <BigRAdjust>Half</BigRAdjust><BigRRange>Mid</BigRRange><ThirdPartyCommit>SemiCommit</ThirdPartyCommit>\
    <InterVecBrgn>S2P2</InterVecBrgn><BargnModel>InitOnlyInterp</BargnModel></ModelParameters>\n\
    <Dimensions><dName>D1</dName></Dimensions>\n<Actors>\n\
    <Actor><name>A</name><description>a</description><capability>1</capability>\
    <Position><dCoord>10</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>\n\
    <Actor><name>B</name><description>b</description><capability>2</capability>\
    <Position><dCoord>60</dCoord></Position><Salience><dSal>40</dSal></Salience></Actor>\n\
    <Actor><name>C</name><description>c</description><capability>3</capability>\
    <Position><dCoord>90</dCoord></Position><Salience><dSal>30</dSal></Salience></Actor>\n\
    </Actors>\n<IdealAdjustment><iaPair><adjustingIdeal>A</adjustingIdeal>\
    <referencePos>B</referencePos><adjust>0.2</adjust></iaPair></IdealAdjustment></Scenario>";

/// The identity with A's row adjusted: 0.8 toward itself and 0.2 toward B.
fn valid_xml() -> String {
    XML.replace(
        "</IdealAdjustment>",
        "<iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>A</referencePos>\
         <adjust>0.8</adjust></iaPair></IdealAdjustment>",
    )
}

#[test]
fn reads_ktab_xml() {
    let x = parse_ktab_xml("s.xml", &valid_xml()).unwrap();
    assert_eq!(x.seed, Some(7));
    assert!(x.has_parameters);
    assert_eq!(x.config.big_r_adjust, detente_models::smp::BigRAdjust::Half);
    assert_eq!(x.input.actors[2].position, vec![90.0]);
    assert_eq!(
        x.input.accommodation(),
        [0.8, 0.2, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    );
}

fn xml_message(text: &str) -> String {
    parse_ktab_xml("s.xml", text).unwrap_err().to_string()
}

/// An empty `<dName>` is named by its place, as an empty CSV header cell is.
#[test]
fn unnamed_xml_dimensions_are_named_by_their_place() {
    let xml = valid_xml().replace("<dName>D1</dName>", "<dName> </dName>");
    let x = parse_ktab_xml("s.xml", &xml).unwrap();
    assert_eq!(x.input.dimensions, vec!["dimension 1"]);
}

#[test]
fn bad_xml_names_line_and_element() {
    // A keeps its identity rate 1 toward itself, plus 0.2 toward B.
    assert_eq!(
        xml_message(XML),
        "s.xml:5: ideal adjustment of `A`: rates sum to 1.2, over 1 (fix: lower the actor's \
         adjustment rates (its own included, 1 unless given) so they sum to at most 1)"
    );
    assert!(xml_message("<Scenario><name>").starts_with("s.xml:1: XML: not well-formed XML"));
    let xml = valid_xml();
    let e = xml_message(&xml.replace("<dCoord>60</dCoord>", ""));
    assert!(
        e.starts_with(
            "s.xml:6: Position: actor `B` has 0 <dCoord> values but the scenario has 1 dimensions"
        ),
        "{e}"
    );
    let e = xml_message(&xml.replace("<BigRAdjust>Half", "<BigRAdjust>Most"));
    assert!(
        e.starts_with("s.xml:2: BigRAdjust: unknown risk adjustment `Most`"),
        "{e}"
    );
    let e = xml_message(&xml.replace("<referencePos>B", "<referencePos>Z"));
    assert!(
        e.starts_with("s.xml:9: referencePos: no actor is named `Z`"),
        "{e}"
    );
    let e = xml_message(&xml.replace("<dSal>40</dSal>", "<dSal></dSal>"));
    assert!(e.starts_with("s.xml:6: dSal: <dSal> is empty"), "{e}");
}
