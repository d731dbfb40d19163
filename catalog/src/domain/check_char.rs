//! ISO/IEC 7064 MOD 37,36: the hybrid check-character system over the alphabet `0-9A-Z`.
//!
//! It detects every single-character substitution. It detects most, but not all, adjacent
//! transpositions: roughly one in six hundred swaps of two different characters goes unnoticed
//! (e.g. `45` ↔ `54` in the payload `31011500004567`,
//! both of which take the check character `V`), which the tests pin down.

const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const M: u32 = 36;

fn value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        _ => None,
    }
}

/// The check character for `s`, or `None` if `s` has a character outside `0-9A-Z`
/// (lowercase letters included).
pub fn mod37_36_check(s: &str) -> Option<char> {
    let mut p = M;
    for c in s.chars() {
        let mut sum = (p + value(c)?) % M;
        if sum == 0 {
            sum = M;
        }
        p = (sum * 2) % (M + 1);
    }
    // The check value c makes (p + c) ≡ 1 (mod 36).
    let check = (M + 1 - p) % M;
    Some(ALPHABET[check as usize] as char)
}

/// Whether the last character of `s_with_check` is the check character of the rest.
/// Empty strings and characters outside `0-9A-Z` are invalid.
pub fn mod37_36_valid(s_with_check: &str) -> bool {
    let mut chars = s_with_check.chars();
    let Some(last) = chars.next_back() else {
        return false;
    };
    mod37_36_check(chars.as_str()) == Some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    #[test]
    fn iso_7064_example() {
        assert_eq!(mod37_36_check("A12425GABC1234002"), Some('M'));
        assert!(mod37_36_valid("A12425GABC1234002M"));
        assert!(!mod37_36_valid("A12425GABC1234002N"));
    }

    #[test]
    fn resource_code_example() {
        assert_eq!(mod37_36_check("44030000000123"), Some('I'));
    }

    #[test]
    fn rejects_characters_outside_the_alphabet() {
        assert_eq!(mod37_36_check("a12"), None);
        assert_eq!(mod37_36_check("12-3"), None);
        assert_eq!(mod37_36_check("12 3"), None);
        assert_eq!(mod37_36_check("１２"), None);
        assert!(!mod37_36_valid("a12425GABC1234002M"));
        assert!(!mod37_36_valid(""));
    }

    #[test]
    fn empty_payload_has_a_check() {
        assert_eq!(mod37_36_check(""), Some('1'));
        assert!(mod37_36_valid("1"));
    }

    fn sample_with_check(s: &str) -> String {
        format!("{s}{}", mod37_36_check(s).unwrap())
    }

    #[test]
    fn every_single_substitution_is_detected() {
        for sample in [
            "A12425GABC1234002",
            "44030000000123",
            "11010100000001",
            "ZZZZ0000",
        ] {
            let full = sample_with_check(sample);
            assert!(mod37_36_valid(&full));
            let chars: Vec<char> = full.chars().collect();
            for i in 0..chars.len() {
                for c in ALL.chars().filter(|&c| c != chars[i]) {
                    let mut changed = chars.clone();
                    changed[i] = c;
                    let changed: String = changed.into_iter().collect();
                    assert!(!mod37_36_valid(&changed), "{changed} should be invalid");
                }
            }
        }
    }

    #[test]
    fn every_adjacent_transposition_of_samples_is_detected() {
        for sample in [
            "A12425GABC1234002",
            "44030000000123",
            "11010100000001",
            "51050000004321",
            "13063000098765",
        ] {
            let chars: Vec<char> = sample_with_check(sample).chars().collect();
            for i in 0..chars.len() - 1 {
                if chars[i] == chars[i + 1] {
                    continue;
                }
                let mut swapped = chars.clone();
                swapped.swap(i, i + 1);
                let swapped: String = swapped.into_iter().collect();
                assert!(!mod37_36_valid(&swapped), "{swapped} should be invalid");
            }
        }
    }

    #[test]
    fn some_transpositions_slip_through() {
        // A documented weakness of the hybrid system, not of this implementation.
        assert_eq!(mod37_36_check("FA023Y1PBFA360"), Some('6'));
        assert!(mod37_36_valid("FA023Y1PBFA3606"));
        assert!(mod37_36_valid("FA032Y1PBFA3606"));
        // Also within resource codes: 310115-00004567 and 310115-00005467 share the check V.
        assert_eq!(mod37_36_check("31011500004567"), Some('V'));
        assert_eq!(mod37_36_check("31011500005467"), Some('V'));
    }
}
