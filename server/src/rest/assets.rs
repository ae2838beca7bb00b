//! `/api/v1/services`, `/numbers`, `/apps`, `/esme-binds` (CONTRACT §2): list (paged, searched)
//! and create on the collection; read, full replace and delete on `/{id}`.

use app::domain::views::AssetKind;
use axum::{
    extract::{OriginalUri, Path},
    response::Response,
    routing::get,
    Router,
};

use super::{
    error::{created, no_content, ok, ApiJson},
    list::{page, ListParams},
    Svc,
};

/// The five routes of one asset kind, over the matching service methods.
macro_rules! asset_routes {
    ($kind:expr, $input:ty, $list:ident, $get:ident, $save:ident) => {{
        async fn list(
            s: Svc,
            OriginalUri(uri): OriginalUri,
            ListParams(q): ListParams,
        ) -> Response {
            page(&uri, s.assets.$list(&q).await)
        }
        async fn create(s: Svc, ApiJson(input): ApiJson<$input>) -> Response {
            created(s.assets.$save(None, input).await)
        }
        async fn read(s: Svc, Path(id): Path<String>) -> Response {
            ok(s.assets.$get(&id).await)
        }
        async fn replace(
            s: Svc,
            Path(id): Path<String>,
            ApiJson(input): ApiJson<$input>,
        ) -> Response {
            ok(s.assets.$save(Some(&id), input).await)
        }
        async fn delete(s: Svc, Path(id): Path<String>) -> Response {
            no_content(s.assets.delete_asset($kind, &id).await)
        }
        Router::new()
            .route("/", get(list).post(create))
            .route("/{id}", get(read).put(replace).delete(delete))
    }};
}

pub fn router() -> Router<app::services::Services> {
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
