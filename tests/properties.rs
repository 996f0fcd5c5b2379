//! Fuzzing on stable: `proptest` properties of the parsers that take untrusted
//! input (phone numbers, BINs, list cursors, the visit batch body, CSV imports,
//! access and refresh tokens). Arbitrary input never panics, and valid values
//! round-trip. A crash found here becomes a plain regression test below.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::DateTime;
use outreach::auth::jwt::{Claims, JwtKeys};
use outreach::auth::secret::{REFRESH_TOKEN_PREFIX, token_hash};
use outreach::domain::bin::is_valid_bin;
use outreach::domain::phone::normalize_phone;
use outreach::dto::page::{PageQuery, decode_time_cursor, encode_cursor, encode_time_cursor};
use outreach::dto::route::{VisitBatch, VisitIn};
use outreach::service::{batch, csv_import};
use proptest::prelude::*;
use serde_json::value::RawValue;

const SECRET: &[u8] = b"a test secret of at least thirty-two bytes";

/// The check digit of eleven BIN digits, if they have one (see `domain::bin`).
fn check_digit(digits: &[u32]) -> Option<u32> {
    let weighted =
        |weights: [u32; 11]| digits.iter().zip(weights).map(|(digit, weight)| digit * weight).sum::<u32>() % 11;
    let mut check = weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    if check == 10 {
        check = weighted([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
    }
    (check != 10).then_some(check)
}

/// Arbitrary JSON text, well-formed, of a few levels.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(serde_json::Value::from),
        "\\PC{0,20}".prop_map(serde_json::Value::from),
        prop::sample::select(vec!["id", "stop_id", "visited_at", "doors_knocked", "questions", "materials"])
            .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    prop::sample::select(vec![
                        "id",
                        "stop_id",
                        "visited_at",
                        "doors_knocked",
                        "conversations",
                        "not_at_home",
                        "refused",
                        "questions",
                        "materials",
                        "question_text",
                    ])
                    .prop_map(str::to_owned),
                    "[a-z_]{1,12}",
                ],
                inner,
                0..8,
            )
            .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

fn claims(iat: i64) -> Claims {
    Claims {
        sub: uuid::Uuid::now_v7().to_string(),
        role: "coordinator".into(),
        branch: Some("KZ-71".into()),
        iat,
        exp: iat + 900,
        jti: uuid::Uuid::now_v7().to_string(),
        epoch: 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_as_a_phone_never_panics_and_a_normalised_phone_stays_as_it_is(raw in "\\PC{0,40}", foreign: bool) {
        if let Ok(e164) = normalize_phone(&raw, foreign) {
            prop_assert!(e164.starts_with('+'));
            prop_assert_eq!(normalize_phone(&e164, foreign), Ok(e164.clone()));
        }
    }

    #[test]
    fn a_phone_of_digits_and_separators_never_panics(raw in "[+0-9 ()\\-.]{0,30}", foreign: bool) {
        let _ = normalize_phone(&raw, foreign);
    }

    #[test]
    fn every_notation_of_a_kazakh_mobile_is_one_number(operator in prop::sample::select(vec!['0', '4', '5', '6', '7']), rest in 0u32..100_000_000) {
        let digits = format!("7{operator}{rest:08}");
        let e164 = format!("+7{digits}");
        let spaced = format!("{} {} {} {}", &digits[..3], &digits[3..6], &digits[6..8], &digits[8..]);
        for form in [
            format!("8{digits}"),
            format!("8 {spaced}"),
            format!("+7 ({}) {}-{}-{}", &digits[..3], &digits[3..6], &digits[6..8], &digits[8..]),
            format!("7{digits}"),
            digits.clone(),
            e164.clone(),
        ] {
            prop_assert_eq!(normalize_phone(&form, false), Ok(e164.clone()), "{}", form);
        }
    }

    #[test]
    fn any_text_as_a_bin_never_panics(raw in "\\PC{0,20}") {
        let _ = is_valid_bin(&raw);
    }

    #[test]
    fn a_bin_is_valid_exactly_with_its_check_digit(digits in prop::collection::vec(0u32..10, 11), last in 0u32..10) {
        let text: String = digits.iter().chain([&last]).map(|digit| char::from_digit(*digit, 10).unwrap()).collect();
        prop_assert_eq!(is_valid_bin(&text), check_digit(&digits) == Some(last), "{}", text);
    }

    #[test]
    fn any_cursor_never_panics(cursor in "\\PC{0,60}", base64 in "[A-Za-z0-9_-]{0,60}") {
        for cursor in [cursor, base64] {
            let page = PageQuery { limit: None, cursor: Some(cursor.clone()), updated_since: None };
            let _ = page.after();
            if let Ok(Some(key)) = page.after() {
                let _ = decode_time_cursor(Some(key));
            }
        }
    }

    #[test]
    fn a_cursor_round_trips(key in "\\PC{0,60}", micros in -62_000_000_000_000_000i64..250_000_000_000_000_000, id in "[a-z0-9-]{1,36}") {
        let page = PageQuery { limit: None, cursor: Some(encode_cursor(&key)), updated_since: None };
        prop_assert_eq!(page.after().unwrap(), Some(key.replace('\0', "")));
        let at = DateTime::from_timestamp_micros(micros).unwrap().naive_utc();
        let cursor = PageQuery { limit: None, cursor: Some(encode_time_cursor(at, &id)), updated_since: None };
        prop_assert_eq!(decode_time_cursor(cursor.after().unwrap()).unwrap(), Some((at, id)));
    }

    #[test]
    fn any_batch_body_never_panics(body in prop::collection::vec(any::<u8>(), 0..200), value in json_value()) {
        let _ = serde_json::from_slice::<VisitBatch>(&body);
        let wrapped = serde_json::json!({"visits": [value.clone()]});
        if let Ok(batch) = serde_json::from_value::<VisitBatch>(wrapped) {
            let _ = batch::parse::<VisitIn>(&batch.visits, |_| Vec::new());
        }
        let item = RawValue::from_string(value.to_string()).unwrap();
        let parsed = batch::parse::<VisitIn>(&[item], |_| Vec::new());
        prop_assert_eq!(parsed.len(), 1);
    }

    #[test]
    fn a_valid_visit_in_a_batch_round_trips(doors in 0i32..40, conversations in 0i32..10, question in "\\PC{0,100}") {
        let id = uuid::Uuid::now_v7().to_string();
        let item = serde_json::json!({
            "id": id, "stop_id": uuid::Uuid::now_v7().to_string(), "visited_at": "2026-12-01T09:00:00Z",
            "doors_knocked": doors, "conversations": conversations.min(doors), "not_at_home": 0, "refused": 0,
            "questions": ["economy"], "question_text": question,
        });
        let parsed = batch::parse::<VisitIn>(&[RawValue::from_string(item.to_string()).unwrap()], |_| Vec::new());
        let (parsed_id, visit) = &parsed[0];
        prop_assert_eq!(parsed_id.as_deref(), Some(id.as_str()));
        let visit = visit.as_ref().unwrap();
        prop_assert_eq!(visit.doors_knocked, doors);
        prop_assert_eq!(visit.question_text.as_deref(), Some(question.as_str()));
    }

    #[test]
    fn any_csv_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300), text in "\\PC{0,200}") {
        let _ = csv_import::read(bytes, &["full_name", "phone"]);
        let _ = csv_import::read(format!("full_name,phone\n{text}").into_bytes(), &["full_name", "phone"]);
    }

    #[test]
    fn a_csv_of_quoted_cells_round_trips(cells in prop::collection::vec(("\\PC{0,20}", "\\PC{0,20}"), 1..5)) {
        let rows: Vec<Vec<String>> = cells.iter().map(|(a, b)| vec![a.replace('\0', ""), b.replace('\0', "")]).collect();
        let written = csv_import::write(&["full_name", "phone"], rows.clone()).unwrap();
        let read = csv_import::read(written, &["full_name", "phone"]).unwrap();
        let back: Vec<Vec<String>> = read
            .iter()
            .map(|(_, row)| {
                let row = row.as_ref().unwrap();
                vec![row.get("full_name").unwrap_or_default().to_owned(), row.get("phone").unwrap_or_default().to_owned()]
            })
            .collect();
        let expected: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(|cell| csv_import::spreadsheet_safe(cell).trim().to_owned()).collect())
            .collect();
        let back: Vec<Vec<String>> = back.into_iter().map(|row| row.into_iter().map(|cell| cell.trim().to_owned()).collect()).collect();
        prop_assert_eq!(back, expected);
    }

    #[test]
    fn any_access_token_never_panics_and_only_a_signed_one_verifies(token in "\\PC{0,200}", parts in prop::collection::vec("[A-Za-z0-9_-]{0,40}", 3)) {
        let keys = JwtKeys::new(SECRET);
        prop_assert!(keys.verify(&token).is_err());
        prop_assert!(keys.verify(&parts.join(".")).is_err());
    }

    #[test]
    fn a_signed_access_token_round_trips_and_a_changed_one_does_not(flip in 0usize..200) {
        let keys = JwtKeys::new(SECRET);
        let now = chrono::Utc::now().timestamp();
        let issued = claims(now);
        let token = keys.sign(&issued).unwrap();
        let verified = keys.verify(&token).unwrap();
        prop_assert_eq!(&verified.jti, &issued.jti);
        prop_assert_eq!(verified.exp, issued.exp);
        let mut bytes = token.clone().into_bytes();
        let index = flip % bytes.len();
        bytes[index] = if bytes[index] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(bytes).unwrap();
        if changed != token {
            // A changed character may still decode to the same bytes (base64
            // padding bits); anything else must fail.
            if let Ok(claims) = keys.verify(&changed) {
                prop_assert_eq!(claims.jti, issued.jti);
            }
        }
        prop_assert!(JwtKeys::new(b"another secret of at least thirty-two bytes").verify(&token).is_err());
    }

    #[test]
    fn any_refresh_token_hashes_and_derives_without_panicking(token in "\\PC{0,200}") {
        let keys = JwtKeys::new(SECRET);
        prop_assert_eq!(token_hash(&token), token_hash(&token));
        let successor = keys.refresh_successor(&token);
        prop_assert!(successor.starts_with(REFRESH_TOKEN_PREFIX));
        prop_assert_eq!(successor.clone(), keys.refresh_successor(&token));
        prop_assert_ne!(token_hash(&successor), token_hash(&token));
    }
}
