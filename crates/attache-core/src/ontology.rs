//! The CAMEO event ontology: typed codes and the facts each code carries
//! (Goldstein score, QuadClass, PLOVER category).
//!
//! The table is `dictionaries/cameo.txt`, embedded at compile time: it is the
//! standard, not something a user edits, so every binary carries the same one.

use std::fmt;

use rustc_hash::FxHashMap;
use serde::{Serialize, Serializer};

use crate::error::{DictError, DictErrorKind};

const CAMEO_TABLE: &str = include_str!("../../../dictionaries/cameo.txt");

/// A CAMEO event code: two to four ASCII digits, validated against the
/// ontology when it is parsed. Stored inline, so copying one is free.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CameoCode {
    digits: [u8; 4],
    len: u8,
}

impl CameoCode {
    /// Parses the shape only (2–4 digits, root 01–20); use
    /// [`Ontology::code`] to also check that the code exists.
    pub fn parse_shape(s: &str) -> Option<CameoCode> {
        let b = s.as_bytes();
        if !(2..=4).contains(&b.len()) || !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let root = (b[0] - b'0') * 10 + (b[1] - b'0');
        if !(1..=20).contains(&root) {
            return None;
        }
        let mut digits = [0u8; 4];
        digits[..b.len()].copy_from_slice(b);
        Some(CameoCode { digits, len: b.len() as u8 })
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.digits[..self.len as usize]).expect("ascii digits")
    }

    /// Whether the code is `prefix` or one of its descendants ("0841"
    /// starts with "084"), compared as bytes.
    pub fn starts_with(&self, prefix: &str) -> bool {
        self.digits[..self.len as usize].starts_with(prefix.as_bytes())
    }

    /// The two-digit root ("125" → "12").
    pub fn root(&self) -> CameoCode {
        CameoCode { digits: [self.digits[0], self.digits[1], 0, 0], len: 2 }
    }

    pub fn root_number(&self) -> u8 {
        (self.digits[0] - b'0') * 10 + (self.digits[1] - b'0')
    }

    /// The parent code ("0231" → "023", "023" → "02"); a root is its own parent.
    pub fn parent(&self) -> CameoCode {
        let len = if self.len > 2 { self.len - 1 } else { 2 };
        let mut digits = [0u8; 4];
        digits[..len as usize].copy_from_slice(&self.digits[..len as usize]);
        CameoCode { digits, len }
    }
}

impl fmt::Display for CameoCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CameoCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CameoCode({})", self.as_str())
    }
}

impl Serialize for CameoCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What the ontology says about one code.
#[derive(Clone, Debug)]
pub struct CodeInfo {
    pub code: CameoCode,
    pub name: String,
    pub goldstein: f32,
    pub quad_class: u8,
    /// PLOVER event category; `None` for roots 01 and 02, which PLOVER does not code.
    pub plover: Option<String>,
    pub plover_mode: Option<String>,
    pub plover_context: Option<String>,
    /// The event-type fields of a record of this code as JSON, from
    /// `,"cameo":` to the Goldstein score: the same for every event of
    /// the code, so written once here and copied into each record.
    pub record_json: Box<[u8]>,
}

/// Every CAMEO code with its facts. Built once; read-only afterwards.
#[derive(Debug)]
pub struct Ontology {
    codes: FxHashMap<CameoCode, CodeInfo>,
}

impl Ontology {
    /// The ontology embedded in the binary.
    pub fn embedded() -> Ontology {
        Ontology::parse(CAMEO_TABLE, "cameo.txt").expect("the embedded CAMEO table is valid")
    }

    pub fn parse(text: &str, file: &str) -> Result<Ontology, DictError> {
        let mut codes = FxHashMap::default();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let err = |msg: String| DictError::new(file, n + 1, DictErrorKind::Syntax(msg));
            let f: Vec<&str> = line.split('|').map(str::trim).collect();
            if f.len() != 7 {
                return Err(err(format!("expected 7 fields, found {}", f.len())));
            }
            let code = CameoCode::parse_shape(f[0]).ok_or_else(|| err(format!("bad CAMEO code {:?}", f[0])))?;
            let goldstein = f[1].parse().map_err(|_| err(format!("bad Goldstein score {:?}", f[1])))?;
            let quad_class = f[2].parse().map_err(|_| err(format!("bad QuadClass {:?}", f[2])))?;
            let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
            let plover = opt(f[3]);
            let mut record_json = Vec::new();
            crate::output::write_type_fields(
                code.as_str(),
                &code.as_str()[..2],
                plover.as_deref(),
                quad_class,
                goldstein,
                &mut record_json,
            );
            codes.insert(
                code,
                CodeInfo {
                    code,
                    name: f[6].to_string(),
                    goldstein,
                    quad_class,
                    plover,
                    plover_mode: opt(f[4]),
                    plover_context: opt(f[5]),
                    record_json: record_json.into(),
                },
            );
        }
        Ok(Ontology { codes })
    }

    /// The code, if the ontology has it.
    pub fn code(&self, s: &str) -> Option<CameoCode> {
        CameoCode::parse_shape(s).filter(|c| self.codes.contains_key(c))
    }

    pub fn info(&self, code: CameoCode) -> &CodeInfo {
        // Codes are only constructed through `code`, so they are present;
        // fall back to the root for codes built by arithmetic on digits.
        self.codes.get(&code).or_else(|| self.codes.get(&code.root())).expect("CAMEO codes come from the ontology")
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The refusal a cooperative code becomes when it is negated in the
    /// future ("Iran will not renegotiate the deal", "Syria will not accept
    /// more refugees"): CAMEO's 12x family mirrors 03–08. Other codes stay
    /// as they are.
    pub fn refusal_of(&self, code: CameoCode) -> CameoCode {
        let s = code.as_str();
        let three = &s[..s.len().min(3)];
        let mapped = match code.root_number() {
            3 | 5 => "120",
            4 => match three {
                "045" => "126",
                _ => "125",
            },
            6 => match three {
                "061" => "1211",
                "062" => "1212",
                _ => "121",
            },
            7 => match three {
                "071" => "1221",
                "072" => "1222",
                "073" => "1223",
                "074" => "1224",
                _ => "122",
            },
            8 => match three {
                "081" => "1241",
                "082" => "1242",
                "083" => "123",
                "084" => "1243",
                "085" => "1244",
                "086" => "1245",
                "087" => "1246",
                _ => "124",
            },
            _ => return code,
        };
        self.code(mapped).unwrap_or(code)
    }

    /// The intent code a cooperative or forceful code becomes when the verb
    /// is in the future or governed by an intent verb ("will visit",
    /// "plans to send aid"): CAMEO's 03x family mirrors 04–08, and future
    /// force is a threat. Codes with no intent counterpart stay as they are.
    pub fn intent_of(&self, code: CameoCode) -> CameoCode {
        let s = code.as_str();
        let three = &s[..s.len().min(3)];
        let mapped = match code.root_number() {
            4 => match three {
                "045" => "039",
                _ => "036",
            },
            5 => "032",
            6 => match three {
                "061" => "0311",
                "062" => "0312",
                "063" => "0313",
                "064" => "0314",
                _ => "031",
            },
            7 => match three {
                "071" => "0331",
                "072" => "0332",
                "073" => "0333",
                "074" => "0334",
                _ => "033",
            },
            8 => match three {
                "081" => "0351",
                "082" => "0352",
                "083" => "034",
                "084" => "0353",
                "085" => "0354",
                "086" => "0355",
                "087" => "0356",
                _ => "035",
            },
            16 => "131",
            17 => "137",
            18..=20 => "138",
            _ => return code,
        };
        self.code(mapped).unwrap_or(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each code's record fragment is what `serde_json` writes for those
    /// fields, field by field, in the record's order.
    #[test]
    fn record_json_is_serde_jsons_for_every_code() {
        let o = Ontology::embedded();
        fn json(v: impl serde::Serialize) -> String {
            serde_json::to_string(&v).unwrap()
        }
        for info in o.codes.values() {
            let c = info.code.as_str();
            let want = format!(
                ",\"cameo\":{},\"root\":{},\"plover\":{},\"quad_class\":{},\"goldstein\":{}",
                json(c),
                json(&c[..2]),
                json(&info.plover),
                json(&info.quad_class),
                json(&info.goldstein)
            );
            assert_eq!(std::str::from_utf8(&info.record_json).unwrap(), want, "{c}");
        }
        assert!(o.len() > 200);
    }

    #[test]
    fn embedded_table_has_every_root_with_facts() {
        let o = Ontology::embedded();
        assert!(o.len() > 300, "{}", o.len());
        for r in 1..=20 {
            let c = o.code(&format!("{r:02}")).unwrap();
            assert_eq!(o.info(c).code, c);
        }
        let c = o.code("125").unwrap();
        assert_eq!(c.root().as_str(), "12");
        assert_eq!(o.info(c).plover.as_deref(), Some("REJECT"));
        assert_eq!(o.info(o.code("010").unwrap()).plover, None);
        assert_eq!(o.info(o.code("112").unwrap()).goldstein, -4.0);
    }

    #[test]
    fn shapes_outside_the_standard_are_refused() {
        let o = Ontology::embedded();
        for bad in ["", "1", "21", "00", "12345", "1a", "999"] {
            assert!(o.code(bad).is_none(), "{bad}");
        }
        assert_eq!(CameoCode::parse_shape("0231").unwrap().parent().as_str(), "023");
    }

    #[test]
    fn intent_mirrors_cooperation_and_turns_force_into_threat() {
        let o = Ontology::embedded();
        let m = |s: &str| o.intent_of(o.code(s).unwrap()).to_string();
        assert_eq!(m("042"), "036");
        assert_eq!(m("073"), "0333");
        assert_eq!(m("190"), "138");
        assert_eq!(m("111"), "111");
        assert_eq!(m("0841"), "0353");
        assert_eq!(m("0871"), "0356");
        assert_eq!(m("045"), "039");
    }
}
