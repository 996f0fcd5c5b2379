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

diesel::table! {
    accounts (id) {
        id -> Text,
        email -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        branch_code -> Nullable<Text>,
        volunteer_id -> Nullable<Text>,
        active -> Bool,
        must_change_password -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        account_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        account_id -> Text,
        name -> Text,
        token_hash -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        throttle_key -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        action -> Text,
        record_type -> Text,
        record_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        details -> Nullable<Text>,
    }
}

diesel::joinable!(accounts -> branches (branch_code));
diesel::joinable!(refresh_tokens -> accounts (account_id));
diesel::joinable!(api_tokens -> accounts (account_id));
diesel::allow_tables_to_appear_in_same_query!(
    branches,
    accounts,
    refresh_tokens,
    api_tokens,
    login_failures,
    audit_log
);
