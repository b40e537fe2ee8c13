//! The word table: what the dictionaries know of each word ([`WordInfo`]),
//! looked up once per token of every sentence.
//!
//! Its 20,000-odd words are too many for the nearer caches, so a lookup
//! costs about what it reads from memory. A general hash map reads two
//! places (hashbrown: a group of control bytes, then the bucket); this
//! table reads one cache line. A line holds two slots, each a key and its
//! [`WordInfo`] packed; a key hashes to a line; and the table is kept at
//! most 35% full, so that the word, or the empty slot that says it is
//! absent, is nearly always in that first line (linear probing goes on
//! to the next lines when it is not).

use rustc_hash::FxHashMap;

use super::{inline::InlineMap, VerbLexicon, WordInfo};

/// The word table while the dictionaries are compiled: a map whose entries
/// are changed in place, then [`build`](WordsBuilder::build) into the
/// table that is looked up.
#[derive(Debug, Default)]
pub(super) struct WordsBuilder {
    map: InlineMap<16, WordInfo>,
}

impl WordsBuilder {
    /// The entry of `word`, made empty if it has none.
    pub(super) fn entry(&mut self, word: &str) -> &mut WordInfo {
        self.map.entry(word)
    }

    pub(super) fn reserve(&mut self, additional: usize) {
        self.map.reserve(additional);
    }

    /// Adds the verb vocabulary's symbols, and the bits of the words that
    /// head patterns.
    pub(super) fn add_verbs(&mut self, verbs: &VerbLexicon) {
        self.map.reserve(verbs.vocab.len());
        for (w, &s) in &verbs.vocab {
            let info = self.entry(w);
            info.verb = Some(s);
            if !verbs.candidates_of(s).is_empty() {
                info.class |= WordInfo::HEADS_PATTERN;
            }
            if verbs.is_verb_head(s) {
                info.class |= WordInfo::VERB_HEAD;
            }
        }
    }

    /// Adds the words of the event rules' word classes, with their bits.
    pub(super) fn add_classes(&mut self, classes: &[&crate::text::WordSet]) {
        for set in classes {
            debug_assert_eq!(set.bit() & WordInfo::RESERVED, 0, "bits 61-63 are not word classes");
            for &w in set.iter() {
                self.entry(w).class |= set.bit();
            }
        }
    }

    /// The table of these words.
    pub(super) fn build(self) -> Words {
        // Lines for at least 1/0.35 slots per word.
        let lines = (self.map.len() * 10 / 7 + 1).next_power_of_two();
        let mut words =
            Words { lines: vec![Line::default(); lines].into(), other: FxHashMap::default(), len: self.map.len() };
        for (word, &info) in self.map.iter() {
            let whole = || Box::from(std::str::from_utf8(word).expect("words are strs"));
            let Some(key) = key(word) else {
                words.other.insert(whole(), info);
                continue;
            };
            let slot = Slot::pack(key, word.len(), info);
            if slot.lengths == Slot::ELSEWHERE {
                words.other.insert(whole(), info);
            }
            let mut at = words.line_of(key);
            loop {
                if let Some(free) = words.lines[at].0.iter_mut().find(|s| s.len_verb == 0) {
                    *free = slot;
                    break;
                }
                at = (at + 1) & (words.lines.len() - 1);
            }
        }
        words
    }
}

/// Every word of the actor phrases, verb patterns and word classes, with
/// its [`WordInfo`].
#[derive(Debug)]
pub struct Words {
    /// A power of two of them, at most 35% of their slots taken.
    lines: Box<[Line]>,
    /// The words no slot holds (empty, or longer than a key), and those
    /// whose value does not pack ([`Slot::ELSEWHERE`]).
    other: FxHashMap<Box<str>, WordInfo>,
    len: usize,
}

/// Two slots, aligned to share one cache line.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(64))]
struct Line([Slot; 2]);

const _: () = assert!(std::mem::size_of::<Line>() == 64);

/// A word of 1 to 16 bytes and its [`WordInfo`], packed.
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    /// The word's bytes, little-endian, zero-padded.
    key: u128,
    class: u64,
    /// The word's length in bytes (0: an empty slot) in the top 8 bits, and
    /// its verb symbol ([`Slot::NO_VERB`] for none) in the low 24. (The
    /// length tells "a" from "a\0": a key's padding is zeros too.)
    len_verb: u32,
    /// [`WordInfo::phrase_lengths`], or [`Slot::ELSEWHERE`].
    lengths: u32,
}

impl Slot {
    /// `len_verb`'s verb bits, all set: no verb.
    const NO_VERB: u32 = (1 << 24) - 1;
    /// Bit 0 of `lengths` (which no phrase sets: a phrase has a token or
    /// more): the word's value did not pack (a symbol of 24 bits or more,
    /// a phrase of 32 tokens or more) and is in [`Words::other`].
    const ELSEWHERE: u32 = 1;

    fn pack(key: u128, len: usize, info: WordInfo) -> Slot {
        debug_assert!((1..=16).contains(&len) && info.phrase_lengths & 1 == 0);
        let len = (len as u32) << 24;
        let verb = info.verb.map_or(Some(Slot::NO_VERB), |v| (v < Slot::NO_VERB).then_some(v));
        match (verb, u32::try_from(info.phrase_lengths)) {
            (Some(verb), Ok(lengths)) => Slot { key, class: info.class, len_verb: len | verb, lengths },
            _ => Slot { key, class: 0, len_verb: len, lengths: Slot::ELSEWHERE },
        }
    }
}

/// The key of a word that fits a slot.
#[inline]
fn key(b: &[u8]) -> Option<u128> {
    let mut bytes = [0u8; 16];
    bytes.get_mut(..b.len()).filter(|_| !b.is_empty())?.copy_from_slice(b);
    Some(u128::from_le_bytes(bytes))
}

impl Words {
    /// Bytes of padding after a sentence's normalised text that let every
    /// lookup in it read a whole window ([`Words::get_within`] and the
    /// actor phrases' [`InlineMap::get_within`]): the widest key of the
    /// two.
    pub const PADDING: usize = 24;

    /// What the dictionaries know of a normalised word (nothing: the default).
    #[inline]
    pub fn get(&self, word: &str) -> WordInfo {
        match key(word.as_bytes()) {
            Some(key) => self.unpack(self.find(key, word.len()), || word),
            None => self.other.get(word).copied().unwrap_or_default(),
        }
    }

    /// [`get`](Words::get) of the word `text[range]`. When 16 bytes of
    /// `text` are readable from the word's start (a text padded at its end
    /// makes that always so), the key is cut from them with a mask instead
    /// of being copied byte by byte.
    #[inline]
    pub fn get_within(&self, text: &str, range: std::ops::Range<usize>) -> WordInfo {
        let len = range.len();
        match text.as_bytes().get(range.start..range.start + 16) {
            Some(window) if (1..=16).contains(&len) => {
                let window = u128::from_le_bytes(window.try_into().expect("sixteen bytes"));
                let key = window & u128::MAX >> (128 - 8 * len);
                self.unpack(self.find(key, len), || &text[range])
            }
            _ => self.get(&text[range]),
        }
    }

    /// The number of words.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The line where the search for `key` starts. (A multiply of its two
    /// halves, folded: cheap, and every byte of the key moves every bit.)
    #[inline]
    fn line_of(&self, key: u128) -> usize {
        let m = u128::from(key as u64 ^ 0x243f_6a88_85a3_08d3) * u128::from((key >> 64) as u64 ^ 0x1319_8a2e_0370_7344);
        (m as u64 ^ (m >> 64) as u64) as usize & (self.lines.len() - 1)
    }

    /// The slot of the word of `len` bytes whose key is `key`.
    #[inline]
    fn find(&self, key: u128, len: usize) -> Option<&Slot> {
        let len = (len as u32) << 24;
        let mut at = self.line_of(key);
        loop {
            for slot in &self.lines[at].0 {
                if slot.key == key && slot.len_verb & !Slot::NO_VERB == len {
                    return Some(slot);
                }
                if slot.len_verb == 0 {
                    return None;
                }
            }
            at = (at + 1) & (self.lines.len() - 1);
        }
    }

    #[inline]
    fn unpack<'w>(&self, slot: Option<&Slot>, word: impl FnOnce() -> &'w str) -> WordInfo {
        match slot {
            None => WordInfo::default(),
            Some(s) if s.lengths == Slot::ELSEWHERE => self.other[word()],
            Some(s) => {
                let verb = s.len_verb & Slot::NO_VERB;
                WordInfo {
                    verb: (verb != Slot::NO_VERB).then_some(verb),
                    phrase_lengths: u64::from(s.lengths),
                    class: s.class,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of `words`, the `i`th with class `i + 1` (and verb `i`).
    fn table(words: &[&str]) -> Words {
        let mut b = WordsBuilder::default();
        for (i, w) in words.iter().enumerate() {
            *b.entry(w) = WordInfo { verb: Some(i as u32), phrase_lengths: 2 << i % 31, class: i as u64 + 1 };
        }
        b.build()
    }

    fn class(words: &Words, w: &str) -> u64 {
        words.get(w).class
    }

    #[test]
    fn keys_of_every_length_are_kept_apart() {
        // Up to 16 bytes in the lines, beyond in the other map; a key and
        // its prefixes or zero-padded forms are different keys.
        let long = "abcdefghijklmnopqrstuvwxyz";
        let mut keys: Vec<&str> = (1..=long.len()).map(|n| &long[..n]).collect();
        keys.extend([
            "", "a\0", "\0", "\0\0", "ab\0d", "sixteen-bytes\0\0\0", "côte", "côté", "ministry of foreign affairs",
        ]);
        let words = table(&keys);
        assert_eq!(words.len(), keys.len());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(
                words.get(k),
                WordInfo { verb: Some(i as u32), phrase_lengths: 2 << i % 31, class: i as u64 + 1 },
                "{k:?}"
            );
        }
        for k in [
            "b", "abd", "a\0\0", "\0\0\0", "ab\0", "ab\0d\0", "sixteen-bytes\0\0", "sixteen-bytes", "côt", "c\u{f4}",
            "abcdefghijklmnopqrstuvwxyz!", "bcdefghijklmnopq",
        ] {
            assert_eq!(words.get(k), WordInfo::default(), "{k:?}");
        }
    }

    #[test]
    fn lookups_within_a_text_agree_with_plain_ones() {
        // Every slice of a text, followed by its own next bytes, by padding
        // of NULs or of other bytes (none of which may count), is found as
        // its own key is.
        let keys = [
            "a", "ab", "russia", "eight by", "eight byt", "sixteen-bytes-xx", "seventeen-bytes-x", "b\0", "côté", "\0",
        ];
        let words = table(&keys);
        let text = "ab russia eight byte sixteen-bytes-xxx seventeen-bytes-x côté b\0 a";
        for padded in [text.to_string(), format!("{text}{}", "z".repeat(16)), format!("{text}{}", "\0".repeat(16))] {
            for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                for end in (start..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    assert_eq!(
                        words.get_within(&padded, start..end),
                        words.get(&text[start..end]),
                        "{:?}",
                        &text[start..end]
                    );
                }
            }
        }
        assert_eq!(words.get_within("ab\0\0zzzzzzzzzzzzzzz", 0..2).class, 2);
        assert_eq!(words.get_within("b\0zzzzzzzzzzzzzzzzz", 0..2).class, 8);
        assert_eq!(words.get_within("b\0zzzzzzzzzzzzzzzzz", 0..1).class, 0);
        assert_eq!(words.get_within("\0\0zzzzzzzzzzzzzzzzz", 0..1).class, 10);
        assert_eq!(words.get_within("\0\0zzzzzzzzzzzzzzzzz", 0..2).class, 0);
    }

    #[test]
    fn probes_run_on_and_wrap_past_the_last_line() {
        // Five words that all start at the last of eight lines: two fill
        // it, the others go on to the first lines.
        let probe = table(&["a", "b", "c", "d", "e"]);
        assert_eq!(probe.lines.len(), 8);
        let last: Vec<String> =
            (0..).map(|i| format!("w{i}")).filter(|w| probe.line_of(key(w.as_bytes()).unwrap()) == 7).take(8).collect();
        let (present, absent) = last.split_at(5);
        let present: Vec<&str> = present.iter().map(String::as_str).collect();
        let words = table(&present);
        assert_eq!(words.lines.len(), 8);
        assert!(words.lines[0].0.iter().all(|s| s.len_verb != 0), "the first line is full");
        for (i, w) in present.iter().enumerate() {
            assert_eq!(class(&words, w), i as u64 + 1, "{w}");
            assert_eq!(words.get_within(&format!("{w}{}", "\0".repeat(24)), 0..w.len()).class, i as u64 + 1, "{w}");
        }
        // An absent word searches past them, to the first empty slot.
        for w in absent {
            assert_eq!(words.get(w), WordInfo::default(), "{w}");
        }
    }

    #[test]
    fn values_that_do_not_pack_are_kept_whole() {
        let mut b = WordsBuilder::default();
        let wide = [
            ("long", WordInfo { verb: Some(3), phrase_lengths: 1 << 40 | 1 << 2, class: 5 }),
            ("verb", WordInfo { verb: Some(Slot::NO_VERB), phrase_lengths: 0, class: 6 }),
            ("top", WordInfo { verb: Some(u32::MAX), phrase_lengths: 1 << 63, class: 1 << 63 }),
            ("fits", WordInfo { verb: Some(Slot::NO_VERB - 1), phrase_lengths: 1 << 31, class: u64::MAX }),
            (
                "a phrase word of more than sixteen bytes",
                WordInfo { verb: Some(u32::MAX), phrase_lengths: 1 << 50, class: 2 },
            ),
        ];
        for (w, info) in wide {
            *b.entry(w) = info;
        }
        let words = b.build();
        assert_eq!(words.other.len(), 4, "all but \"fits\"");
        for (w, info) in wide {
            assert_eq!(words.get(w), info, "{w}");
            assert_eq!(words.get_within(&format!("{w}{}", "\0".repeat(24)), 0..w.len()), info, "{w}");
        }
    }

    #[test]
    fn builtin_words_are_nearly_all_in_their_first_line() {
        // The hash spreads the real words: at 35% load or less, nine in ten
        // or more are in the line where their search starts.
        let d = crate::dict::Dictionaries::builtin().expect("built-in dictionaries");
        let w = &d.words;
        assert!(w.len() > 10_000);
        let at_home = w
            .lines
            .iter()
            .enumerate()
            .flat_map(|(i, l)| l.0.iter().filter(|s| s.len_verb != 0).map(move |s| (i, s)))
            .filter(|(i, s)| w.line_of(s.key) == *i)
            .count();
        let held = w.lines.iter().flat_map(|l| &l.0).filter(|s| s.len_verb != 0).count();
        assert!(held * 100 <= w.lines.len() * 2 * 35, "{held} in {} lines", w.lines.len());
        assert!(at_home * 10 >= held * 9, "{at_home} of {held}");
        for word in ["russia", "the", "agreed", "minister", "said"] {
            assert_ne!(w.get(word), WordInfo::default(), "{word}");
        }
    }
}
