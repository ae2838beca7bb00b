//! Assets › Integrations › Outbound Webhook: the add/edit form (`form`) and its state (`state`), and
//! "Send test event" on a saved webhook (`test_event`), "Run test call" beside the URL
//! (`test_call`).

mod form;
mod state;
mod test_call;
mod test_event;

pub use form::WebhookFormPage;
