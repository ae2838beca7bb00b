//! Authorization profiles and their OAuth 2.0 tokens.

use async_trait::async_trait;

use crate::domain::{
    authorization::AuthorizationInput,
    paging::{ListQuery, Page},
    views::{AuthorizationView, OAuthCallbackOutcome},
    AppError,
};

#[async_trait]
pub trait AuthorizationService: Send + Sync + 'static {
    /// The Call Back URL of the authorization code grant (`<public-url>/oauth/callback`).
    fn call_back_url(&self) -> String;
    /// Newest first; `q` matches the name, ignoring case.
    async fn list(&self, query: &ListQuery) -> Result<Page<AuthorizationView>, AppError>;
    async fn get(&self, id: &str) -> Result<AuthorizationView, AppError>;
    /// Validates and stores; absent secrets keep their stored values.
    async fn save(
        &self,
        id: Option<&str>,
        input: AuthorizationInput,
    ) -> Result<AuthorizationView, AppError>;
    /// Refused with a conflict naming the webhooks while any uses the profile.
    async fn delete(&self, id: &str) -> Result<(), AppError>;
    /// Get Access Token for the client credentials grant: fetches now and stores the tokens.
    async fn get_access_token(&self, id: &str) -> Result<AuthorizationView, AppError>;
    /// Get Access Token for the authorization code grant: the URL to send the browser to.
    /// `session` names the browser session that asks (an opaque value, the same for all its
    /// requests): only it may complete the flow.
    async fn start_authorization(&self, id: &str, session: &str) -> Result<String, AppError>;
    /// The Call Back URL: `code` (or the provider's `error`) for the flow with this `state`,
    /// if `session` started it.
    async fn complete_authorization(
        &self,
        state: &str,
        session: &str,
        code: Option<&str>,
        provider_error: Option<&str>,
    ) -> OAuthCallbackOutcome;
}
