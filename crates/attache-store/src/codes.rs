//! Country codes packed into integers for the dyad index: `RUS`, `IGOUNO`
//! → a base-37 number (A–Z, 0–9), so the index compares integers and its
//! entries stay small. Order is kept within codes of the same length.

/// `None` for an empty code, one longer than 6, or a character outside
/// A–Z and 0–9 (such a country is not indexed as a country).
pub(crate) fn pack(code: &str) -> Option<i64> {
    if code.is_empty() || code.len() > 6 {
        return None;
    }
    let mut n: i64 = 0;
    for b in code.bytes() {
        let d = match b {
            b'A'..=b'Z' => b - b'A' + 1,
            b'0'..=b'9' => b - b'0' + 27,
            _ => return None,
        };
        n = n * 37 + d as i64;
    }
    Some(n)
}

pub(crate) fn unpack(mut n: i64) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let d = (n % 37) as u8;
        out.push(if d <= 26 { b'A' + d - 1 } else { b'0' + d - 27 });
        n /= 37;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for c in ["RUS", "USA", "JPN", "IGOUNO", "IGOWST", "A", "ZZZ999", "X1"] {
            assert_eq!(unpack(pack(c).unwrap()), c);
        }
        assert_eq!(pack("rus"), None);
        assert_eq!(pack("TOOLONG"), None);
        assert_eq!(pack(""), None);
        assert!(pack("JPN") < pack("RUS"));
    }
}
