//! Assets › Integrations › Outbound Webhook: the add/edit form (`form`) and its state (`state`).

mod form;
mod state;

pub use form::WebhookFormPage;
