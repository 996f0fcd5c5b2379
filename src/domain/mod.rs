//! Rules with no actix or diesel in them.

pub mod password;
pub mod role;
pub mod time;
