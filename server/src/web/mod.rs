//! Plain HTTP routes beside the Leptos pages: the sign-in/out and setup form handlers, the
//! webhook and authorization forms posted without JavaScript, the
//! embedded static bundle, health and metrics, and the console's export download.

pub mod assets;
pub mod auth_forms;
pub mod body_limit;
pub mod client_address;
pub mod csrf;
pub mod export;
pub mod fallback;
pub mod form_pages;
pub mod headers;
pub mod local_path;
pub mod oauth;
pub mod ops;
pub mod sign_in_page;
