//! Password rules, checked before anything is hashed.

use crate::error::{ErrorCode, FieldError};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// The rules a new password must meet, as field errors on `field`.
pub fn check_new_password(field: &str, password: &str, email: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(FieldError::new(
            field,
            ErrorCode::TooShort,
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(FieldError::new(
            field,
            ErrorCode::TooLong,
            format!("a password has at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Err(FieldError::new(field, ErrorCode::EqualsEmail, "the password must not be the email address"));
    }
    Ok(())
}

/// An email address in the form it is stored and compared: trimmed, lower-case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}
