//! Security review (issue 10): one file per item, each test failing without its fix.

mod ids;
mod migration;
mod redirect;
mod throttle;
mod csrf;
mod sessions;
mod headers;
mod metrics;
mod input;
