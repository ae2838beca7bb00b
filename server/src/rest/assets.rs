//! `/api/v1/services`, `/numbers`, `/apps`, `/esme-binds` (CONTRACT §2): list (paged, searched)
//! and create on the collection; read, full replace and delete on `/{id}`. Each kind is a module
//! of five handlers, each documented for the OpenAPI document (`rest::openapi`).

use axum::Router;

/// The module of one asset kind: its five handlers over the matching service methods, each with
/// its OpenAPI operation (paths given whole: attribute macros cannot concatenate), and its router.
macro_rules! asset_routes {
    ($module:ident, $tag:tt, $collection:tt, $item:tt, $kind:expr, $input:ident,
     $list:ident, $get:ident, $save:ident) => {
        pub mod $module {
            use app::domain::views::AssetKind;
            use axum::{
                extract::{OriginalUri, Path},
                response::Response,
                routing::get,
                Router,
            };

            #[allow(unused_imports)]
            use app::domain::assets::*;

            use crate::rest::{
                error::{created, no_content, ok, ApiJson},
                list::{page, ListParams},
                schemas::ErrorBody,
                Svc,
            };

            #[utoipa::path(get, path = $collection, tag = $tag,
                params(
                    ("q" = Option<String>, Query, description = "case-insensitive search"),
                    ("limit" = Option<String>, Query, description = "1 to 1000, default 100"),
                    ("before" = Option<String>, Query, description = "an id: the next page"),
                ),
                responses(
                    (status = 200, description = "the page, newest first"),
                    (status = 400, description = "a bad parameter", body = ErrorBody),
                ))]
            pub(crate) async fn list(
                s: Svc,
                OriginalUri(uri): OriginalUri,
                ListParams(q): ListParams,
            ) -> Response {
                page(&uri, s.assets.$list(&q).await)
            }

            #[utoipa::path(post, path = $collection, tag = $tag, request_body = $input,
                responses(
                    (status = 201, description = "created"),
                    (status = 400, description = "not JSON", body = ErrorBody),
                    (status = 409, description = "a name already used", body = ErrorBody),
                    (status = 422, description = "a field refused", body = ErrorBody),
                ))]
            pub(crate) async fn create(s: Svc, ApiJson(input): ApiJson<$input>) -> Response {
                created(s.assets.$save(None, input).await)
            }

            #[utoipa::path(get, path = $item, tag = $tag,
                params(("id" = String, Path, description = "the id")),
                responses(
                    (status = 200, description = "found"),
                    (status = 404, description = "no such id", body = ErrorBody),
                ))]
            pub(crate) async fn read(s: Svc, Path(id): Path<String>) -> Response {
                ok(s.assets.$get(&id).await)
            }

            #[utoipa::path(put, path = $item, tag = $tag, request_body = $input,
                params(("id" = String, Path, description = "the id")),
                responses(
                    (status = 200, description = "replaced"),
                    (status = 400, description = "not JSON", body = ErrorBody),
                    (status = 404, description = "no such id", body = ErrorBody),
                    (status = 409, description = "a name already used", body = ErrorBody),
                    (status = 422, description = "a field refused", body = ErrorBody),
                ))]
            pub(crate) async fn replace(
                s: Svc,
                Path(id): Path<String>,
                ApiJson(input): ApiJson<$input>,
            ) -> Response {
                ok(s.assets.$save(Some(&id), input).await)
            }

            #[utoipa::path(delete, path = $item, tag = $tag,
                params(("id" = String, Path, description = "the id")),
                responses(
                    (status = 204, description = "deleted"),
                    (status = 404, description = "no such id", body = ErrorBody),
                    (status = 409, description = "used by a webhook", body = ErrorBody),
                ))]
            pub(crate) async fn delete(s: Svc, Path(id): Path<String>) -> Response {
                no_content(s.assets.delete_asset($kind, &id).await)
            }

            pub fn router() -> Router<app::services::Services> {
                Router::new()
                    .route("/", get(list).post(create))
                    .route("/{id}", get(read).put(replace).delete(delete))
            }
        }
    };
}

asset_routes!(
    services,
    "services",
    "/api/v1/services",
    "/api/v1/services/{id}",
    AssetKind::Service,
    ServiceInput,
    list_services,
    get_service,
    save_service
);
asset_routes!(
    numbers,
    "numbers",
    "/api/v1/numbers",
    "/api/v1/numbers/{id}",
    AssetKind::Number,
    NumberInput,
    list_numbers,
    get_number,
    save_number
);
asset_routes!(
    apps,
    "apps",
    "/api/v1/apps",
    "/api/v1/apps/{id}",
    AssetKind::App,
    AppInput,
    list_apps,
    get_app,
    save_app
);
asset_routes!(
    esme_binds,
    "esme-binds",
    "/api/v1/esme-binds",
    "/api/v1/esme-binds/{id}",
    AssetKind::EsmeBind,
    EsmeBindInput,
    list_esme_binds,
    get_esme_bind,
    save_esme_bind
);

pub fn router() -> Router<app::services::Services> {
    Router::new()
        .nest("/services", services::router())
        .nest("/numbers", numbers::router())
        .nest("/apps", apps::router())
        .nest("/esme-binds", esme_binds::router())
}
