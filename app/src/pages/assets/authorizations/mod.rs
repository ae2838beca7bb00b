//! Assets › Integrations › Authorizations: the tab's list (`list`), the add/edit form (`form`),
//! its fields per type (`fields`) and its state (`state`).

mod fields;
mod form;
mod list;
mod state;

pub use form::AuthorizationFormPage;
pub use list::AuthorizationsTab;
