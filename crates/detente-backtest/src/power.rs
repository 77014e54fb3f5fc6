//! Voting power in weighted voting games: the Shapley-Shubik and Banzhaf indices, exact.
//!
//! # What it models
//! A weighted voting game `[q; w_1, ..., w_n]`: a coalition wins when its members' integer
//! weights add up to at least the quota `q` (the Council's qualified majority under the Nice
//! Treaty is such a game). A player's power is how often its vote decides:
//! - **Shapley-Shubik**: the share of the `n!` orderings of the players in which the player is
//!   pivotal, i.e. `φ_i = Σ_{S ∌ i, q - w_i ≤ w(S) < q} |S|! (n - |S| - 1)! / n!`
//!   (Shapley & Shubik 1954).
//! - **Banzhaf**: the number of coalitions `S ∌ i` that lose without `i` and win with it (swings,
//!   `η_i`), normalised to sum to 1: `β_i = η_i / Σ_j η_j` (Banzhaf 1965; the absolute index is
//!   `η_i / 2^(n-1)`).
//!
//! # Method
//! Both sums need, for each player `i`, the number of coalitions of the others by size and
//! weight. These are the coefficients of the generating function `Π_{j≠i} (1 + y x^{w_j})`,
//! built by dynamic programming one player at a time, in `O(n² W)` per player (`W` the total
//! weight), so the Council's 28-member game takes milliseconds. Counts are exact integers
//! (`u128`); the Shapley-Shubik numerators `count · s! (n-s-1)!` add up to at most `n!`, so the
//! arithmetic is exact up to 34 players and refused beyond.
//!
//! # References
//! Shapley, L. S. & Shubik, M. (1954), "A method for evaluating the distribution of power in a
//! committee system", *American Political Science Review* 48(3). Banzhaf, J. F. (1965),
//! "Weighted voting doesn't work", *Rutgers Law Review* 19. Felsenthal, D. S. & Machover, M.
//! (1998), *The Measurement of Voting Power*, Edward Elgar (ch. 3, the indices; generating
//! functions for weighted games after Brams & Affuso 1976).

/// Error building or solving a game.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PowerError {
    /// No players.
    #[error("a voting game needs at least one player")]
    NoPlayers,
    /// More players than exact `u128` arithmetic allows.
    #[error("{0} players is more than the 34 that exact arithmetic allows")]
    TooManyPlayers(usize),
    /// Quota of zero or above the total weight.
    #[error("quota {quota} must lie in 1..={total} (the total weight)")]
    BadQuota {
        /// The quota given.
        quota: u32,
        /// The total weight.
        total: u32,
    },
}

/// A weighted voting game `[quota; weights]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightedVotingGame {
    weights: Vec<u32>,
    quota: u32,
}

impl WeightedVotingGame {
    /// A game where coalitions with total weight `>= quota` win.
    ///
    /// # Errors
    /// [`PowerError`] for no players, more than 34 players, or a quota outside `1..=total`.
    pub fn new(weights: Vec<u32>, quota: u32) -> Result<Self, PowerError> {
        if weights.is_empty() {
            return Err(PowerError::NoPlayers);
        }
        if weights.len() > 34 {
            return Err(PowerError::TooManyPlayers(weights.len()));
        }
        let total: u32 = weights.iter().sum();
        if quota == 0 || quota > total {
            return Err(PowerError::BadQuota { quota, total });
        }
        Ok(Self { weights, quota })
    }

    /// The players' weights.
    pub fn weights(&self) -> &[u32] {
        &self.weights
    }

    /// The quota.
    pub fn quota(&self) -> u32 {
        self.quota
    }

    /// `counts[s][w]`: coalitions of the players other than `skip` with `s` members and total
    /// weight `w` (weights at or above the quota are lumped at the quota, which is all the
    /// indices need).
    fn counts_without(&self, skip: usize) -> Vec<Vec<u128>> {
        let n = self.weights.len();
        let cap = self.quota as usize;
        let mut counts = vec![vec![0u128; cap + 1]; n];
        counts[0][0] = 1;
        let mut members = 0;
        for (j, &wj) in self.weights.iter().enumerate() {
            if j == skip {
                continue;
            }
            members += 1;
            // Descending sizes so each player joins a coalition at most once.
            for s in (1..=members).rev() {
                for w in (0..=cap).rev() {
                    let from = counts[s - 1][w];
                    if from != 0 {
                        let to = (w + wj as usize).min(cap);
                        counts[s][to] += from;
                    }
                }
            }
        }
        counts
    }

    /// Shapley-Shubik index of every player, as exact numerators over `n!`.
    pub fn shapley_shubik_numerators(&self) -> Vec<u128> {
        let n = self.weights.len();
        // factorial[k] = k!; n <= 34 so 34! < 2^128.
        let mut factorial = vec![1u128; n + 1];
        for k in 1..=n {
            factorial[k] = factorial[k - 1] * k as u128;
        }
        let q = self.quota as usize;
        (0..n)
            .map(|i| {
                let counts = self.counts_without(i);
                let wi = self.weights[i] as usize;
                let lo = q.saturating_sub(wi);
                let mut sum = 0u128;
                for (s, row) in counts.iter().enumerate() {
                    let swings: u128 = row[lo..q].iter().sum();
                    if swings > 0 {
                        sum += swings * factorial[s] * factorial[n - s - 1];
                    }
                }
                sum
            })
            .collect()
    }

    /// Shapley-Shubik index of every player (sums to 1).
    pub fn shapley_shubik(&self) -> Vec<f64> {
        let n = self.weights.len();
        let total: u128 = (1..=n as u128).product();
        self.shapley_shubik_numerators()
            .into_iter()
            .map(|x| ratio(x, total))
            .collect()
    }

    /// Banzhaf swings: for each player, the coalitions of the others it turns from losing into
    /// winning.
    pub fn banzhaf_swings(&self) -> Vec<u128> {
        let q = self.quota as usize;
        (0..self.weights.len())
            .map(|i| {
                let counts = self.counts_without(i);
                let lo = q.saturating_sub(self.weights[i] as usize);
                counts
                    .iter()
                    .map(|row| row[lo..q].iter().sum::<u128>())
                    .sum()
            })
            .collect()
    }

    /// Normalised Banzhaf index of every player (sums to 1; all zero only if nobody swings,
    /// which cannot happen for a valid quota).
    pub fn banzhaf(&self) -> Vec<f64> {
        let swings = self.banzhaf_swings();
        let total: u128 = swings.iter().sum();
        swings.into_iter().map(|x| ratio(x, total)).collect()
    }
}

/// `a / b` as a float, 0 when `b` is 0. Both are below 2^128, so the quotient of their float
/// approximations is correct to about 1e-15 relative.
fn ratio(a: u128, b: u128) -> f64 {
    if b == 0 {
        return 0.0;
    }
    // Precision loss is deliberate: the exact values are integers up to 2^128.
    #[expect(
        clippy::cast_precision_loss,
        reason = "relative error ~1e-16 is far below anything reported"
    )]
    let r = a as f64 / b as f64;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[3; 2, 1, 1]` by hand: player 0 is pivotal in 4 of the 6 orderings (second or third
    /// after a 1), each 1 in one (second after player 0); swings are 3, 1, 1.
    #[test]
    fn three_player_game_by_hand() {
        let game = WeightedVotingGame::new(vec![2, 1, 1], 3).expect("valid game");
        assert_eq!(game.shapley_shubik_numerators(), vec![4, 1, 1]);
        assert_eq!(game.banzhaf_swings(), vec![3, 1, 1]);
        let b = game.banzhaf();
        assert!((b[0] - 0.6).abs() < 1e-15 && (b[1] - 0.2).abs() < 1e-15);
    }

    /// `[51; 49, 49, 2]`: any two players win, so all three are symmetric (1/3 each) whatever
    /// the weights say, the standard example of weights misrepresenting power.
    #[test]
    fn any_two_of_three() {
        let game = WeightedVotingGame::new(vec![49, 49, 2], 51).expect("valid game");
        assert_eq!(game.shapley_shubik_numerators(), vec![2, 2, 2]);
        assert_eq!(game.banzhaf_swings(), vec![2, 2, 2]);
    }

    /// The 1958 EEC Council, `[12; 4, 4, 4, 2, 2, 1]`: Luxembourg (weight 1) is never decisive,
    /// the standard example (Felsenthal & Machover 1998, sec. 2.3). Shapley-Shubik: the big three
    /// 14/60 each, Belgium and the Netherlands 9/60 each, Luxembourg 0; Banzhaf swings 10, 10, 10,
    /// 6, 6, 0.
    #[test]
    fn eec_1958_luxembourg_is_a_dummy() {
        let game = WeightedVotingGame::new(vec![4, 4, 4, 2, 2, 1], 12).expect("valid game");
        // Numerators over 6! = 720: 14/60 = 168/720, 9/60 = 108/720.
        assert_eq!(
            game.shapley_shubik_numerators(),
            vec![168, 168, 168, 108, 108, 0]
        );
        assert_eq!(game.banzhaf_swings(), vec![10, 10, 10, 6, 6, 0]);
    }

    /// Brute force over every coalition and ordering on a small irregular game.
    #[test]
    fn agrees_with_enumeration() {
        let weights = vec![7, 5, 4, 3, 3, 2, 1];
        let quota = 14;
        let game = WeightedVotingGame::new(weights.clone(), quota).expect("valid game");
        let n = weights.len();
        let mut swings = vec![0u128; n];
        for mask in 0u32..(1 << n) {
            let w: u32 = (0..n)
                .filter(|&j| mask & (1 << j) != 0)
                .map(|j| weights[j])
                .sum();
            for i in 0..n {
                if mask & (1 << i) == 0 && w < quota && w + weights[i] >= quota {
                    swings[i] += 1;
                }
            }
        }
        assert_eq!(game.banzhaf_swings(), swings);
        // Shapley-Shubik by enumerating all 7! orderings (Heap's algorithm).
        let mut pivots = vec![0u128; n];
        let mut order: Vec<usize> = (0..n).collect();
        let mut c = vec![0usize; n];
        let mut count = |order: &[usize]| {
            let mut w = 0;
            for &p in order {
                w += weights[p];
                if w >= quota {
                    pivots[p] += 1;
                    break;
                }
            }
        };
        count(&order);
        let mut i = 0;
        while i < n {
            if c[i] < i {
                if i % 2 == 0 {
                    order.swap(0, i);
                } else {
                    order.swap(c[i], i);
                }
                count(&order);
                c[i] += 1;
                i = 0;
            } else {
                c[i] = 0;
                i += 1;
            }
        }
        assert_eq!(game.shapley_shubik_numerators(), pivots);
    }

    #[test]
    fn bad_games_are_refused() {
        assert_eq!(
            WeightedVotingGame::new(vec![], 1),
            Err(PowerError::NoPlayers)
        );
        assert_eq!(
            WeightedVotingGame::new(vec![1, 2], 4),
            Err(PowerError::BadQuota { quota: 4, total: 3 })
        );
        assert!(WeightedVotingGame::new(vec![1; 35], 20).is_err());
    }
}
