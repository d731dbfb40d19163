//! Checks on the identity a real-name objector gives (实名异议): a citizen identity number or an
//! organization's USCC, and a way to reach them.

use super::Uscc;

/// GB 11643 citizen identity number: 17 digits and an ISO 7064 MOD 11-2 check character.
pub fn is_resident_id(s: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18 || !chars[..17].iter().all(char::is_ascii_digit) {
        return false;
    }
    let sum: u32 = chars[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    chars[17].to_ascii_uppercase() == check
}

/// A person's identity number or an organization's USCC, either with a valid check character.
pub fn is_objector_id(s: &str) -> bool {
    is_resident_id(s) || Uscc::parse(s).is_ok()
}

/// A phone number (at least 7 digits) or an e-mail address.
pub fn is_contact(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let email = s
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
    email || digits >= 7
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_ids_need_their_check_character() {
        assert!(is_resident_id("510502199001010018"));
        assert!(!is_resident_id("510502199001010011"));
        assert!(is_resident_id("11010519491231002X"));
        assert!(is_resident_id("11010519491231002x"));
        assert!(!is_resident_id("1101051949123100"));
        assert!(is_objector_id("91510000000000005Q"));
        assert!(!is_objector_id("张三"));
    }

    #[test]
    fn contacts_are_phones_or_mail() {
        assert!(is_contact("13900000000"));
        assert!(is_contact("a@b.cn"));
        assert!(!is_contact("明天联系"));
    }
}
