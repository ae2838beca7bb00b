//! Whatever no route claimed: an embedded static file if there is one, else the console
//! itself, whose router renders its "Page not found" page with status 404.

use app::shell;
use axum::{
    extract::{Request, State},
    response::{IntoResponse as _, Response},
};

use crate::state::{provide_server_context, AppState};

pub async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    if let Some(file) = super::assets::try_serve(req.uri(), req.headers()) {
        return file;
    }
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || provide_server_context(&state),
        move || shell(options.clone()),
    );
    render(req).await.into_response()
}
