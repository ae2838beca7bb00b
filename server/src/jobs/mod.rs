//! Background jobs beside the dispatcher: bulk resends ([`bulk_resend`]) and retention
//! ([`retention`]). Each exposes `run_once` so tests drive it and never sleep; `serve` spawns
//! their loops, which stop with the server.

pub mod bulk_resend;
pub mod retention;

pub use bulk_resend::BulkResender;
pub use retention::{Retention, RetentionConfig};
