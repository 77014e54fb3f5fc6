//! A scenario file of many positions, for the tests of limits on what a run allocates from the
//! size of its input (the sensitivity regression keeps `p²` sums per forecast for `p` inputs).
//! Included with `#[path]` by `crates/detente-sim/tests/it/shard.rs`,
//! `crates/detente-cli/tests/it/hardening.rs` and `crates/detente-server/tests/api/sensitivity.rs`.

/// A valid scenario of `actors` principals and `issues` issues on which every actor holds a
/// position: `actors × (1 + 2 × issues)` sensitivity inputs, spread evenly over `[0, 100]`.
pub fn wide_scenario(actors: usize, issues: usize) -> String {
    let mut text = String::from("format = 1\n\n[scenario]\ntitle = \"wide\"\n");
    for a in 0..actors {
        text.push_str(&format!(
            "\n[[actors]]\nid = \"a{a}\"\nname = \"A{a}\"\ncapability = 1\nrole = \"principal\"\n"
        ));
    }
    for i in 0..issues {
        text.push_str(&format!(
            "\n[[issues]]\nid = \"i{i}\"\nname = \"I{i}\"\nscale = [0, 100]\nstatus_quo = 50\n"
        ));
        for a in 0..actors {
            text.push_str(&format!(
                "[[issues.positions]]\nactor = \"a{a}\"\nposition = {}\nsalience = 0.5\n",
                100 * a / actors.max(2).saturating_sub(1).max(1)
            ));
        }
    }
    text
}
