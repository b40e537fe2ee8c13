//! `CAMEO.*.txt` / `*.verbs`: synsets, verb blocks and patterns, translated
//! into attache verb patterns (see the parent module for what is honoured).

use std::hash::{Hash, Hasher};
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::{strip_comment, Tally};
use crate::dict::inflect::{Forms, Irregulars};
use crate::dict::plurals;
use crate::dict::source::{DictSource, Loc, PatternToken, VerbPattern};
use crate::error::{DictError, DictErrorKind};
use crate::ontology::Ontology;
use crate::text::normalize_phrase;

/// More expansions than this from one pattern line is a dictionary mistake.
const MAX_EXPANSIONS: usize = 10_000;

/// A synset as written.
struct Synset {
    members: Vec<(String, bool)>,
    plural: bool,
}

/// The ways one synset can be written in a pattern: one alternative token
/// for the one-word members (and their plurals), one token sequence per
/// multi-word member.
type Variants = Vec<Vec<PatternToken>>;

/// A verb of a block: its pattern tokens (the verb and the literal words of
/// a compound verb) and its own code.
struct Verb {
    tokens: Vec<PatternToken>,
    /// `Some(None)`: the verb's own `[---]`; `None`: the block's code.
    code: Option<Option<String>>,
    loc: Loc,
}

/// One pattern element before synsets are expanded.
#[derive(Clone, Debug, PartialEq)]
enum Tmpl {
    Token(PatternToken),
    Words(Vec<String>),
    Synset(String),
}

struct Block {
    code: Option<String>,
    verbs: Vec<Verb>,
    patterns: Vec<(Vec<Tmpl>, String, Loc)>,
}

/// What was skipped, for one warning per kind.
#[derive(Default)]
struct Skipped {
    pre: Tally,
    no_event: Tally,
    passive_only: Tally,
    unsupported: Tally,
    transformations: Tally,
    repeats: Tally,
    repeats_other_code: usize,
    collapsed: Tally,
}

struct Reader<'a> {
    src: &'a mut DictSource,
    problems: &'a mut Vec<DictError>,
    ontology: Ontology,
    synsets: FxHashMap<String, Synset>,
    variants: FxHashMap<String, Rc<Variants>>,
    /// Patterns already added, by the hash of their text: index in `src.verbs`.
    seen: FxHashMap<u64, usize>,
    irregular_seen: FxHashSet<String>,
    skipped: Skipped,
}

pub(crate) fn read(src: &mut DictSource, problems: &mut Vec<DictError>, file: &str, text: &str) {
    let file_loc = Loc::new(file, 0);
    let mut r = Reader {
        src,
        problems,
        ontology: Ontology::embedded(),
        synsets: FxHashMap::default(),
        variants: FxHashMap::default(),
        seen: FxHashMap::default(),
        irregular_seen: FxHashSet::default(),
        skipped: Skipped::default(),
    };
    let mut block: Option<Block> = None;
    let mut synset: Option<String> = None;
    for (n, raw) in text.lines().enumerate() {
        let loc = file_loc.at(n + 1);
        // `#` comments, and TABARI's `;` comments after a verb.
        let line = strip_comment(raw);
        let line = line.split(';').next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with("<!") {
            continue;
        }
        if let Some(name) = line.strip_prefix('&') {
            let (name, plural) = match name.trim().strip_suffix('_') {
                Some(n) => (n, false),
                None => (name.trim(), true),
            };
            if name.is_empty() || name.contains(char::is_whitespace) {
                r.syntax(&loc, format!("bad synset name {line:?}"));
                synset = None;
                continue;
            }
            r.synsets.insert(name.to_string(), Synset { members: Vec::new(), plural });
            r.variants.remove(name);
            synset = Some(name.to_string());
            continue;
        }
        if let (Some(member), Some(name)) = (line.strip_prefix('+'), &synset) {
            let member = member.trim();
            let (m, plural) = match member.strip_suffix('_') {
                Some(m) => (m, false),
                None => (member, true),
            };
            if normalize_phrase(&m.replace('_', " ")).is_empty() {
                r.syntax(&loc, "empty synset member".into());
                continue;
            }
            if let Some(s) = r.synsets.get_mut(name) {
                s.members.push((m.replace('_', " "), plural));
            }
            continue;
        }
        synset = None;
        if line.starts_with("---") {
            if let Some(b) = block.take() {
                r.emit(b);
            }
            match block_code(line) {
                Ok(code) => match r.code(code.as_deref(), &loc, false) {
                    Ok(code) => block = Some(Block { code, verbs: Vec::new(), patterns: Vec::new() }),
                    Err(()) => block = Some(Block { code: None, verbs: Vec::new(), patterns: Vec::new() }),
                },
                Err(msg) => {
                    r.syntax(&loc, msg);
                    block = Some(Block { code: None, verbs: Vec::new(), patterns: Vec::new() });
                }
            }
            continue;
        }
        if line.starts_with('~') {
            r.skipped.transformations.add(&loc);
            continue;
        }
        let Some(b) = block.as_mut() else {
            r.syntax(&loc, "verb or pattern before the first '--- LABEL [code] ---' block".into());
            continue;
        };
        if let Some(pattern) = line.strip_prefix('-') {
            r.pattern_line(b, pattern, &loc);
        } else {
            match parse_verb_line(line) {
                Ok((tokens, code, forms)) => {
                    let code = match code {
                        None => None,
                        Some(c) => match r.code(Some(&c), &loc, false) {
                            Ok(c) => Some(c),
                            Err(()) => continue,
                        },
                    };
                    if let Some(forms) = forms {
                        r.irregular(&tokens, forms, &loc);
                    }
                    b.verbs.push(Verb { tokens, code, loc: loc.clone() });
                }
                Err(msg) => r.syntax(&loc, msg),
            }
        }
    }
    if let Some(b) = block.take() {
        r.emit(b);
    }
    r.report();
}

impl Reader<'_> {
    fn syntax(&mut self, loc: &Loc, msg: String) {
        self.problems.push(loc.error(DictErrorKind::Syntax(msg)));
    }

    /// Checks a code written `XXX`, `act:pass` or `---`: `Ok(None)` for no
    /// event. A code missing from the ontology falls back to its parent.
    fn code(&mut self, code: Option<&str>, loc: &Loc, pattern: bool) -> Result<Option<String>, ()> {
        let Some(code) = code else { return Ok(None) };
        let active = code.split(':').next().unwrap_or("").trim();
        if active == "---" || active.is_empty() && !code.contains(':') {
            if pattern {
                self.skipped.no_event.add(loc);
            }
            return Ok(None);
        }
        if active.is_empty() {
            if pattern {
                self.skipped.passive_only.add(loc);
            }
            return Ok(None);
        }
        let mut c = active;
        while c.len() >= 2 && c.bytes().all(|b| b.is_ascii_digit()) {
            if let Some(known) = self.ontology.code(c) {
                if c != active {
                    self.skipped.collapsed.add(loc);
                }
                return Ok(Some(known.as_str().to_string()));
            }
            c = &c[..c.len() - 1];
        }
        self.problems.push(loc.error(DictErrorKind::UnknownCode(format!("CAMEO code {code:?}"))));
        Err(())
    }

    fn pattern_line(&mut self, b: &mut Block, pattern: &str, loc: &Loc) {
        let Some(open) = pattern.rfind('[') else {
            self.syntax(loc, "pattern without [code]".into());
            return;
        };
        let Some(close) = pattern[open..].find(']').map(|c| open + c) else {
            self.syntax(loc, "pattern code without ']'".into());
            return;
        };
        if !pattern[close + 1..].trim().is_empty() {
            self.syntax(loc, format!("unexpected {:?} after the code", pattern[close + 1..].trim()));
            return;
        }
        let body = &pattern[..open];
        let Some((pre, post)) = body.split_once('*') else {
            self.syntax(loc, "pattern without '*' (the verb's place)".into());
            return;
        };
        if post.contains('*') {
            self.syntax(loc, "pattern with more than one '*'".into());
            return;
        }
        let tmpl = match parse_post(post) {
            Ok(Some(t)) => t,
            Ok(None) => {
                self.skipped.unsupported.add(loc);
                return;
            }
            Err(msg) => {
                self.syntax(loc, msg);
                return;
            }
        };
        let code = match self.code(Some(pattern[open + 1..close].trim()), loc, true) {
            Ok(Some(c)) => c,
            _ => return,
        };
        if !pre.trim().is_empty() {
            self.skipped.pre.add(loc);
            return;
        }
        b.patterns.push((tmpl, code, loc.clone()));
    }

    /// Irregular forms from `{…}`, when our rules would not produce them.
    fn irregular(&mut self, tokens: &[PatternToken], forms: Vec<String>, loc: &Loc) {
        let Some(base) = tokens.iter().find_map(|t| match t {
            PatternToken::Verb(v) => Some(v.to_string()),
            _ => None,
        }) else {
            return;
        };
        if self.irregular_seen.contains(&base) {
            return;
        }
        let regular = Irregulars::default().forms(&base);
        let entry = if forms.is_empty() {
            // `{}`: only the form written.
            Forms {
                base: vec![base.clone()],
                past: vec![base.clone()],
                participle: vec![base.clone()],
                ..Forms::default()
            }
        } else {
            if forms.iter().all(|f| *f == base || regular.all().any(|r| r == f)) {
                return;
            }
            let mut third = Vec::new();
            let mut past = Vec::new();
            let mut gerund = Vec::new();
            for f in forms {
                if f == base {
                    continue;
                }
                let slot = if f.ends_with("ing") {
                    &mut gerund
                } else if f == format!("{base}s")
                    || f == format!("{base}es")
                    || base.strip_suffix('y').is_some_and(|s| f == format!("{s}ies"))
                {
                    &mut third
                } else {
                    &mut past
                };
                if !slot.contains(&f) {
                    slot.push(f);
                }
            }
            let or = |v: Vec<String>, r: &[String]| if v.is_empty() { r.to_vec() } else { v };
            Forms {
                base: vec![base.clone()],
                third: or(third, &regular.third),
                participle: or(past.clone(), &regular.participle),
                past: or(past, &regular.past),
                gerund: or(gerund, &regular.gerund),
            }
        };
        self.irregular_seen.insert(base);
        self.src.irregular.push((entry, loc.clone()));
    }

    /// The patterns of one block: each verb alone (with its code), then each
    /// pattern line for each verb, synsets expanded.
    fn emit(&mut self, b: Block) {
        let verb_texts: Vec<String> = b.verbs.iter().map(|v| render(&v.tokens)).collect();
        for (v, text) in b.verbs.iter().zip(&verb_texts) {
            let code = match &v.code {
                Some(own) => own.as_ref(),
                None => b.code.as_ref(),
            };
            if let Some(code) = code {
                self.push(&v.tokens, &[], text.clone(), code, &v.loc);
            }
        }
        for (tmpl, code, loc) in &b.patterns {
            let expansions = match self.expand(tmpl, loc) {
                Some(e) => e,
                None => continue,
            };
            if expansions.len() * b.verbs.len() > MAX_EXPANSIONS {
                self.problems.push(loc.error(DictErrorKind::Unreachable(format!(
                    "pattern expands to {} patterns (more than {MAX_EXPANSIONS}); skipped",
                    expansions.len() * b.verbs.len()
                ))));
                continue;
            }
            let expansion_texts: Vec<String> = expansions.iter().map(|e| render(e)).collect();
            self.src.verbs.reserve(expansions.len() * b.verbs.len());
            for (v, vt) in b.verbs.iter().zip(&verb_texts) {
                for (e, et) in expansions.iter().zip(&expansion_texts) {
                    let mut text = String::with_capacity(vt.len() + et.len() + 1);
                    text.push_str(vt);
                    if !et.is_empty() {
                        text.push(' ');
                        text.push_str(et);
                    }
                    self.push(&v.tokens, e, text, code, loc);
                }
            }
        }
    }

    /// Every token sequence a template stands for.
    fn expand(&mut self, tmpl: &[Tmpl], loc: &Loc) -> Option<Vec<Vec<PatternToken>>> {
        let mut out: Vec<Vec<PatternToken>> = vec![Vec::new()];
        for t in tmpl {
            match t {
                Tmpl::Token(tok) => out.iter_mut().for_each(|o| o.push(tok.clone())),
                Tmpl::Words(ws) => {
                    out.iter_mut().for_each(|o| o.extend(ws.iter().map(|w| PatternToken::Word(w.as_str().into()))))
                }
                Tmpl::Synset(name) => {
                    let Some(variants) = self.synset_variants(name) else {
                        self.syntax(loc, format!("synset &{name} is not defined before this line"));
                        return None;
                    };
                    if out.len() * variants.len() > MAX_EXPANSIONS {
                        self.problems.push(loc.error(DictErrorKind::Unreachable(format!(
                            "pattern expands to more than {MAX_EXPANSIONS} patterns; skipped"
                        ))));
                        return None;
                    }
                    out = out
                        .iter()
                        .flat_map(|o| variants.iter().map(move |v| o.iter().chain(v).cloned().collect()))
                        .collect();
                }
            }
        }
        Some(out)
    }

    fn synset_variants(&mut self, name: &str) -> Option<Rc<Variants>> {
        if let Some(v) = self.variants.get(name) {
            return Some(Rc::clone(v));
        }
        let s = self.synsets.get(name)?;
        let out = Rc::new(synset_variants(s));
        self.variants.insert(name.to_string(), Rc::clone(&out));
        Some(out)
    }

    /// Adds the pattern `verb` + `rest` (written `text`) unless an identical
    /// one came earlier.
    fn push(&mut self, verb: &[PatternToken], rest: &[PatternToken], text: String, code: &str, loc: &Loc) {
        let mut h = FxHasher::default();
        text.hash(&mut h);
        let key = h.finish();
        if let Some(&i) = self.seen.get(&key) {
            let first = &self.src.verbs[i];
            if first.text == text {
                self.skipped.repeats.add(loc);
                if first.code != code {
                    self.skipped.repeats_other_code += 1;
                }
                return;
            }
        } else {
            self.seen.insert(key, self.src.verbs.len());
        }
        let mut tokens = Vec::with_capacity(verb.len() + rest.len());
        tokens.extend_from_slice(verb);
        tokens.extend_from_slice(rest);
        self.src.verbs.push(VerbPattern {
            code: code.into(),
            tokens,
            speaker_judgement: false,
            text,
            loc: loc.clone(),
        });
    }

    fn report(&mut self) {
        let s = &self.skipped;
        let p = &mut *self.problems;
        let un = DictErrorKind::Unreachable;
        s.pre.report(p, un, |n| format!("{n} patterns have words before the verb ('- PRE * …'), which attache patterns cannot express; skipped (first here)"));
        s.no_event.report(p, un, |n| format!("{n} '[---]' (no event) patterns cannot be expressed; skipped, so the verb's own code may apply there (first here)"));
        s.passive_only.report(p, un, |n| format!("{n} passive-only '[:code]' patterns skipped (first here)"));
        s.unsupported.report(p, un, |n| {
            format!("{n} patterns use '^' or '%', which attache cannot express; skipped (first here)")
        });
        s.transformations
            .report(p, un, |n| format!("{n} transformations ('~ …') are not supported; skipped (first here)"));
        let other = s.repeats_other_code;
        s.repeats.report(p, DictErrorKind::Duplicate, |n| {
            format!("{n} generated patterns repeat an earlier one ({other} of them with another code); the first is kept (first here)")
        });
        s.collapsed.report(p, un, |n| {
            format!("{n} pattern codes are not CAMEO codes and were read as their parent code (first here)")
        });
    }
}

/// The ways a synset is written in a pattern: one alternative token for
/// all one-word members and their plurals, then the multi-word members.
/// Members that differ only in their first word, or only in their last, are
/// folded into one sequence with an alternative there ("fighter|harrier
/// jet|jets"): the same phrases, fewer patterns.
fn synset_variants(s: &Synset) -> Variants {
    let mut singles: Vec<String> = Vec::new();
    let mut multis: Vec<(Vec<String>, bool)> = Vec::new();
    for (member, own_plural) in &s.members {
        let plural = s.plural && *own_plural;
        let norm = normalize_phrase(member);
        let words: Vec<String> = norm.split(' ').map(str::to_string).collect();
        if words.len() == 1 {
            for f in with_plural(&norm, plural) {
                if !singles.contains(&f) {
                    singles.push(f);
                }
            }
        } else if !multis.iter().any(|(w, p)| *w == words && *p == plural) {
            multis.push((words, plural));
        }
    }
    // Fold on the first word: members sharing everything after it.
    let mut by_rest: Vec<(Vec<String>, bool, Vec<String>)> = Vec::new();
    for (w, plural) in &multis {
        match by_rest.iter_mut().find(|(rest, p, _)| rest[..] == w[1..] && p == plural) {
            Some((_, _, firsts)) => firsts.push(w[0].clone()),
            None => by_rest.push((w[1..].to_vec(), *plural, vec![w[0].clone()])),
        }
    }
    // The members left alone, folded on the last word.
    let mut out: Variants = Vec::new();
    let mut by_head: Vec<(Vec<String>, bool, Vec<String>)> = Vec::new();
    for (rest, plural, firsts) in by_rest {
        if firsts.len() > 1 {
            let (last, middle) = rest.split_last().expect("two words or more");
            let mut seq = vec![alternatives(firsts)];
            seq.extend(middle.iter().map(|w| PatternToken::Word(w.as_str().into())));
            seq.push(alternatives(with_plural(last, plural)));
            out.push(seq);
            continue;
        }
        let mut head = firsts;
        head.extend(rest);
        let last = head.pop().expect("two words or more");
        match by_head.iter_mut().find(|(h, p, _)| *h == head && *p == plural) {
            Some((_, _, lasts)) => lasts.push(last),
            None => by_head.push((head, plural, vec![last])),
        }
    }
    for (head, plural, lasts) in by_head {
        let mut seq: Vec<PatternToken> = head.into_iter().map(|w| PatternToken::Word(w.into())).collect();
        let mut forms = Vec::new();
        for l in lasts {
            for f in with_plural(&l, plural) {
                if !forms.contains(&f) {
                    forms.push(f);
                }
            }
        }
        seq.push(alternatives(forms));
        out.push(seq);
    }
    if !singles.is_empty() {
        out.insert(0, vec![alternatives(singles)]);
    }
    out
}

/// A word and, when wanted, its one-word plurals. Words already ending in
/// `s` ("missiles", "arms") get none.
fn with_plural(w: &str, plural: bool) -> Vec<String> {
    let mut v = vec![w.to_string()];
    if plural && (!w.ends_with('s') || w.ends_with("ss")) {
        v.extend(plurals(w).into_iter().map(|p| p.to_lowercase()).filter(|p| !normalize_phrase(p).contains(' ')));
    }
    v
}

/// One word, or an alternative of several.
fn alternatives(mut ws: Vec<String>) -> PatternToken {
    if ws.len() == 1 {
        PatternToken::Word(ws.remove(0).into())
    } else {
        PatternToken::Alternatives(ws.into_iter().map(Into::into).collect())
    }
}

/// `--- LABEL [code] ---` → the code, if any.
fn block_code(line: &str) -> Result<Option<String>, String> {
    let Some(open) = line.find('[') else { return Ok(None) };
    let close = line[open..].find(']').map(|c| open + c).ok_or("block code without ']'")?;
    Ok(Some(line[open + 1..close].trim().to_string()))
}

/// `VERB {FORMS} [code]` → the verb's tokens, its code as written, and the
/// forms in braces (`Some(vec![])` for `{}`).
#[allow(clippy::type_complexity)]
fn parse_verb_line(line: &str) -> Result<(Vec<PatternToken>, Option<String>, Option<Vec<String>>), String> {
    let (rest, code) = match line.find('[') {
        Some(open) => {
            let close = line[open..].find(']').map(|c| open + c).ok_or("verb code without ']'")?;
            if !line[close + 1..].trim().is_empty() {
                return Err(format!("unexpected {:?} after the code", line[close + 1..].trim()));
            }
            (&line[..open], Some(line[open + 1..close].trim().to_string()))
        }
        None => (line, None),
    };
    let (spec, forms) = match rest.find('{') {
        Some(open) => {
            let close = rest[open..].find('}').map(|c| open + c).ok_or("verb forms without '}'")?;
            if !rest[close + 1..].trim().is_empty() {
                return Err(format!("unexpected {:?} after the verb forms", rest[close + 1..].trim()));
            }
            let mut forms = Vec::new();
            // A few lists separate the forms with commas as well.
            for f in rest[open + 1..close].split(|c: char| c.is_whitespace() || c == ',').filter(|f| !f.is_empty()) {
                let (tokens, _) = verb_tokens(f)?;
                if let Some(PatternToken::Verb(v)) = tokens.into_iter().find(|t| matches!(t, PatternToken::Verb(_))) {
                    forms.push(v.to_string());
                }
            }
            (rest[..open].trim(), Some(forms))
        }
        None => (rest.trim(), None),
    };
    if spec.split_whitespace().count() != 1 {
        return Err(format!("expected one verb, found {spec:?}"));
    }
    let (tokens, _) = verb_tokens(spec)?;
    Ok((tokens, code, forms))
}

/// `+CALL_OFF` → CALL off; `RE_+ARREST` → re ARREST; `RE-ACTIVATE` → re
/// ACTIVATE; `HURRY` → HURRY. Returns the tokens and the verb.
fn verb_tokens(spec: &str) -> Result<(Vec<PatternToken>, String), String> {
    let parts: Vec<&str> = spec.split('_').filter(|p| !p.is_empty()).collect();
    let marked: Vec<usize> = (0..parts.len()).filter(|&i| parts[i].starts_with('+')).collect();
    let at = match (marked.as_slice(), parts.len()) {
        (_, 0) => return Err(format!("no verb in {spec:?}")),
        ([], 1) => 0,
        ([], _) => return Err(format!("compound verb {spec:?} needs a '+' on the word that is the verb")),
        ([i], _) => *i,
        _ => return Err(format!("more than one '+' in {spec:?}")),
    };
    let mut tokens = Vec::new();
    let mut verb = String::new();
    for (i, p) in parts.iter().enumerate() {
        let p = p.trim_start_matches('+');
        let word_ok =
            |w: &str| !w.is_empty() && w.chars().all(|c| c.is_alphanumeric() || c == '\'' || c == '-' || c == '.');
        if !word_ok(p) {
            return Err(format!("bad word {p:?} in verb {spec:?}"));
        }
        if i != at {
            tokens.push(PatternToken::Word(p.to_lowercase().into()));
            continue;
        }
        // "RE-ACTIVATE": the last piece is the verb, the others literal words.
        let mut pieces: Vec<&str> = p.split('-').filter(|x| !x.is_empty()).collect();
        let v = pieces.pop().ok_or_else(|| format!("no verb in {spec:?}"))?;
        if !v.chars().all(char::is_alphabetic) {
            return Err(format!("verb {v:?} is not a word"));
        }
        tokens.extend(pieces.iter().map(|w| PatternToken::Word(w.to_lowercase().into())));
        verb = v.to_lowercase();
        tokens.push(PatternToken::Verb(verb.as_str().into()));
    }
    Ok((tokens, verb))
}

/// The part of a pattern after `*`, translated to a template: `Ok(None)`
/// when it uses a construct attache cannot express (`^`, `%`).
fn parse_post(post: &str) -> Result<Option<Vec<Tmpl>>, String> {
    // Split brackets off the words: "(TO" → "(", "TO".
    let mut toks: Vec<&str> = Vec::new();
    for w in post.split_whitespace() {
        let mut w = w;
        while let Some(r) = w.strip_prefix(['(', '{']) {
            toks.push(&w[..1]);
            w = r;
        }
        let mut closing = Vec::new();
        while let Some(r) = w.strip_suffix([')', '}']) {
            closing.push(&w[w.len() - 1..]);
            w = r;
        }
        if !w.is_empty() {
            toks.push(w);
        }
        toks.extend(closing.into_iter().rev());
    }
    let mut out = Vec::new();
    let mut depth: Vec<&str> = Vec::new();
    for t in toks {
        match t {
            "(" => {
                if depth.contains(&"{") {
                    return Err("'(' inside '{…}'".into());
                }
                depth.push("(");
            }
            "{" => {
                if depth.last() == Some(&"{") {
                    return Err("nested '{'".into());
                }
                depth.push("{");
                out.push(Tmpl::Token(PatternToken::Gap));
            }
            ")" | "}" => {
                let want = if t == ")" { "(" } else { "{" };
                if depth.pop() != Some(want) {
                    return Err(format!("unbalanced {t:?}"));
                }
            }
            "^" | "%" => return Ok(None),
            "+" => out.push(Tmpl::Token(PatternToken::Target)),
            "$" => out.push(Tmpl::Token(PatternToken::Source)),
            w => {
                if w.contains(['^', '%', '(', ')', '{', '}', '[', ']', '*']) {
                    return Err(format!("unexpected {w:?}"));
                }
                // Inside braces the words follow each other (the brace
                // opened one gap); elsewhere each word may follow a gap.
                if depth.last() != Some(&"{") {
                    out.push(Tmpl::Token(PatternToken::Gap));
                }
                out.push(literal(w)?);
            }
        }
    }
    if !depth.is_empty() {
        return Err("unclosed '(' or '{'".into());
    }
    out.dedup_by(|a, b| *a == Tmpl::Token(PatternToken::Gap) && *b == Tmpl::Token(PatternToken::Gap));
    Ok(Some(out))
}

/// One word of a pattern: `&SYN`, `TO/FOR`, `DEBT_RELIEF`, `SIT-IN`.
fn literal(w: &str) -> Result<Tmpl, String> {
    if let Some(name) = w.strip_prefix('&') {
        let name = name.strip_suffix('_').unwrap_or(name);
        if name.is_empty() {
            return Err("'&' without a synset name".into());
        }
        return Ok(Tmpl::Synset(name.to_string()));
    }
    if w.contains('/') {
        let alts: Vec<compact_str::CompactString> = w.split('/').map(|a| normalize_phrase(a).into()).collect();
        if alts.iter().all(|a| !a.is_empty() && !a.contains(' ')) {
            return Ok(Tmpl::Token(PatternToken::Alternatives(alts)));
        }
    }
    let words: Vec<String> = w.split('_').filter(|x| !x.is_empty()).map(str::to_lowercase).collect();
    if words.is_empty() || words.iter().any(|x| normalize_phrase(x).is_empty()) {
        return Err(format!("{w:?} has no word in it"));
    }
    Ok(Tmpl::Words(words))
}

/// A pattern in our own notation, for `attache parse` and duplicates.
fn render(tokens: &[PatternToken]) -> String {
    let mut out = String::new();
    for t in tokens {
        if !out.is_empty() {
            out.push(' ');
        }
        match t {
            PatternToken::Word(w) => out.push_str(w),
            PatternToken::Alternatives(a) => out.push_str(&a.join("|")),
            PatternToken::Optional(w) => {
                out.push_str(w);
                out.push('?');
            }
            PatternToken::Verb(v) => out.push_str(&v.to_uppercase()),
            PatternToken::Gap => out.push('*'),
            PatternToken::Target => out.push('+'),
            PatternToken::Source => out.push('$'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::Dictionaries;

    fn read_verbs(text: &str) -> (DictSource, Vec<DictError>) {
        let mut src = DictSource::default();
        let mut p = Vec::new();
        read(&mut src, &mut p, "t.verbs", text);
        (src, p)
    }

    fn patterns(s: &DictSource) -> Vec<(String, &str, usize)> {
        s.verbs.iter().map(|v| (v.text.clone(), v.code.as_str(), v.loc.line)).collect()
    }

    const GOOD: &str = "\
####### SYNONYM SETS #######
&GADGET
+WIDGET
+SPROCKET_
+FLUX_CAPACITOR

&FILLER_
+FOO
+BAR

####### VERB PATTERNS #######
---  ZORBLE   [040]  ---
ZORBLE
FLIMFLAM {FLIMFLAMS FLIMFLAMMED, FLAMFLIM FLIMFLAMMING} [042:043]
+WRAP_UP {+WRAPS_UP +WRAPPED_UP +WRAPPING_UP}
- * &GADGET                    [072]   # invented
- * (TO {NEW BORDER})           [154]
- * TO/FOR PROTEST + [141]
- * AID $ [070:071]

---  SNORKLE   [---]  ---
SNORKLE ;abc 1/1/91
RE_+SNORKLE
- * &FILLER (WITH +) [0214]
";

    #[test]
    fn blocks_become_patterns() {
        let (s, p) = read_verbs(GOOD);
        assert!(p.is_empty(), "{p:?}");
        let got = patterns(&s);
        let want: Vec<(&str, &str, usize)> = vec![
            ("ZORBLE", "040", 13),
            ("FLIMFLAM", "042", 14),
            ("WRAP up", "040", 15),
            ("ZORBLE * widget|widgets|sprocket", "072", 16),
            ("ZORBLE * flux capacitor|capacitors", "072", 16),
            ("FLIMFLAM * widget|widgets|sprocket", "072", 16),
            ("FLIMFLAM * flux capacitor|capacitors", "072", 16),
            ("WRAP up * widget|widgets|sprocket", "072", 16),
            ("WRAP up * flux capacitor|capacitors", "072", 16),
            ("ZORBLE * to * new border", "154", 17),
            ("FLIMFLAM * to * new border", "154", 17),
            ("WRAP up * to * new border", "154", 17),
            ("ZORBLE * to|for * protest +", "141", 18),
            ("FLIMFLAM * to|for * protest +", "141", 18),
            ("WRAP up * to|for * protest +", "141", 18),
            ("ZORBLE * aid $", "070", 19),
            ("FLIMFLAM * aid $", "070", 19),
            ("WRAP up * aid $", "070", 19),
            ("SNORKLE * foo|bar * with +", "0214", 24),
            ("re SNORKLE * foo|bar * with +", "0214", 24),
        ];
        let got: Vec<(&str, &str, usize)> = got.iter().map(|(t, c, l)| (t.as_str(), *c, *l)).collect();
        assert_eq!(got, want);
        // FLIMFLAM's written forms include one our rules would not make.
        assert_eq!(s.irregular.len(), 1);
        let (f, loc) = &s.irregular[0];
        assert_eq!(loc.line, 14);
        assert_eq!(f.base, ["flimflam"]);
        assert_eq!(f.past, ["flimflammed", "flamflim"]);
        assert_eq!(f.third, ["flimflams"]);
        assert_eq!(f.gerund, ["flimflamming"]);
        // And it all compiles.
        Dictionaries::compile(s).expect("compiles");
    }

    #[test]
    fn skipped_constructs_are_counted_once() {
        let text = "\
---  ZORBLE   [040]  ---
ZORBLE
- &GIZMO * [072]
- WIDGET * [072]
- * WIDGET [---]
- * SPROCKET [:072]
- * (FROM ^) [042]
- * AID [070]
- * AID [071]
~ a (a b ZORBLE) SAY = a b 015
";
        let (s, p) = read_verbs(text);
        assert_eq!(patterns(&s), [("ZORBLE".to_string(), "040", 2), ("ZORBLE * aid".to_string(), "070", 8)]);
        let got: Vec<(usize, bool, String)> = p.iter().map(|e| (e.line, e.is_warning(), e.kind.to_string())).collect();
        assert_eq!(got.len(), 6, "{got:?}");
        assert!(got.iter().all(|(_, w, _)| *w), "{got:?}");
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), [3, 5, 6, 7, 10, 9]);
        assert!(got[0].2.contains("2 patterns have words before the verb"), "{}", got[0].2);
        assert!(
            got[5].2.contains("1 generated patterns repeat an earlier one (1 of them with another code)"),
            "{}",
            got[5].2
        );
    }

    #[test]
    fn malformed_verb_lines_name_file_and_line() {
        let text = "\
ZORBLE
---  ZORBLE   [040]  ---
ZORBLE
ZORBLE_UP
FLIMFLAM [999]
FLIMFLAM {FLIMFLAMMED
- * WIDGET
- * (TO WIDGET [072]
- * &NOSUCH [072]
- WIDGET [072]
- * WIDGET [0721]
&
";
        let (s, p) = read_verbs(text);
        let got: Vec<(usize, &str)> = p
            .iter()
            .map(|e| {
                (
                    e.line,
                    match &e.kind {
                        DictErrorKind::Syntax(_) => "syntax",
                        DictErrorKind::UnknownCode(_) => "code",
                        DictErrorKind::Unreachable(_) => "unreachable",
                        _ => "other",
                    },
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (1, "syntax"),
                (4, "syntax"),
                (5, "code"),
                (6, "syntax"),
                (7, "syntax"),
                (8, "syntax"),
                (10, "syntax"),
                (12, "syntax"),
                (9, "syntax"),
                (11, "unreachable")
            ]
        );
        assert!(p.iter().all(|e| e.file == "t.verbs"));
        // 0721 is not a CAMEO code: read as its parent 072.
        assert_eq!(patterns(&s), [("ZORBLE".to_string(), "040", 3), ("ZORBLE * widget".to_string(), "072", 11)]);
    }

    #[test]
    fn synset_members_fold_into_alternatives() {
        let m = |w: &str, p: bool| (w.to_string(), p);
        let s = Synset {
            members: vec![
                m("GIZMO", true),
                m("FIGHTER JET", true),
                m("HARRIER JET", true),
                m("ZX-16", true),
                m("ZX 22", true),
                m("TEAR GAS", false),
                m("WIDGETS", true),
            ],
            plural: true,
        };
        let got: Vec<String> = synset_variants(&s).iter().map(|v| render(v)).collect();
        assert_eq!(got, ["gizmo|gizmos|widgets", "fighter|harrier jet|jets", "zx 16|16s|22|22s", "tear gas"]);
        let no_plurals = Synset { members: vec![m("GIZMO", true)], plural: false };
        assert_eq!(synset_variants(&no_plurals).iter().map(|v| render(v)).collect::<Vec<_>>(), ["gizmo"]);
    }

    #[test]
    fn verb_specs() {
        let v = |s: &str| render(&verb_tokens(s).unwrap().0);
        assert_eq!(v("HURRY"), "HURRY");
        assert_eq!(v("+CALL_OFF"), "CALL off");
        assert_eq!(v("RE_+ARREST"), "re ARREST");
        assert_eq!(v("RE-ACTIVATE"), "re ACTIVATE");
        assert_eq!(v("WIRE_+TAP"), "wire TAP");
        assert!(verb_tokens("CALL_OFF").is_err());
        assert!(verb_tokens("+CALL_+OFF").is_err());
    }
}
