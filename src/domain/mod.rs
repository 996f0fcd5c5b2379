//! Rules with no actix or diesel in them.

pub mod time;
