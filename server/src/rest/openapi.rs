//! `GET /api/v1/openapi.json` (CONTRACT §4): the OpenAPI document of the REST API, generated
//! from the code — each handler's `#[utoipa::path]` next to it, the request bodies from the very
//! input types the handlers deserialize (`app::domain`, `ToSchema` with feature `ssr`). Served
//! without an API key (it holds no data); every operation in it needs one (`api_key`, a bearer
//! token). `scripts/test.sh` runs schemathesis against it.

use std::sync::OnceLock;

use axum::{
    http::header::CONTENT_TYPE,
    response::{IntoResponse, Response},
};
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};

use super::{
    assets, authorizations, deliveries, events, integrations,
    schemas::{ErrorBody, EventInput, EventsBody},
};

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "openapi", security(()),
    responses((status = 200, description = "this document")))]
pub(crate) async fn document() -> Response {
    static JSON: OnceLock<String> = OnceLock::new();
    let json = JSON.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .expect("the OpenAPI document serializes")
    });
    ([(CONTENT_TYPE, "application/json")], json.clone()).into_response()
}

/// The bearer scheme every operation names.
struct ApiKey;

impl Modify for ApiKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "webhooks-console REST API",
        description = "Assets, outbound webhooks (integrations), authorization profiles, event \
                       ingest and the delivery log. Every operation needs `Authorization: Bearer \
                       <api key>` (`webhooks-console api-key create --name NAME`)."
    ),
    paths(
        document,
        assets::services::list, assets::services::create, assets::services::read,
        assets::services::replace, assets::services::delete,
        assets::numbers::list, assets::numbers::create, assets::numbers::read,
        assets::numbers::replace, assets::numbers::delete,
        assets::apps::list, assets::apps::create, assets::apps::read,
        assets::apps::replace, assets::apps::delete,
        assets::esme_binds::list, assets::esme_binds::create, assets::esme_binds::read,
        assets::esme_binds::replace, assets::esme_binds::delete,
        integrations::list, integrations::create, integrations::read,
        integrations::replace, integrations::delete, integrations::test,
        authorizations::list, authorizations::create, authorizations::read,
        authorizations::replace, authorizations::delete, authorizations::token,
        events::ingest,
        deliveries::list, deliveries::export, deliveries::read, deliveries::resend,
    ),
    components(schemas(
        ErrorBody, EventInput, EventsBody, integrations::TestCallInput, integrations::TestCallBody,
    )),
    modifiers(&ApiKey),
    security(("api_key" = []))
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_with_every_operation_behind_the_api_key() {
        let doc: serde_json::Value =
            serde_json::from_str(&ApiDoc::openapi().to_json().unwrap()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        assert_eq!(doc["security"], serde_json::json!([{"api_key": []}]));
        let operations: usize = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|item| item.as_object().unwrap().len())
            .sum();
        assert_eq!(
            operations, 38,
            "one per route in rest::router; update both together"
        );
        assert_eq!(
            doc["paths"]["/api/v1/openapi.json"]["get"]["security"],
            serde_json::json!([{}])
        );
    }
}
