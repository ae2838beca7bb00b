//! Who may use the console and the API: password hashing, random tokens, browser sessions,
//! API keys, the one-time setup link, and sign-in throttling.

pub mod api_key;
pub mod password;
pub mod session;
pub mod setup;
pub mod throttle;
pub mod token;
