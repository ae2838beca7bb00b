//! Integration tests: the real application on a random port, a fresh SQLite file per test,
//! driven over HTTP; and the real binary for the command line. One test binary for all.

mod helpers;

mod api_auth;
mod binary;
mod browser_session;
mod console_forms;
mod crash;
mod demo;
mod dispatcher;
mod fair;
mod instances;
mod monitor;
mod ops;
mod outbound_auth;
mod receiver;
mod rest_assets;
mod rest_authorizations;
mod rest_integrations;
mod security;
mod smpp;
mod transfer;
