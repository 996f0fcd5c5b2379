//! Phone numbers, normalised to E.164 once at the edge.
//!
//! Kazakh numbers are written many ways (`8 701 234 56 78`, `+7 (701) 234-56-78`,
//! `87012345678`); all of them are the same person, `+77012345678`.

/// Why a phone number was refused, as a rule code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneError {
    pub code: crate::error::ErrorCode,
    pub message: &'static str,
}

/// Normalises `raw` to E.164. Unless `foreign_allowed`, only Kazakh mobile
/// numbers (`+7 7xx ...`) are accepted.
pub fn normalize_phone(raw: &str, foreign_allowed: bool) -> Result<String, PhoneError> {
    let trimmed = raw.trim();
    let plus = trimmed.starts_with('+');
    let mut digits = String::with_capacity(16);
    for (index, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if index == 0 => {}
            ' ' | '-' | '(' | ')' | '.' | '\u{a0}' => {}
            _ => {
                return Err(PhoneError {
                    code: crate::error::ErrorCode::PhoneFormat,
                    message: "a phone number has digits, spaces, dashes and brackets only",
                });
            }
        }
    }
    // Domestic Kazakh forms: 8 7xx ... (trunk prefix 8) or 7 7xx ... without the plus.
    let e164 = match (plus, digits.len(), digits.chars().next()) {
        (false, 11, Some('8')) => format!("+7{}", &digits[1..]),
        (false, 11, Some('7')) => format!("+{digits}"),
        (false, 10, Some('7')) => format!("+7{digits}"),
        (true, 8..=15, Some('1'..='9')) => format!("+{digits}"),
        _ => {
            return Err(PhoneError {
                code: crate::error::ErrorCode::PhoneFormat,
                message: "not a phone number; write it as +7 7xx xxx xx xx",
            });
        }
    };
    // Mobile operators use 70x, 74x-77x; 71x-73x are landline area codes (7172 Astana).
    let kazakh_mobile = e164.len() == 12
        && e164.starts_with("+77")
        && matches!(e164.as_bytes().get(3), Some(b'0' | b'4' | b'5' | b'6' | b'7'));
    if !kazakh_mobile && !foreign_allowed {
        return Err(PhoneError {
            code: crate::error::ErrorCode::PhoneNotKazakhMobile,
            message: "a Kazakh mobile number (+7 7xx ...) is required unless foreign_phone is set",
        });
    }
    Ok(e164)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_kazakh_spellings_are_one_number() {
        for raw in
            ["8 701 234 56 78", "+7 (701) 234-56-78", "87012345678", "77012345678", "7012345678", " +77012345678 "]
        {
            assert_eq!(normalize_phone(raw, false).as_deref(), Ok("+77012345678"), "{raw}");
        }
    }

    #[test]
    fn other_numbers_need_the_override() {
        assert_eq!(
            normalize_phone("+7 7172 55 55 55", false).unwrap_err().code,
            crate::error::ErrorCode::PhoneNotKazakhMobile
        );
        assert_eq!(
            normalize_phone("+49 30 1234567", false).unwrap_err().code,
            crate::error::ErrorCode::PhoneNotKazakhMobile
        );
        assert_eq!(normalize_phone("+49 30 1234567", true).as_deref(), Ok("+49301234567"));
        for raw in ["", "abc", "+0 123 456 789", "123", "8701234567x", "++77012345678"] {
            assert!(normalize_phone(raw, true).is_err(), "{raw}");
        }
    }
}
