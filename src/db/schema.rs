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
        /// Set from `timezone` by the server after migrating (`db::report_days`).
        utc_offset_minutes -> Nullable<Integer>,
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
        token_epoch -> Integer,
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
        family_started_at -> Timestamp,
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
    throttle_events (id) {
        id -> Text,
        throttle_key -> Text,
        at -> Timestamp,
        subject -> Nullable<Text>,
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
        chain_seq -> Nullable<BigInt>,
        prev_hash -> Nullable<Text>,
        hash -> Nullable<Text>,
    }
}

diesel::table! {
    audit_chain (id) {
        id -> Integer,
        last_seq -> BigInt,
        last_hash -> Text,
        anchor_seq -> BigInt,
        anchor_hash -> Text,
    }
}

diesel::table! {
    localities (id) {
        id -> Text,
        branch_code -> Text,
        parent_id -> Nullable<Text>,
        kind -> Text,
        name_kk -> Text,
        name_ru -> Text,
        population -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    member_organisations (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        branch_code -> Nullable<Text>,
        bin -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    volunteers (id) {
        id -> Text,
        branch_code -> Text,
        locality_id -> Nullable<Text>,
        full_name -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        birth_date -> Nullable<Date>,
        guardian_name -> Nullable<Text>,
        search_text -> Nullable<Text>,
        languages -> Text,
        skills -> Text,
        member_organisation_id -> Nullable<Text>,
        youth_wing -> Bool,
        availability -> Nullable<Text>,
        status -> Text,
        consent_at -> Timestamp,
        consent_version -> Text,
        guardian_consent_at -> Nullable<Timestamp>,
        source -> Text,
        anonymised_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    shift_requests (volunteer_id) {
        volunteer_id -> Text,
        shift_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (scope, idempotency_key) {
        scope -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status_code -> Integer,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        branch_code -> Text,
        locality_id -> Nullable<Text>,
        kind -> Text,
        title -> Text,
        description -> Nullable<Text>,
        venue -> Nullable<Text>,
        address -> Nullable<Text>,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        status -> Text,
        cancel_reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    event_page_versions (branch_code) {
        branch_code -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    shifts (id) {
        id -> Text,
        event_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        capacity -> Integer,
        required_skill -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        cancelled_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
    }
}

diesel::table! {
    assignments (id) {
        id -> Text,
        shift_id -> Text,
        volunteer_id -> Text,
        status -> Text,
        shift_starts_at -> Timestamp,
        shift_ends_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    calendar_tokens (account_id) {
        account_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    routes (id) {
        id -> Text,
        branch_code -> Text,
        locality_id -> Text,
        event_id -> Nullable<Text>,
        shift_id -> Nullable<Text>,
        name -> Text,
        status -> Text,
        stops_total -> Integer,
        stops_visited -> Integer,
        visits_count -> Integer,
        doors_knocked -> Integer,
        conversations -> Integer,
        materials_left -> Integer,
        last_activity_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    route_stops (id) {
        id -> Text,
        route_id -> Text,
        position -> Integer,
        street -> Text,
        building -> Text,
        entrance -> Nullable<Text>,
        doors -> Integer,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        access_notes -> Nullable<Text>,
        visits_count -> Integer,
        first_visited_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    route_assignees (route_id, volunteer_id) {
        route_id -> Text,
        volunteer_id -> Text,
        created_at -> Timestamp,
        unassigned_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    visits (id) {
        id -> Text,
        route_id -> Text,
        stop_id -> Text,
        volunteer_id -> Nullable<Text>,
        recorded_by -> Text,
        visited_at -> Timestamp,
        doors_knocked -> Integer,
        conversations -> Integer,
        not_at_home -> Integer,
        refused -> Integer,
        materials_left -> Integer,
        question_topics -> Text,
        question_text -> Nullable<Text>,
        note -> Nullable<Text>,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        received_at -> Timestamp,
    }
}

diesel::table! {
    organisations (id) {
        id -> Text,
        branch_code -> Text,
        locality_id -> Nullable<Text>,
        name_kk -> Text,
        name_ru -> Text,
        bin -> Text,
        sector -> Text,
        employee_count -> Integer,
        address -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    meetings (event_id) {
        event_id -> Text,
        organisation_id -> Nullable<Text>,
        status -> Text,
        proposed_starts_at -> Timestamp,
        proposed_ends_at -> Timestamp,
        cancel_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    meeting_speakers (id) {
        id -> Text,
        meeting_id -> Text,
        volunteer_id -> Nullable<Text>,
        assignment_id -> Nullable<Text>,
        figure_name -> Nullable<Text>,
        figure_kind -> Nullable<Text>,
        member_organisation_id -> Nullable<Text>,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    meeting_reports (meeting_id) {
        meeting_id -> Text,
        attendance -> Integer,
        attendance_confirmed -> Bool,
        materials_handed_out -> Integer,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    report_questions (id) {
        id -> Text,
        meeting_id -> Text,
        topic -> Text,
        text -> Nullable<Text>,
    }
}

diesel::table! {
    follow_ups (id) {
        id -> Text,
        meeting_id -> Text,
        what -> Text,
        owner -> Text,
        due_date -> Date,
        done -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    materials (id) {
        id -> Text,
        code -> Text,
        title_kk -> Text,
        title_ru -> Text,
        kind -> Text,
        language -> Text,
        format -> Nullable<Text>,
        pages -> Nullable<Integer>,
        print_run -> Nullable<Text>,
        active -> Bool,
        reorder_level -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    stock_movements (id) {
        id -> Text,
        kind -> Text,
        material_id -> Text,
        branch_code -> Text,
        to_branch_code -> Nullable<Text>,
        volunteer_id -> Nullable<Text>,
        quantity -> Integer,
        direction -> Nullable<Text>,
        reason -> Nullable<Text>,
        note -> Nullable<Text>,
        reverses_id -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
        visit_id -> Nullable<Text>,
        meeting_id -> Nullable<Text>,
        event_id -> Nullable<Text>,
        placement_id -> Nullable<Text>,
    }
}

diesel::table! {
    stock_balances (branch_code, material_id) {
        branch_code -> Text,
        material_id -> Text,
        quantity -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    volunteer_holdings (volunteer_id, material_id) {
        volunteer_id -> Text,
        material_id -> Text,
        branch_code -> Text,
        quantity -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    poster_sites (id) {
        id -> Text,
        branch_code -> Text,
        locality_id -> Text,
        address -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        kind -> Text,
        capacity -> Integer,
        decision_body -> Text,
        decision_number -> Text,
        decision_date -> Date,
        status -> Text,
        current_posters -> Integer,
        last_checked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    poster_placements (id) {
        id -> Text,
        site_id -> Text,
        branch_code -> Text,
        material_id -> Text,
        quantity -> Integer,
        placed_at -> Timestamp,
        placed_by -> Nullable<Text>,
        event_id -> Nullable<Text>,
        status -> Text,
        replaces_id -> Nullable<Text>,
        replaced_by_id -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    poster_placement_changes (id) {
        id -> Text,
        placement_id -> Text,
        status -> Text,
        at -> Timestamp,
        volunteer_id -> Nullable<Text>,
        recorded_by -> Text,
        note -> Nullable<Text>,
        photo_ref -> Nullable<Text>,
        received_at -> Timestamp,
    }
}

diesel::joinable!(accounts -> branches (branch_code));
diesel::joinable!(refresh_tokens -> accounts (account_id));
diesel::joinable!(api_tokens -> accounts (account_id));
diesel::joinable!(volunteers -> branches (branch_code));
diesel::joinable!(localities -> branches (branch_code));
diesel::joinable!(shifts -> events (event_id));
diesel::joinable!(assignments -> shifts (shift_id));
diesel::joinable!(assignments -> volunteers (volunteer_id));
diesel::joinable!(route_stops -> routes (route_id));
diesel::joinable!(route_assignees -> routes (route_id));
diesel::table! {
    social_posts (id) {
        id -> Text,
        branch_code -> Text,
        author_volunteer_id -> Nullable<Text>,
        recorded_by -> Text,
        platform -> Text,
        url -> Text,
        published_at -> Timestamp,
        language -> Text,
        topics -> Text,
        reach_taken_at -> Nullable<Timestamp>,
        views -> Nullable<BigInt>,
        reactions -> Nullable<BigInt>,
        shares -> Nullable<BigInt>,
        comments -> Nullable<BigInt>,
        removed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    social_reach_snapshots (id) {
        id -> Text,
        post_id -> Text,
        taken_at -> Timestamp,
        views -> BigInt,
        reactions -> BigInt,
        shares -> BigInt,
        comments -> BigInt,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    talking_points (id) {
        id -> Text,
        draft -> Text,
        topics -> Text,
        published_version -> Nullable<Integer>,
        published_at -> Nullable<Timestamp>,
        published -> Nullable<Text>,
        published_topics -> Text,
        retired_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    /// Visits summed per branch and branch-local day (`YYYY-MM-DD`), kept with
    /// the visits (see `db::reports`).
    visit_days (branch_code, day) {
        branch_code -> Text,
        day -> Text,
        visits -> BigInt,
        doors_knocked -> BigInt,
        conversations -> BigInt,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        seq -> Nullable<BigInt>,
        resource_type -> Text,
        resource_id -> Text,
        operation -> Text,
        subject_id -> Nullable<Text>,
        at -> Timestamp,
        /// The audit action behind the change (none before webhooks came).
        action -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        url -> Text,
        description -> Text,
        event_types -> Text,
        secret -> Text,
        active -> Bool,
        consecutive_failures -> Integer,
        disabled_reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        outbox_seq -> BigInt,
        event_type -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        claimed_until -> Nullable<Timestamp>,
        last_attempt_at -> Nullable<Timestamp>,
        last_response_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_state (id) {
        id -> Integer,
        fanned_out_through -> BigInt,
    }
}

diesel::table! {
    /// Hand-outs, net of counter-movements, per branch, local day and material
    /// (see `db::reports`).
    hand_out_days (branch_code, day, material_id) {
        branch_code -> Text,
        day -> Text,
        material_id -> Text,
        quantity -> BigInt,
    }
}

diesel::table! {
    outbox_state (id) {
        id -> Integer,
        last_seq -> BigInt,
        pruned_through -> BigInt,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(visits -> routes (route_id));
diesel::joinable!(routes -> localities (locality_id));
diesel::joinable!(meetings -> events (event_id));
diesel::joinable!(meetings -> organisations (organisation_id));
diesel::joinable!(follow_ups -> meetings (meeting_id));
diesel::joinable!(stock_movements -> materials (material_id));
diesel::joinable!(stock_movements -> volunteers (volunteer_id));
diesel::joinable!(stock_balances -> materials (material_id));
diesel::joinable!(volunteer_holdings -> volunteers (volunteer_id));
diesel::joinable!(volunteer_holdings -> materials (material_id));
diesel::joinable!(poster_sites -> localities (locality_id));
diesel::joinable!(poster_placements -> poster_sites (site_id));
diesel::joinable!(poster_placements -> materials (material_id));
diesel::joinable!(poster_placement_changes -> poster_placements (placement_id));
diesel::joinable!(poster_placements -> volunteers (placed_by));
diesel::joinable!(social_posts -> volunteers (author_volunteer_id));
diesel::joinable!(social_reach_snapshots -> social_posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(
    branches,
    event_page_versions,
    shift_requests,
    accounts,
    refresh_tokens,
    api_tokens,
    throttle_events,
    audit_log,
    localities,
    member_organisations,
    volunteers,
    idempotency_keys,
    events,
    shifts,
    assignments,
    calendar_tokens,
    routes,
    route_stops,
    route_assignees,
    visits,
    organisations,
    meetings,
    meeting_speakers,
    meeting_reports,
    report_questions,
    follow_ups,
    materials,
    stock_movements,
    stock_balances,
    volunteer_holdings,
    poster_sites,
    poster_placements,
    poster_placement_changes,
    social_posts,
    social_reach_snapshots,
    talking_points,
    visit_days,
    hand_out_days,
    outbox,
    outbox_state,
    audit_chain,
    webhook_subscriptions,
    webhook_deliveries,
    webhook_state,
);
