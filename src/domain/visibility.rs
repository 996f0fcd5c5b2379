//! What a caller may see of a record's personal data: names, phones, emails,
//! birth dates, contact persons and free text that may name people. Decided here,
//! and only here; the response shapes ask [`Visibility`] field by field.

use crate::domain::role::Role;

/// How much of a record a caller sees, once it may read the record at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Everything, personal data included: staff and volunteers.
    Full,
    /// The record without personal data: observers and anonymous callers.
    WithoutPersonalData,
}

impl Visibility {
    /// The visibility of a caller with `role`; `None` is an anonymous caller.
    pub fn of(role: Option<Role>) -> Self {
        match role {
            Some(Role::Admin | Role::Coordinator | Role::Volunteer) => Self::Full,
            Some(Role::Observer) | None => Self::WithoutPersonalData,
        }
    }

    pub fn shows_personal_data(self) -> bool {
        self == Self::Full
    }

    /// `value` when personal data is shown, `None` otherwise.
    pub fn personal<T>(self, value: Option<T>) -> Option<T> {
        value.filter(|_| self.shows_personal_data())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observers_and_anonymous_callers_never_see_personal_data() {
        assert_eq!(Visibility::of(None).personal(Some("Айгерім")), None);
        assert_eq!(Visibility::of(Some(Role::Observer)).personal(Some("Айгерім")), None);
        for role in [Role::Admin, Role::Coordinator, Role::Volunteer] {
            assert_eq!(Visibility::of(Some(role)).personal(Some("Айгерім")), Some("Айгерім"));
        }
    }
}
