//! `*agents*.txt`: role words (`PHRASE {PLURAL} [~CODE]`) with
//! substitution markers (see the parent module for what is honoured).

use rustc_hash::FxHashMap;

use super::{strip_comment, unmatchable, words};
use crate::dict::source::{DictSource, Loc, RoleWord};
use crate::error::{DictError, DictErrorKind};

pub(crate) fn read(src: &mut DictSource, problems: &mut Vec<DictError>, file: &str, text: &str) {
    let file_loc = Loc::new(file, 0);
    let mut markers: FxHashMap<String, Vec<String>> = FxHashMap::default();
    for (n, raw) in text.lines().enumerate() {
        let loc = file_loc.at(n + 1);
        let line = strip_comment(raw).trim();
        if line.is_empty() || line.starts_with("<!") {
            continue;
        }
        let syntax = |msg: String| loc.error(DictErrorKind::Syntax(msg));
        if line.starts_with('!') && line.contains('=') && !line.contains('[') {
            match parse_marker(line) {
                Ok((name, values)) => {
                    markers.insert(name, values);
                }
                Err(msg) => problems.push(syntax(msg)),
            }
            continue;
        }
        let Some(open) = line.find('[') else {
            problems.push(syntax("agent without [CODE]".into()));
            continue;
        };
        let Some(close) = line[open..].find(']').map(|c| open + c) else {
            problems.push(syntax("agent code without ']'".into()));
            continue;
        };
        if !line[close + 1..].trim().is_empty() {
            problems.push(syntax(format!("unexpected {:?} after the code", line[close + 1..].trim())));
            continue;
        }
        let (role, prefix) = match parse_agent_code(line[open + 1..close].trim()) {
            Ok(r) => r,
            Err(e) => {
                problems.push(loc.error(e));
                continue;
            }
        };
        let head = line[..open].trim();
        let (phrase, plural) = match head.find('{') {
            None => (head, None),
            Some(b) => {
                let Some(e) = head[b..].find('}').map(|e| b + e) else {
                    problems.push(syntax("plural without '}'".into()));
                    continue;
                };
                if !head[e + 1..].trim().is_empty() {
                    problems.push(syntax(format!("unexpected {:?} after the plural", head[e + 1..].trim())));
                    continue;
                }
                (head[..b].trim(), Some(head[b + 1..e].trim()))
            }
        };
        if let Some(why) = unmatchable(phrase) {
            problems.push(loc.error(DictErrorKind::Unreachable(format!("{phrase:?} {why}"))));
            continue;
        }
        let push = |src: &mut DictSource, p: &str, plural: bool| {
            let phrase = words(p).map(str::to_lowercase).collect::<Vec<_>>().join(" ");
            if !phrase.is_empty() {
                src.roles.push(RoleWord { phrase, role: role.as_str().into(), prefix, plural, loc: loc.clone() });
            }
        };
        if phrase.contains('!') {
            match expand_marker(phrase, &markers) {
                // Every value is written out: no plurals are added.
                Ok(forms) => forms.iter().for_each(|f| push(src, f, false)),
                Err(msg) => problems.push(syntax(msg)),
            }
            continue;
        }
        if words(phrase).next().is_none() {
            problems.push(syntax("agent without a phrase".into()));
            continue;
        }
        match plural {
            None => push(src, phrase, true),
            Some(p) => {
                push(src, phrase, false);
                if !p.is_empty() {
                    push(src, p, false);
                }
            }
        }
    }
}

/// `!NAME! = a, b, c`.
fn parse_marker(line: &str) -> Result<(String, Vec<String>), String> {
    let rest = &line[1..];
    let close = rest.find('!').ok_or("substitution marker without closing '!'")?;
    let name = rest[..close].trim();
    let values = rest[close + 1..].trim().strip_prefix('=').ok_or("substitution marker without '='")?;
    let values: Vec<String> = values.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect();
    if name.is_empty() || values.is_empty() {
        return Err("empty substitution marker".into());
    }
    Ok((name.to_string(), values))
}

/// `~GOV` (after the actor code) or `IGO~` (before it). attache roles are
/// three letters: a longer code keeps its first role.
fn parse_agent_code(code: &str) -> Result<(String, bool), DictErrorKind> {
    let (c, prefix) = match (code.strip_prefix('~'), code.strip_suffix('~')) {
        (Some(c), None) => (c, false),
        (None, Some(c)) => (c, true),
        _ => return Err(DictErrorKind::UnknownCode(format!("agent code {code:?} is neither ~CODE nor CODE~"))),
    };
    if c.len() < 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(DictErrorKind::UnknownCode(format!(
            "agent code {code:?}: expected at least three capital letters"
        )));
    }
    Ok((c[..3].to_string(), prefix))
}

/// `FOREIGN_!MINIST!` → FOREIGN_MINISTER, FOREIGN_MINISTERS, … One marker,
/// at a word edge, defined earlier in the file.
fn expand_marker(phrase: &str, markers: &FxHashMap<String, Vec<String>>) -> Result<Vec<String>, String> {
    let a = phrase.find('!').expect("caller checked");
    let b = phrase[a + 1..]
        .find('!')
        .map(|b| a + 1 + b)
        .ok_or_else(|| format!("substitution marker without closing '!' in {phrase:?}"))?;
    let name = &phrase[a + 1..b];
    let (before, after) = (&phrase[..a], &phrase[b + 1..]);
    if after.contains('!') {
        return Err(format!("more than one substitution marker in {phrase:?}"));
    }
    let letter = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    if letter(before.chars().next_back()) && letter(after.chars().next()) {
        return Err(format!("substitution marker !{name}! inside a word in {phrase:?}"));
    }
    let values =
        markers.get(name).ok_or_else(|| format!("substitution marker !{name}! is not defined before this line"))?;
    Ok(values.iter().map(|v| format!("{before}{v}{after}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_agents(text: &str) -> (DictSource, Vec<DictError>) {
        let mut src = DictSource::default();
        let mut p = Vec::new();
        read(&mut src, &mut p, "t.agents.txt", text);
        (src, p)
    }

    #[test]
    fn agents_become_role_words() {
        let text = "\
<!-- invented agents -->
!WORKER! = ZORBMAN, ZORBMEN, ZORBER
!MINIST! = MINISTER, MINISTRY
WIDGET_INSPECTOR [~COP] # jx 01 Jan 2001
HEAD_OF_WIDGETS {HEADS_OF_WIDGETS} [~GOV]
WIDGET_POLICE {} [~COP]
GLOBAL_WATCHERS_IN [IGO~]
CHIEF!WORKER! [~LAB]
!MINIST! OF_WIDGETS [~GOVBUS]
";
        let (s, p) = read_agents(text);
        assert!(p.is_empty(), "{p:?}");
        let got: Vec<(&str, &str, bool, bool, usize)> =
            s.roles.iter().map(|r| (r.phrase.as_str(), r.role.as_str(), r.prefix, r.plural, r.loc.line)).collect();
        assert_eq!(
            got,
            [
                ("widget inspector", "COP", false, true, 4),
                ("head of widgets", "GOV", false, false, 5),
                ("heads of widgets", "GOV", false, false, 5),
                ("widget police", "COP", false, false, 6),
                ("global watchers in", "IGO", true, true, 7),
                ("chiefzorbman", "LAB", false, false, 8),
                ("chiefzorbmen", "LAB", false, false, 8),
                ("chiefzorber", "LAB", false, false, 8),
                ("minister of widgets", "GOV", false, false, 9),
                ("ministry of widgets", "GOV", false, false, 9),
            ]
        );
    }

    #[test]
    fn malformed_agents_name_file_and_line() {
        let text = "\
WIDGETEER
!UNDEFINED!_OF_WIDGETS [~GOV]
!MINIST! = MINISTER, MINISTRY
AD!MINIST!RATOR [~GOV]
WIDGET_BOARD [~ENV}
WIDGET_BOARD [ENV]
WIDGET_FAIRY {WIDGET_FAIRIES [~CVL]
WIDGET_GUILD [~lab]
WIDGET_PÃŠBLICO [~GOV]
WIDGET_SMITH [~BUS] [~LAB]
WIDGET_MAKER [~BUS]
";
        let (s, p) = read_agents(text);
        let got: Vec<(usize, bool)> = p.iter().map(|e| (e.line, e.is_warning())).collect();
        assert_eq!(
            got,
            [
                (1, false),
                (2, false),
                (4, false),
                (5, false),
                (6, false),
                (7, false),
                (8, false),
                (9, true),
                (10, false)
            ]
        );
        assert!(p.iter().all(|e| e.file == "t.agents.txt"));
        assert!(matches!(p[4].kind, DictErrorKind::UnknownCode(_)));
        assert_eq!(s.roles.iter().map(|r| r.phrase.as_str()).collect::<Vec<_>>(), ["widget maker"]);
    }
}
