//! Security review (issue 10): one file per item, each test failing without its fix.

mod csrf;
mod destination;
mod headers;
mod ids;
mod input;
mod limits;
mod metrics;
mod migration;
mod oauth_state;
mod openapi;
mod redirect;
mod references;
mod sealed;
mod sessions;
mod throttle;
