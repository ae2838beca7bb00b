//! Who may use the console and the API: password hashing, random tokens, browser sessions,
//! API keys and the one-time setup link.

pub mod api_key;
pub mod password;
pub mod session;
pub mod setup;
pub mod token;
