//! What the add and edit pages of every asset kind share: the page frame that loads the asset
//! being edited (`<base>/<id>`) or starts empty (`<base>/new`), and the outcome of a save.
//!
//! The forms are `ActionForm`s over the `save_*` server functions. Hydrated, a refused save
//! leaves the form as it is (what was typed stays) and shows the error next to its field; a
//! successful one navigates to the list. With JavaScript off, Leptos sends the browser back to
//! the form with the error in the address (shown the same way, but the form is rendered anew:
//! see the module `form_post`), and a success is sent on to the list as well.

use std::future::Future;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::{
    hooks::{use_navigate, use_params_map},
    NavigateOptions,
};

use super::{asset_list::ListedAsset, form_post::redirect_after_successful_post};
use crate::{components::page_header::PageHeader, domain::AppError};

/// The words and addresses of one kind's add/edit page.
pub struct FormSpec {
    /// e.g. "Add Service".
    pub new_title: &'static str,
    /// e.g. "Edit Service".
    pub edit_title: &'static str,
    /// The list, where Cancel and a successful save lead.
    pub list_href: &'static str,
    /// Where the list goes after a save: `<list>?notice=saved`.
    pub saved_href: &'static str,
    /// e.g. "Services", for the link back from a missing item.
    pub list_title: &'static str,
}

/// Follows a save action: moves on to the list once it succeeds (also with JavaScript off) and
/// returns its last error, for the form to show.
pub fn use_save<S>(save: ServerAction<S>, spec: &'static FormSpec) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    redirect_after_successful_post(spec.saved_href);
    let navigate = use_navigate();
    let value = save.value();
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(_)))) {
            navigate(spec.saved_href, NavigateOptions::default());
        }
    });
    Signal::derive(move || value.get().and_then(Result::err))
}

/// The add page (no `id` in the address) or the edit page: loads the asset, then renders
/// `form` with it (`None` when adding).
#[component]
pub fn AssetFormFrame<T, L, Fut, F>(spec: &'static FormSpec, load: L, form: F) -> impl IntoView
where
    T: ListedAsset,
    L: Fn(String) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    F: Fn(Option<T>) -> AnyView + Copy + Send + Sync + 'static,
{
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id"));
    if id.get_untracked().is_none() {
        return view! {
            <PageHeader section="Assets" title=spec.new_title />
            {form(None)}
        }
        .into_any();
    }

    let item = Resource::new(
        move || id.get(),
        move |id| async move {
            match load(id.unwrap_or_default()).await {
                Ok(item) => Ok(Some(item)),
                Err(AppError::NotFound(_)) => Ok(None),
                Err(e) => Err(e),
            }
        },
    );
    view! {
        <PageHeader section="Assets" title=spec.edit_title />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match item.await {
                    Ok(Some(item)) => form(Some(item)),
                    Ok(None) => view! { <Missing spec id=id.get_untracked().unwrap_or_default() /> }.into_any(),
                    Err(e) => {
                        view! {
                            <section class="panel form-panel">
                                <p class="form-error" role="alert">{e.to_string()}</p>
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// The edit page of an item that does not exist (any more): status 404 and the way back.
#[component]
fn Missing(spec: &'static FormSpec, id: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="panel form-panel">
            <p class="form-error" role="alert">{format!("Nothing has the id \"{id}\": it may have been deleted.")}</p>
            <a href=spec.list_href class="btn">
                {format!("Back to {}", spec.list_title)}
            </a>
        </section>
    }
}
