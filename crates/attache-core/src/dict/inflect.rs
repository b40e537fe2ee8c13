//! English verb inflection for verb patterns: one base form in a pattern
//! matches every form a news report may use.

use rustc_hash::FxHashMap;

/// The forms of one verb. Several values per slot are allowed
/// ("be": was; were), and British/American spellings are both present.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forms {
    pub base: Vec<String>,
    pub third: Vec<String>,
    pub past: Vec<String>,
    pub participle: Vec<String>,
    pub gerund: Vec<String>,
}

impl Forms {
    pub fn all(&self) -> impl Iterator<Item = &String> {
        self.base.iter().chain(&self.third).chain(&self.past).chain(&self.participle).chain(&self.gerund)
    }
}

/// Irregular verbs, from `irregular-verbs.txt`.
#[derive(Clone, Debug, Default)]
pub struct Irregulars {
    by_base: FxHashMap<String, Forms>,
}

impl Irregulars {
    pub fn insert(&mut self, forms: Forms) {
        if let Some(b) = forms.base.first() {
            self.by_base.insert(b.clone(), forms);
        }
    }

    pub fn len(&self) -> usize {
        self.by_base.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_base.is_empty()
    }

    /// Every form of `base` (lowercase), irregular or by rule, with the
    /// -ise/-ize and -lled/-led spelling variants.
    pub fn forms(&self, base: &str) -> Forms {
        let mut out = Forms::default();
        for spelling in spellings(base) {
            let f = match self.by_base.get(&spelling) {
                Some(f) => f.clone(),
                None => regular(&spelling),
            };
            for (dst, src) in [
                (&mut out.base, f.base),
                (&mut out.third, f.third),
                (&mut out.past, f.past),
                (&mut out.participle, f.participle),
                (&mut out.gerund, f.gerund),
            ] {
                for s in src {
                    if !dst.contains(&s) {
                        dst.push(s);
                    }
                }
            }
        }
        // "travel": travelled and traveled
        if ends_vowel_l(base) {
            let alt = regular_no_double(base);
            for s in alt.past {
                if !out.past.contains(&s) {
                    out.past.push(s.clone());
                    out.participle.push(s);
                }
            }
            for s in alt.gerund {
                if !out.gerund.contains(&s) {
                    out.gerund.push(s);
                }
            }
        }
        out
    }
}

fn spellings(base: &str) -> Vec<String> {
    let mut v = vec![base.to_string()];
    for (a, b) in [("ise", "ize"), ("ize", "ise"), ("yse", "yze"), ("yze", "yse")] {
        if let Some(stem) = base.strip_suffix(a) {
            if stem.len() >= 3 {
                v.push(format!("{stem}{b}"));
            }
        }
    }
    v
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

fn syllables(w: &str) -> usize {
    let b = w.as_bytes();
    let mut n = 0;
    let mut prev = false;
    for &c in b {
        let v = is_vowel(c) || c == b'y';
        if v && !prev {
            n += 1;
        }
        prev = v;
    }
    // a silent final e
    if n > 1 && w.ends_with('e') && !w.ends_with("ee") {
        n -= 1;
    }
    n
}

/// Verbs of two or more syllables stressed on the last one double their
/// final consonant ("commit" → "committed").
const STRESS_FINAL: &[&str] = &[
    "commit", "regret", "submit", "permit", "admit", "omit", "emit", "refer", "prefer", "confer", "transfer", "occur",
    "deter", "control", "patrol", "compel", "expel", "repel", "propel", "dispel", "equip", "rebut", "abet", "acquit",
    "outstrip", "infer", "incur", "recur", "allot", "forget", "begin", "upset", "embed", "annul", "excel", "extol",
    "enrol", "instil",
];

fn ends_cvc(w: &str) -> bool {
    let b = w.as_bytes();
    let n = b.len();
    n >= 3
        && !is_vowel(b[n - 1])
        && !matches!(b[n - 1], b'w' | b'x' | b'y')
        && is_vowel(b[n - 2])
        && !is_vowel(b[n - 3])
        && !(b[n - 3] == b'q')
}

fn ends_vowel_l(w: &str) -> bool {
    let b = w.as_bytes();
    let n = b.len();
    n >= 4 && b[n - 1] == b'l' && is_vowel(b[n - 2]) && !is_vowel(b[n - 3]) && syllables(w) > 1
}

fn doubles(w: &str) -> bool {
    ends_cvc(w) && (syllables(w) == 1 || STRESS_FINAL.contains(&w) || ends_vowel_l(w))
}

fn regular(w: &str) -> Forms {
    build(w, doubles(w))
}

fn regular_no_double(w: &str) -> Forms {
    build(w, false)
}

fn build(w: &str, double: bool) -> Forms {
    let b = w.as_bytes();
    let n = b.len();
    let last = b.last().copied().unwrap_or(b' ');
    let cons_y = n >= 2 && last == b'y' && !is_vowel(b[n - 2]);
    let third = if w.ends_with('s')
        || w.ends_with('x')
        || w.ends_with('z')
        || w.ends_with("ch")
        || w.ends_with("sh")
        || (w.ends_with('o') && !w.ends_with("oo"))
    {
        format!("{w}es")
    } else if cons_y {
        format!("{}ies", &w[..n - 1])
    } else {
        format!("{w}s")
    };
    let (past, gerund) = if double {
        let c = last as char;
        (format!("{w}{c}ed"), format!("{w}{c}ing"))
    } else if w.ends_with('e') {
        let ger = if w.ends_with("ie") {
            format!("{}ying", &w[..n - 2])
        } else if w.ends_with("ee") || w.ends_with("ye") || w.ends_with("oe") {
            format!("{w}ing")
        } else {
            format!("{}ing", &w[..n - 1])
        };
        (format!("{w}d"), ger)
    } else if cons_y {
        (format!("{}ied", &w[..n - 1]), format!("{w}ing"))
    } else if w.ends_with('c') {
        // "panic" → "panicked"
        (format!("{w}ked"), format!("{w}king"))
    } else {
        (format!("{w}ed"), format!("{w}ing"))
    };
    Forms {
        base: vec![w.to_string()],
        third: vec![third],
        past: vec![past.clone()],
        participle: vec![past],
        gerund: vec![gerund],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(w: &str) -> Forms {
        Irregulars::default().forms(w)
    }

    #[test]
    fn regular_rules() {
        let t = |w: &str, third: &str, past: &str, ger: &str| {
            let x = f(w);
            assert!(x.third.contains(&third.to_string()), "{w}: {:?}", x.third);
            assert!(x.past.contains(&past.to_string()), "{w}: {:?}", x.past);
            assert!(x.gerund.contains(&ger.to_string()), "{w}: {:?}", x.gerund);
        };
        t("visit", "visits", "visited", "visiting");
        t("stop", "stops", "stopped", "stopping");
        t("commit", "commits", "committed", "committing");
        t("agree", "agrees", "agreed", "agreeing");
        t("urge", "urges", "urged", "urging");
        t("deny", "denies", "denied", "denying");
        t("veto", "vetoes", "vetoed", "vetoing");
        t("criticise", "criticizes", "criticized", "criticising");
        t("travel", "travels", "travelled", "traveling");
        t("analyse", "analyzes", "analysed", "analyzing");
        t("reach", "reaches", "reached", "reaching");
        t("play", "plays", "played", "playing");
    }

    #[test]
    fn irregulars_win() {
        let mut irr = Irregulars::default();
        irr.insert(Forms {
            base: vec!["hold".into()],
            third: vec!["holds".into()],
            past: vec!["held".into()],
            participle: vec!["held".into()],
            gerund: vec!["holding".into()],
        });
        let x = irr.forms("hold");
        assert_eq!(x.past, ["held"]);
        assert!(!x.all().any(|s| s == "holded"));
    }
}
