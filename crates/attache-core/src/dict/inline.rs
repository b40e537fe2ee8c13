//! A string-keyed map for lookups made at most tokens of every sentence,
//! from tables too large for the nearer caches (the actor phrases; the word
//! table has a table of its own, [`super::words`], and this map only while
//! it is built): keys of up to `N` bytes (most actor phrases) are stored
//! inline in the buckets, so a lookup reads its bucket and follows no
//! pointer to the key; longer keys go to a map of their own.

use std::hash::{Hash, Hasher};

use rustc_hash::FxHashMap;

#[derive(Debug)]
pub struct InlineMap<const N: usize, V> {
    short: FxHashMap<InlineKey<N>, V>,
    long: FxHashMap<Box<str>, V>,
}

impl<const N: usize, V> Default for InlineMap<N, V> {
    fn default() -> Self {
        InlineMap { short: FxHashMap::default(), long: FxHashMap::default() }
    }
}

/// A key of up to `N` bytes (a multiple of 8), zero-padded, with its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct InlineKey<const N: usize> {
    bytes: [u8; N],
    len: u8,
}

impl<const N: usize> InlineKey<N> {
    const FITS: () = assert!(N % 8 == 0 && N < 256, "N is a multiple of 8 below 256");

    #[inline]
    fn new(key: &str) -> Option<InlineKey<N>> {
        let () = Self::FITS;
        let b = key.as_bytes();
        let mut bytes = [0u8; N];
        bytes.get_mut(..b.len())?.copy_from_slice(b);
        Some(InlineKey { bytes, len: b.len() as u8 })
    }
}

impl<const N: usize> Hash for InlineKey<N> {
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        for (i, w) in self.bytes.chunks_exact(8).enumerate() {
            let w = u64::from_le_bytes(w.try_into().expect("eight bytes"));
            state.write_u64(if i == 0 { w ^ u64::from(self.len) << 56 } else { w });
        }
    }
}

impl<const N: usize, V> InlineMap<N, V> {
    #[inline]
    pub fn get(&self, key: &str) -> Option<&V> {
        match InlineKey::new(key) {
            Some(k) => self.short.get(&k),
            None => self.long.get(key),
        }
    }

    /// [`get`](InlineMap::get) of `text[range]`. When `N` bytes of `text`
    /// are readable from the key's start (a text padded at its end makes
    /// that always so), the key is cut from them with masks instead of
    /// being copied byte by byte.
    #[inline]
    pub fn get_within(&self, text: &str, range: std::ops::Range<usize>) -> Option<&V> {
        let len = range.len();
        let window = text.as_bytes().get(range.start..range.start + N);
        let (Some(window), true) = (window, len <= N) else {
            return self.get(&text[range]);
        };
        let mut bytes = [0u8; N];
        for (i, (out, w)) in bytes.chunks_exact_mut(8).zip(window.chunks_exact(8)).enumerate() {
            let w = u64::from_le_bytes(w.try_into().expect("eight bytes"));
            let keep = len.saturating_sub(i * 8).min(8);
            let mask = if keep == 8 { u64::MAX } else { (1u64 << (keep * 8)) - 1 };
            out.copy_from_slice(&(w & mask).to_le_bytes());
        }
        self.short.get(&InlineKey { bytes, len: len as u8 })
    }

    /// The value of `key`, made the default if it has none.
    pub fn entry(&mut self, key: &str) -> &mut V
    where
        V: Default,
    {
        match InlineKey::new(key) {
            Some(k) => self.short.entry(k).or_default(),
            None => self.long.entry(key.into()).or_default(),
        }
    }

    pub fn insert(&mut self, key: &str, value: V) {
        match InlineKey::new(key) {
            Some(k) => self.short.insert(k, value),
            None => self.long.insert(key.into(), value),
        };
    }

    pub fn reserve(&mut self, additional: usize) {
        self.short.reserve(additional);
    }

    /// The entries, in no order, their keys as bytes (those of `str`s,
    /// given as bytes because a short key's would be checked again for
    /// UTF-8 to no purpose).
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        let short = self.short.iter().map(|(k, v)| (&k.bytes[..usize::from(k.len)], v));
        short.chain(self.long.iter().map(|(k, v)| (k.as_bytes(), v)))
    }

    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_every_length_are_kept_apart() {
        // Inline up to N bytes, in the long map beyond; a key and its
        // prefixes or zero-padded forms are different keys.
        let mut m: InlineMap<16, usize> = InlineMap::default();
        let keys = [
            "", "a", "ab", "a\0", "sixteen-bytes-xx", "seventeen-bytes-x", "seventeen-bytes-y", "côte", "côté",
            "ministry of foreign affairs",
        ];
        for (i, k) in keys.iter().enumerate() {
            m.insert(k, i);
        }
        assert_eq!(m.len(), keys.len());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(m.get(k), Some(&i), "{k:?}");
        }
        for k in ["abc", "sixteen-bytes-x", "seventeen-bytes-z", "c\u{f4}t", "a\0\0", "b"] {
            assert_eq!(m.get(k), None, "{k:?}");
        }
        *m.entry("a") += 10;
        *m.entry("new") += 1;
        *m.entry("a key well beyond sixteen bytes") += 2;
        assert_eq!(
            (m.get("a"), m.get("new"), m.get("a key well beyond sixteen bytes")),
            (Some(&11), Some(&1), Some(&2))
        );
    }

    #[test]
    fn lookups_within_a_text_agree_with_plain_ones() {
        // Every slice of a text, with and without bytes of padding after
        // it (which must not count), is found as its own key is.
        let mut m: InlineMap<16, usize> = InlineMap::default();
        let keys = ["a", "ab", "russia", "eight by", "eight byt", "sixteen-bytes-xx", "seventeen-bytes-x", "b\0"];
        for (i, k) in keys.iter().enumerate() {
            m.insert(k, i);
        }
        let text = "ab russia eight byte sixteen-bytes-xxx seventeen-bytes-x";
        for padded in [text.to_string(), format!("{text}{}", "z".repeat(16)), format!("{text}{}", "\0".repeat(16))] {
            for start in 0..=text.len() {
                for end in start..=text.len() {
                    assert_eq!(m.get_within(&padded, start..end), m.get(&text[start..end]), "{:?}", &text[start..end]);
                }
            }
        }
        assert_eq!(m.get_within("ab\0\0zzzzzzzzzzzzzzz", 0..2), Some(&1));
        assert_eq!(m.get_within("b\0zzzzzzzzzzzzzzzzz", 0..2), Some(&7));
        assert_eq!(m.get_within("b\0zzzzzzzzzzzzzzzzz", 0..1), None);
    }

    #[test]
    fn wider_keys_stay_inline_and_agree() {
        let mut m: InlineMap<24, u32> = InlineMap::default();
        let keys = ["united states", "twenty-four-byte-phrase!", "twenty-five-byte-phrase!!", "x"];
        for (i, k) in keys.iter().enumerate() {
            m.insert(k, i as u32);
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(m.get(k), Some(&(i as u32)), "{k:?}");
        }
        assert_eq!(m.get("united state"), None);
    }
}
