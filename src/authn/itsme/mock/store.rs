//! Bounded in-memory state with expiry (the mock is a demo stand-in, not durable).
use std::collections::HashMap;
use std::sync::Mutex;

use crate::authn::itsme::jose::now_unix;

/// A map whose entries expire; full maps refuse new entries instead of growing.
#[derive(Debug)]
pub struct TtlMap<T> {
    inner: Mutex<HashMap<String, (i64, T)>>,
    max: usize,
}

/// The map is full of live entries.
#[derive(Debug)]
pub struct Full;

impl<T: Clone> TtlMap<T> {
    pub fn new(max: usize) -> Self {
        Self { inner: Mutex::new(HashMap::new()), max }
    }

    /// Inserts with a time to live; expired entries are pruned first.
    pub fn insert(&self, key: String, value: T, ttl_secs: i64) -> Result<(), Full> {
        let now = now_unix();
        let mut map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= self.max {
            map.retain(|_, (exp, _)| *exp >= now);
        }
        if map.len() >= self.max {
            return Err(Full);
        }
        map.insert(key, (now + ttl_secs, value));
        Ok(())
    }

    /// Removes and returns a live entry (single use).
    pub fn take(&self, key: &str) -> Option<T> {
        let mut map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key).filter(|(exp, _)| *exp >= now_unix()).map(|(_, v)| v)
    }

    /// Returns a live entry, keeping it.
    pub fn get(&self, key: &str) -> Option<T> {
        let map = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key).filter(|(exp, _)| *exp >= now_unix()).map(|(_, v)| v.clone())
    }

    /// Whether a live entry exists.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::TtlMap;

    #[test]
    fn a_full_map_refuses_new_entries_and_taken_entries_are_gone() {
        let map = TtlMap::new(2);
        map.insert("a".into(), 1, 60).expect("a");
        map.insert("b".into(), 2, 60).expect("b");
        assert!(map.insert("c".into(), 3, 60).is_err());
        assert_eq!(map.take("a"), Some(1));
        assert_eq!(map.take("a"), None);
        map.insert("c".into(), 3, 60).expect("room again");
    }

    #[test]
    fn expired_entries_are_not_returned_and_make_room() {
        let map = TtlMap::new(1);
        map.insert("old".into(), 1, -1).expect("old");
        assert_eq!(map.get("old"), None);
        map.insert("new".into(), 2, 60).expect("expired entry pruned");
    }
}
