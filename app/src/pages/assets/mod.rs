//! Assets: the entities webhooks hang on (services, numbers, apps, ESME binds) and the
//! integrations themselves.

pub mod apps;
pub mod esme_binds;
pub mod integrations;
pub mod numbers;
pub mod services;
