//! "Send test event": a sample of the webhook's first notification, delivered to that webhook
//! only, with the first attempt's outcome in plain words.

use app::domain::{views::TestEventView, AppError};

use super::{internal, not_found, parse_id, unexpected, Console};
use crate::dispatcher::TestEventOutcome;

impl Console {
    pub(super) async fn test_event(&self, id: &str) -> Result<TestEventView, AppError> {
        let webhook = self
            .store
            .get_webhook(parse_id(id, "webhook")?)
            .await
            .map_err(unexpected)?
            .ok_or_else(|| not_found("webhook", id))?;
        let dispatcher = self
            .dispatcher
            .as_ref()
            .ok_or_else(|| internal("no dispatcher"))?;
        let outcome = dispatcher
            .send_test_event(&webhook)
            .await
            .map_err(internal)?;
        Ok(match outcome {
            TestEventOutcome::NotSent(why) => TestEventView {
                delivery_id: None,
                status: "not sent".into(),
                status_code: None,
                error_code: None,
                message: why.into(),
            },
            TestEventOutcome::Sent(delivery, attempts) => {
                let last = attempts.last();
                let status_code = last
                    .and_then(|a| a.status_code)
                    .and_then(|c| u16::try_from(c).ok());
                let error_code = delivery.last_error_code.clone();
                let message = match (status_code, last.and_then(|a| a.error_message.as_deref())) {
                    (Some(code), _) => format!("the endpoint answered {code}."),
                    (None, Some(error)) => format!("{error}."),
                    (None, None) => "no request was made.".into(),
                };
                TestEventView {
                    delivery_id: Some(delivery.id.to_string()),
                    status: delivery.status.as_str().into(),
                    status_code,
                    error_code,
                    message,
                }
            }
        })
    }
}
