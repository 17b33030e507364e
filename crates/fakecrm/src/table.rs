//! One object type of one emulated CRM: the generated records, overlaid by what the API changed.
//!
//! Records are addressed by a numeric id (`index + 1` for generated ones); each provider renders ids in
//! its own format. Reading a record generates it unless the overlay holds a changed copy or a deletion.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

/// A record as the provider shows it: its own field names, JSON values.
pub type Props = Map<String, Value>;

#[derive(Debug, Clone)]
enum Slot {
    Changed(Props, i64),
    Deleted,
}

/// Renders generated record `index` (0-based) as props, and tells its modified time cheaply.
pub trait Generator: Send + Sync {
    fn render(&self, index: u32) -> Props;
    fn modified_ms(&self, index: u32) -> i64;
}

pub struct Table {
    generated: u32,
    generator: Box<dyn Generator>,
    overlay: HashMap<u64, Slot>,
    next_id: u64,
    /// Generated ids ordered by (modified, id), computed once at start.
    generated_order: Vec<(i64, u32)>,
    /// Changed and created live records ordered by (modified, id).
    changed_order: BTreeSet<(i64, u64)>,
    /// (deleted at, id) of every deletion, oldest first: the delete feeds read it.
    deletions: Vec<(i64, u64)>,
}

impl Table {
    pub fn new(generated: u32, generator: Box<dyn Generator>) -> Self {
        let mut generated_order: Vec<(i64, u32)> = (0..generated)
            .map(|i| (generator.modified_ms(i), i + 1))
            .collect();
        generated_order.sort_unstable();
        Table {
            generated,
            generator,
            overlay: HashMap::new(),
            next_id: generated as u64 + 1,
            generated_order,
            changed_order: BTreeSet::new(),
            deletions: Vec::new(),
        }
    }

    pub fn get(&self, id: u64) -> Option<Props> {
        match self.overlay.get(&id) {
            Some(Slot::Changed(props, _)) => Some(props.clone()),
            Some(Slot::Deleted) => None,
            None if id >= 1 && id <= self.generated as u64 => {
                Some(self.generator.render((id - 1) as u32))
            }
            None => None,
        }
    }

    pub fn modified_ms(&self, id: u64) -> Option<i64> {
        match self.overlay.get(&id) {
            Some(Slot::Changed(_, m)) => Some(*m),
            Some(Slot::Deleted) => None,
            None if id >= 1 && id <= self.generated as u64 => {
                Some(self.generator.modified_ms((id - 1) as u32))
            }
            None => None,
        }
    }

    pub fn exists(&self, id: u64) -> bool {
        self.modified_ms(id).is_some()
    }

    /// Stores a new version of an existing record, modified at `now_ms`.
    pub fn put(&mut self, id: u64, props: Props, now_ms: i64) {
        if let Some(old) = self.modified_ms(id) {
            self.changed_order.remove(&(old, id));
        }
        self.changed_order.insert((now_ms, id));
        self.overlay.insert(id, Slot::Changed(props, now_ms));
    }

    /// Adds a record and returns its id.
    pub fn create(&mut self, props: Props, now_ms: i64) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.put(id, props, now_ms);
        id
    }

    /// The id the next created record will get (so a create can render its own id into its props).
    pub fn peek_next_id(&self) -> u64 {
        self.next_id
    }

    /// Removes a record; returns whether it existed.
    pub fn delete(&mut self, id: u64) -> bool {
        let Some(old) = self.modified_ms(id) else {
            return false;
        };
        self.changed_order.remove(&(old, id));
        self.overlay.insert(id, Slot::Deleted);
        self.deletions.push((crate::now_ms(), id));
        true
    }

    /// Deletions with `start <= deleted at < end`, oldest first.
    pub fn deleted_between(&self, start: i64, end: i64) -> Vec<(i64, u64)> {
        self.deletions
            .iter()
            .copied()
            .filter(|&(t, _)| t >= start && t < end)
            .collect()
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        let deleted_or_changed_generated = self
            .overlay
            .keys()
            .filter(|&&id| id <= self.generated as u64)
            .count();
        let live_overlay = self.changed_order.len();
        self.generated as usize - deleted_or_changed_generated + live_overlay
    }

    /// Live ids greater than `after`, ascending, at most `limit`.
    pub fn ids_after(&self, after: u64, limit: usize) -> Vec<u64> {
        let mut out = Vec::with_capacity(limit);
        let mut id = after + 1;
        while out.len() < limit && id < self.next_id {
            if self.exists(id) {
                out.push(id);
            }
            id += 1;
        }
        out
    }

    /// Every live id, ascending.
    pub fn live_ids(&self) -> impl Iterator<Item = u64> + '_ {
        (1..self.next_id).filter(|&id| self.exists(id))
    }

    /// Live (modified, id) pairs after `after` in (modified, id) order, at most `limit`: the order
    /// incremental queries walk, with ties broken by id.
    pub fn modified_after(&self, after: (i64, u64), limit: usize) -> Vec<(i64, u64)> {
        let start = self
            .generated_order
            .partition_point(|&(m, id)| (m, id as u64) <= after);
        let mut generated = self.generated_order[start..]
            .iter()
            .map(|&(m, id)| (m, id as u64))
            .filter(|(_, id)| !self.overlay.contains_key(id))
            .peekable();
        let mut changed = self
            .changed_order
            .range((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded))
            .copied()
            .peekable();
        let mut out = Vec::with_capacity(limit);
        while out.len() < limit {
            let next = match (generated.peek(), changed.peek()) {
                (Some(g), Some(c)) if g <= c => generated.next(),
                (Some(_), Some(_)) => changed.next(),
                (Some(_), None) => generated.next(),
                (None, Some(_)) => changed.next(),
                (None, None) => None,
            };
            match next {
                Some(item) => out.push(item),
                None => break,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Record i is modified at (i % 3) seconds: many ties.
    struct Tiny;
    impl Generator for Tiny {
        fn render(&self, index: u32) -> Props {
            json!({"n": index}).as_object().unwrap().clone()
        }
        fn modified_ms(&self, index: u32) -> i64 {
            (index % 3) as i64 * 1000
        }
    }

    #[test]
    fn reads_generate_until_a_write_or_delete_overrides() {
        let mut t = Table::new(10, Box::new(Tiny));
        assert_eq!(t.get(3).unwrap()["n"], 2);
        t.put(3, json!({"n": 99}).as_object().unwrap().clone(), 50_000);
        assert_eq!(t.get(3).unwrap()["n"], 99);
        assert!(t.delete(4));
        assert!(t.get(4).is_none());
        assert!(!t.delete(4));
        assert!(t.get(11).is_none());
        let id = t.create(Props::new(), 60_000);
        assert_eq!(id, 11);
        assert_eq!(t.len(), 10);
    }

    #[test]
    fn modified_order_breaks_ties_by_id_and_moves_changed_records_to_the_end() {
        let mut t = Table::new(9, Box::new(Tiny));
        let all = t.modified_after((i64::MIN, 0), 100);
        assert_eq!(
            all.iter().map(|(_, id)| *id).collect::<Vec<_>>(),
            [1, 4, 7, 2, 5, 8, 3, 6, 9]
        );
        t.put(4, Props::new(), 5_000);
        t.delete(5);
        let page1 = t.modified_after((i64::MIN, 0), 4);
        assert_eq!(
            page1.iter().map(|(_, id)| *id).collect::<Vec<_>>(),
            [1, 7, 2, 8]
        );
        let rest = t.modified_after(*page1.last().unwrap(), 100);
        assert_eq!(
            rest.iter().map(|(_, id)| *id).collect::<Vec<_>>(),
            [3, 6, 9, 4]
        );
        assert_eq!(t.ids_after(3, 3), [4, 6, 7]);
    }
}
