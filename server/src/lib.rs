//! webhooks-console, the server side: configuration, storage, authentication, the REST API,
//! the web routes around the Leptos console, the dispatcher, and the SMPP listener.

pub mod auth;
pub mod authorizers;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dispatcher;
pub mod jobs;
pub mod outbound;
pub mod rest;
pub mod secrets;
pub mod services;
pub mod smpp;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod transfer;
pub mod web;
