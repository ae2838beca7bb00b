//! Monitor: what the dispatcher delivered.

pub mod dashboard;
pub mod deliveries;
