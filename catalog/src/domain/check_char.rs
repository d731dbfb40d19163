//! ISO/IEC 7064 MOD 37,36 (hybrid system): one check character over 0-9A-Z that catches every single
//! substitution and every adjacent transposition.

const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const M: u32 = 36;

fn value(c: char) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a as char == c)
        .map(|p| p as u32)
}

/// The check character for `s`; `None` if `s` has a character outside 0-9A-Z.
pub fn mod37_36_check(s: &str) -> Option<char> {
    let mut p = M;
    for c in s.chars() {
        let mut t = (p + value(c)?) % M;
        if t == 0 {
            t = M;
        }
        p = (2 * t) % (M + 1);
    }
    let check = (M + 1 - p) % M;
    Some(ALPHABET[check as usize] as char)
}

/// True when the last character is the correct check character for the rest.
pub fn mod37_36_valid(with_check: &str) -> bool {
    let mut chars = with_check.chars();
    let Some(last) = chars.next_back() else {
        return false;
    };
    mod37_36_check(chars.as_str()) == Some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_substitutions_and_transpositions() {
        let base = "44030000000123";
        let full = format!("{base}{}", mod37_36_check(base).unwrap());
        assert!(mod37_36_valid(&full));
        let chars: Vec<char> = full.chars().collect();
        for i in 0..chars.len() {
            for c in ALPHABET.iter().map(|&b| b as char) {
                if c != chars[i] {
                    let mut v = chars.clone();
                    v[i] = c;
                    assert!(
                        !mod37_36_valid(&v.iter().collect::<String>()),
                        "substitution at {i}"
                    );
                }
            }
            if i + 1 < chars.len() && chars[i] != chars[i + 1] {
                let mut v = chars.clone();
                v.swap(i, i + 1);
                assert!(
                    !mod37_36_valid(&v.iter().collect::<String>()),
                    "transposition at {i}"
                );
            }
        }
        assert_eq!(mod37_36_check("a1"), None);
    }
}
