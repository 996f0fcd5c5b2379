//! Demo accounts: a coordinator per branch and one observer, all with the same
//! documented password (hashed once: argon2id costs tens of milliseconds).

use super::rng::Rng;
use super::store::DEMO_EMAIL_DOMAIN;
use super::{base_time, new_id};
use crate::db::accounts::NewAccount;
use crate::db::branches::Branch;
use crate::domain::ids::AccountId;
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
        role,
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

/// `volunteer.kz-71.3@demo.outreach.kz`: the third volunteer login of `KZ-71`.
/// Numbers 1 to 5 of each branch are the documented demo volunteers.
pub fn volunteer_email(branch: &str, number: usize) -> String {
    format!("volunteer.{}.{number}{DEMO_EMAIL_DOMAIN}", branch.to_lowercase())
}

/// The volunteer logins of one branch, numbered in the order they were made:
/// the demo volunteers first, then every volunteer who syncs visits from a phone.
#[derive(Default)]
pub struct Logins {
    /// The hash of [`DEMO_PASSWORD`], computed once.
    pub password_hash: String,
    order: Vec<(usize, AccountId)>,
    by_member: std::collections::HashMap<usize, AccountId>,
    /// How many of `order` were written already.
    written: usize,
}

impl Logins {
    /// The account of roster member `member` (registered at `registered`),
    /// made on first use.
    pub fn account_of(&mut self, rng: &mut Rng, member: usize, registered: chrono::NaiveDateTime) -> AccountId {
        if let Some(id) = self.by_member.get(&member) {
            return id.clone();
        }
        let id: AccountId = new_id(rng, opened_after(registered));
        self.by_member.insert(member, id.clone());
        self.order.push((member, id.clone()));
        id
    }

    /// The account of roster member `member`, when it has one already.
    pub fn existing(&self, member: usize) -> Option<AccountId> {
        self.by_member.get(&member).cloned()
    }

    /// The rows of the logins made since the last call, to write before anything
    /// that points at them (the hand-outs of their visits).
    pub fn take_new(&mut self, branch: &str, roster: &super::roster::Roster) -> Vec<NewAccount> {
        let rows = self.rows(branch, roster).split_off(self.written.min(self.order.len()));
        self.written = self.order.len();
        rows
    }

    pub fn rows(&self, branch: &str, roster: &super::roster::Roster) -> Vec<NewAccount> {
        self.order
            .iter()
            .enumerate()
            .map(|(index, (member, id))| {
                let volunteer = &roster.members[*member];
                let at = opened_after(volunteer.created_at);
                NewAccount {
                    id: id.clone(),
                    email: volunteer_email(branch, index + 1),
                    password_hash: Some(self.password_hash.clone()),
                    role: Role::Volunteer,
                    branch_code: Some(branch.to_owned()),
                    volunteer_id: Some(volunteer.id.clone()),
                    active: true,
                    must_change_password: false,
                    created_at: at,
                    updated_at: at,
                    version: 1,
                }
            })
            .collect()
    }
}

/// When a volunteer's login was opened: by the coordinator, soon after registering them.
fn opened_after(registered: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    registered + chrono::TimeDelta::minutes(10)
}
