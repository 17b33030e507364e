//! Grouping pairs into duplicate groups. Strongest pairs first; a pair joins two groups only if the
//! result stays within `max_group`, and a pair below the automatic threshold never joins two groups that
//! each already hold several records: long chains of weak links (A~B~C~...~Z, each step plausible, the
//! ends unrelated) are what merge unrelated records in the open-source tools.

use crate::{Candidate, Settings};

struct Sets {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl Sets {
    fn root(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let up = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = up;
            x = up;
        }
        x
    }
}

/// `candidates` most likely first; returns the group of every row (the smallest row of the group).
pub fn groups(rows: usize, candidates: &[Candidate], settings: &Settings) -> Vec<u32> {
    let mut sets = Sets {
        parent: (0..rows as u32).collect(),
        size: vec![1; rows],
    };
    for c in candidates {
        let (ra, rb) = (sets.root(c.a), sets.root(c.b));
        if ra == rb {
            continue;
        }
        let (sa, sb) = (sets.size[ra as usize], sets.size[rb as usize]);
        if (sa + sb) as usize > settings.max_group {
            continue;
        }
        if c.probability < settings.automatic && sa > 1 && sb > 1 {
            continue;
        }
        let (big, small) = if sa >= sb { (ra, rb) } else { (rb, ra) };
        sets.parent[small as usize] = big;
        sets.size[big as usize] += sets.size[small as usize];
    }
    let mut smallest = vec![u32::MAX; rows];
    for r in 0..rows as u32 {
        let root = sets.root(r) as usize;
        smallest[root] = smallest[root].min(r);
    }
    (0..rows as u32)
        .map(|r| {
            let root = sets.root(r) as usize;
            smallest[root]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(a: u32, b: u32, probability: f64) -> Candidate {
        Candidate {
            a,
            b,
            probability,
            weight: 0.0,
        }
    }

    #[test]
    fn strong_pairs_group_and_weak_links_do_not_chain_groups() {
        let settings = Settings::default();
        let candidates = [
            pair(0, 1, 0.999),
            pair(1, 2, 0.999),
            pair(3, 4, 0.999),
            // A weak link between the groups {0,1,2} and {3,4}: not enough to join them.
            pair(2, 3, 0.6),
            // A weak link to a record on its own is fine.
            pair(4, 5, 0.7),
        ];
        let g = groups(7, &candidates, &settings);
        assert_eq!(g, vec![0, 0, 0, 3, 3, 3, 6]);
    }

    #[test]
    fn groups_stay_within_the_maximum() {
        let settings = Settings {
            max_group: 3,
            ..Settings::default()
        };
        let candidates: Vec<Candidate> = (0..9).map(|i| pair(i, i + 1, 0.999)).collect();
        let g = groups(10, &candidates, &settings);
        let biggest = (0..10)
            .map(|r| g.iter().filter(|&&x| x == r).count())
            .max()
            .unwrap();
        assert!(biggest <= 3, "{g:?}");
    }
}
