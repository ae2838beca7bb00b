//! `/api/v1/services`, `/numbers`, `/apps`, `/esme-binds` (CONTRACT §2): list and create on the
//! collection; read, full replace and delete on `/{id}`.

use std::sync::Arc;

use app::{domain::views::AssetKind, services::ConsoleService};
use axum::{
    extract::{Path, State},
    response::Response,
    routing::get,
    Router,
};

use super::error::{created, no_content, ok, ApiJson};

type Svc = State<Arc<dyn ConsoleService>>;

/// The five routes of one asset kind, over the matching service methods.
macro_rules! asset_routes {
    ($kind:expr, $input:ty, $list:ident, $get:ident, $save:ident) => {{
        async fn list(State(c): Svc) -> Response {
            ok(c.$list().await)
        }
        async fn create(State(c): Svc, ApiJson(input): ApiJson<$input>) -> Response {
            created(c.$save(None, input).await)
        }
        async fn read(State(c): Svc, Path(id): Path<String>) -> Response {
            ok(c.$get(&id).await)
        }
        async fn replace(
            State(c): Svc,
            Path(id): Path<String>,
            ApiJson(input): ApiJson<$input>,
        ) -> Response {
            ok(c.$save(Some(&id), input).await)
        }
        async fn delete(State(c): Svc, Path(id): Path<String>) -> Response {
            no_content(c.delete_asset($kind, &id).await)
        }
        Router::new()
            .route("/", get(list).post(create))
            .route("/{id}", get(read).put(replace).delete(delete))
    }};
}

pub fn router() -> Router<Arc<dyn ConsoleService>> {
    use app::domain::assets::{AppInput, EsmeBindInput, NumberInput, ServiceInput};
    Router::new()
        .nest(
            "/services",
            asset_routes!(
                AssetKind::Service,
                ServiceInput,
                list_services,
                get_service,
                save_service
            ),
        )
        .nest(
            "/numbers",
            asset_routes!(
                AssetKind::Number,
                NumberInput,
                list_numbers,
                get_number,
                save_number
            ),
        )
        .nest(
            "/apps",
            asset_routes!(AssetKind::App, AppInput, list_apps, get_app, save_app),
        )
        .nest(
            "/esme-binds",
            asset_routes!(
                AssetKind::EsmeBind,
                EsmeBindInput,
                list_esme_binds,
                get_esme_bind,
                save_esme_bind
            ),
        )
}
