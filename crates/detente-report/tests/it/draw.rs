//! The chart primitives: round axis ticks, names cut with an ellipsis, and no non-finite
//! number written into the markup.

use detente_report::draw::{Level, LineChart, PALETTE, Series, line_chart, short, ticks};

#[test]
fn ticks_are_round_and_cover_the_range() {
    assert_eq!(
        ticks(0.0, 100.0, 5),
        vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    );
    assert_eq!(ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
    assert_eq!(ticks(3.0, 3.0, 5), vec![3.0]);
    assert!(ticks(f64::NAN, 1.0, 5).is_empty());
}

#[test]
fn short_cuts_with_an_ellipsis() {
    assert_eq!(short("abcdef", 4), "abc…");
    assert_eq!(short("abc", 4), "abc");
}

#[test]
fn no_number_reaches_the_markup_as_nan() {
    let svg = line_chart(&LineChart {
        title: "t".into(),
        x_label: "x".into(),
        y_label: "y".into(),
        x: (0.0, f64::NAN),
        y: (0.0, 1.0),
        y_digits: 1,
        x_name: "round",
        series: vec![Series {
            name: "s".into(),
            colour: PALETTE[0].into(),
            dashed: false,
            points: vec![(0.0, 0.5), (1.0, f64::NAN), (2.0, f64::INFINITY)],
        }],
        levels: vec![Level {
            name: "l".into(),
            colour: PALETTE[1].into(),
            at: f64::NAN,
        }],
        marks: Vec::new(),
    });
    assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
}
