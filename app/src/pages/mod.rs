//! One routed page a file, grouped by the navigation section it sits in.

pub mod assets;
pub mod login;
pub mod monitor;
pub mod not_found;
pub mod setup;
