use proptest::prelude::*;

use detente_models::bargain::frontier::skyline;

/// The definition, checked pair by pair: a point survives when no other point is at least
/// as large in every utility, unless that point is equal to it and comes later.
fn by_definition(flat: &[f64], dims: usize) -> Vec<usize> {
    let n = flat.len() / dims;
    let row = |i: usize| &flat[i * dims..(i + 1) * dims];
    (0..n)
        .filter(|&i| {
            !(0..n).any(|j| {
                j != i
                    && row(j).iter().zip(row(i)).all(|(a, b)| a >= b)
                    && (row(j) != row(i) || j < i)
            })
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The staircase of the three-utility case keeps exactly the points the definition
    /// keeps, ties and signed zeros included (small integer utilities make many ties).
    #[test]
    fn three_utility_skyline_matches_the_definition(
        points in prop::collection::vec((0i8..4, -2i8..3, 0i8..4, any::<bool>()), 0..60)
    ) {
        let flat: Vec<f64> = points
            .iter()
            .flat_map(|&(a, b, c, negative_zero)| {
                let b = if b == 0 && negative_zero { -0.0 } else { f64::from(b) };
                [f64::from(a), b, f64::from(c)]
            })
            .collect();
        prop_assert_eq!(skyline(&flat, 3), by_definition(&flat, 3));
    }
}
