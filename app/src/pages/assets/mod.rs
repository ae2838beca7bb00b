//! Assets: the entities webhooks hang on (services, numbers, apps, ESME binds) and the
//! integrations themselves.

pub mod app_form;
pub mod apps;
mod asset_form;
mod asset_list;
pub mod authorizations;
pub mod esme_bind_form;
pub mod esme_binds;
pub(crate) mod form_post;
pub mod integrations;
pub mod number_form;
pub mod numbers;
pub mod service_form;
pub mod services;
pub mod webhooks;
