//! Server functions: thin adapters from the browser to the server's service layer.
//! One area a file. Each one reads the signed-in user from the request, parses its input
//! with `domain` types, calls a service from context and maps the result to a view type.

pub mod account;
pub mod assets;
pub mod authorizations;
#[cfg(feature = "ssr")]
pub mod context;
pub mod deliveries;
pub mod integrations;
