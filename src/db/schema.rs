//! Table definitions shared by both backends. Only SQL types that diesel's
//! MultiConnection supports appear here: UUIDs are `Text`, UTC instants are
//! `Timestamp` (converted to `DateTime<Utc>` at the DTO edge).

diesel::table! {
    branches (code) {
        code -> Text,
        kind -> Text,
        name_kk -> Text,
        name_ru -> Text,
        name_en -> Text,
        centre_kk -> Text,
        centre_ru -> Text,
        centre_en -> Text,
        timezone -> Text,
        office_address -> Nullable<Text>,
        phone -> Nullable<Text>,
        head_coordinator -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}
