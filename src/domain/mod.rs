//! Rules with no actix or diesel in them.

pub mod bin;
pub mod event;
pub mod password;
pub mod phone;
pub mod role;
pub mod time;
pub mod volunteer;
