//! Wasm-safe domain types shared by the browser and the server: the signed-in user, the error
//! type server functions return, and (with the console work) the channel/event matrix and the
//! validated inputs. Nothing here touches a database or the network.

pub mod assets;
pub mod authorization;
pub mod channels;
pub mod deliveries;
pub mod error;
pub mod form;
pub mod monitor;
pub mod paging;
#[cfg(test)]
mod proptests;
pub mod time;
pub mod user;
pub mod validation;
pub mod views;
pub mod webhook;

pub use error::AppError;
pub use user::{CurrentUser, Email, Role};
