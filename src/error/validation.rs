//! `validator`'s errors as field errors: the field's path (`visits[3].note`), the
//! rule's code, and a message that states the rule's parameters ("at most 2000
//! characters"), so that a person reading it knows what to change.

use serde_json::Value;
use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use super::{ApiError, ErrorCode, FieldError};

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        let mut out = Vec::new();
        flatten(String::new(), &errors, &mut out);
        out.sort_by(|a, b| a.field.cmp(&b.field));
        Self::Validation(out)
    }
}

fn flatten(prefix: String, errors: &ValidationErrors, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            ValidationErrorsKind::Field(field_errors) => out.extend(
                field_errors
                    .iter()
                    .map(|err| FieldError::new(path.clone(), ErrorCode::of_validator_rule(&err.code), message(err))),
            ),
            ValidationErrorsKind::Struct(inner) => flatten(path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    flatten(format!("{path}[{index}]"), inner, out);
                }
            }
        }
    }
}

/// The rule's own message when it has one, else one built from its parameters.
fn message(err: &ValidationError) -> String {
    if let Some(message) = &err.message {
        return message.to_string();
    }
    let param = |name: &str| err.params.get(name).map(Value::to_string);
    match err.code.as_ref() {
        "length" => {
            let unit = match err.params.get("value") {
                Some(Value::Array(_) | Value::Object(_)) => "items",
                _ => "characters",
            };
            match (param("equal"), param("min"), param("max")) {
                (Some(equal), _, _) => format!("must be exactly {equal} {unit}"),
                (None, min, max) => bounded(min, max, &format!(" {unit}")),
            }
        }
        "range" => bounded(param("min"), param("max"), ""),
        "email" => "must be an email address".into(),
        "url" => "must be a URL".into(),
        "required" => "is required".into(),
        "must_match" => format!("must match `{}`", param("other").unwrap_or_default().trim_matches('"')),
        code => format!("fails the `{code}` rule"),
    }
}

fn bounded(min: Option<String>, max: Option<String>, unit: &str) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("must be between {min} and {max}{unit}"),
        (Some(min), None) => format!("must be at least {min}{unit}"),
        (None, Some(max)) => format!("must be at most {max}{unit}"),
        (None, None) => "is out of range".into(),
    }
}

#[cfg(test)]
mod tests {
    use validator::Validate;

    use super::*;

    #[derive(Validate)]
    struct Visit {
        #[validate(length(max = 5))]
        note: String,
        #[validate(range(min = 0, max = 500))]
        doors: i32,
        #[validate(length(min = 1, max = 2))]
        topics: Vec<String>,
        #[validate(length(equal = 3))]
        code: String,
        #[validate(email)]
        email: String,
    }

    #[test]
    fn messages_state_the_rule_and_its_parameters() {
        let visit = Visit {
            note: "слишком длинно".into(),
            doors: 501,
            topics: Vec::new(),
            code: "ab".into(),
            email: "nobody".into(),
        };
        let ApiError::Validation(errors) = ApiError::from(visit.validate().unwrap_err()) else { panic!() };
        let messages: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            messages,
            [
                ("code", "must be exactly 3 characters"),
                ("doors", "must be between 0 and 500"),
                ("email", "must be an email address"),
                ("note", "must be at most 5 characters"),
                ("topics", "must be between 1 and 2 items"),
            ]
        );
    }
}
