//! Demo accounts: a coordinator per branch and one observer, all with the same
//! documented password (hashed once: argon2id costs tens of milliseconds).

use super::rng::Rng;
use super::store::DEMO_EMAIL_DOMAIN;
use super::{base_time, new_id};
use crate::db::accounts::NewAccount;
use crate::db::branches::Branch;
use crate::domain::role::Role;

/// The password of every demo account (documented in README and BENCHMARKS.md).
pub const DEMO_PASSWORD: &str = "demo-outreach-2026";

/// `coordinator.kz-71@demo.outreach.kz` for the branch `KZ-71`.
pub fn coordinator_email(branch: &str) -> String {
    format!("coordinator.{}{DEMO_EMAIL_DOMAIN}", branch.to_lowercase())
}

pub fn observer_email() -> String {
    format!("observer{DEMO_EMAIL_DOMAIN}")
}

pub fn generate(rng: &mut Rng, branches: &[Branch], password_hash: &str) -> Vec<NewAccount> {
    let at = base_time();
    let account = |rng: &mut Rng, email: String, role: Role, branch: Option<String>| NewAccount {
        id: new_id(rng, at),
        email,
        password_hash: Some(password_hash.to_owned()),
        role: role.as_str().into(),
        branch_code: branch,
        volunteer_id: None,
        active: true,
        must_change_password: false,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let mut out: Vec<NewAccount> = branches
        .iter()
        .map(|branch| account(rng, coordinator_email(&branch.code), Role::Coordinator, Some(branch.code.clone())))
        .collect();
    out.push(account(rng, observer_email(), Role::Observer, None));
    out
}
