//! Plain HTTP routes beside the Leptos pages: the sign-in/out and setup form handlers, the
//! embedded static bundle, health and metrics, and the console's export download.

pub mod assets;
pub mod auth_forms;
pub mod export;
pub mod fallback;
pub mod oauth;
pub mod ops;
