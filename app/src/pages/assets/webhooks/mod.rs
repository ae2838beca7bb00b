//! Assets › Integrations › Outbound Webhook: the add/edit form (`form`) and its state (`state`), and
//! "Send test event" on a saved webhook (`test_event`).

mod form;
mod state;
mod test_event;

pub use form::WebhookFormPage;
