//! Monitor: what the dispatcher delivered — the log, one delivery's attempts, bulk resend, the
//! export and the dashboard — on the deliveries service (`api::deliveries`).

pub mod dashboard;
pub mod deliveries;
pub mod delivery;
mod query;
