//! What the add and edit pages of every asset kind share: the page frame that loads the asset
//! being edited (`<base>/<id>`) or starts empty (`<base>/new`), and the outcome of a save.
//!
//! The forms post to their own page (`components::form`, the server's `web::form_pages`).
//! Hydrated, a submit calls the `save_*` server function with the fields the browser would
//! post; a refused save leaves the form as it is (what was typed stays) and shows the error
//! next to its field, and a successful one navigates to the list. With JavaScript off, the
//! server saves and sends the browser on to the list, or renders the page again from the
//! [`PostedForm`] with the error and what was typed (a password excepted).

use std::future::Future;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::{
    hooks::{use_navigate, use_params_map},
    NavigateOptions,
};

use super::asset_list::ListedAsset;
use crate::{
    components::{form::submitted, page_header::PageHeader},
    domain::{
        form::{FormFields, PostedForm},
        AppError,
    },
};

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

/// Follows a save action: moves on to the list once it succeeds and returns its last error (or
/// the posted form's, on a page rendered again after a post without JavaScript), for the form
/// to show.
pub fn use_save<S>(
    save: ServerAction<S>,
    spec: &'static FormSpec,
    posted: StoredValue<Option<PostedForm>>,
) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let navigate = use_navigate();
    let value = save.value();
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(_)))) {
            navigate(spec.saved_href, NavigateOptions::default());
        }
    });
    let refused = posted.with_value(|p| p.as_ref().and_then(|p| p.error.clone()));
    Signal::derive(move || match value.get() {
        Some(result) => result.err(),
        None => refused.clone(),
    })
}

/// Hydrated, a submit sends what the browser would post, made into the server function's
/// arguments by `make`.
pub fn submit_with<S>(
    save: ServerAction<S>,
    make: fn(&FormFields) -> S,
) -> impl Fn(leptos::ev::SubmitEvent) + Copy + 'static
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form: web_sys::HtmlFormElement = event_target(&ev);
        save.dispatch(make(&submitted(&form)));
    }
}

/// What a control starts with: what was posted (a page rendered again without JavaScript), or
/// else what is stored.
pub fn initial(posted: StoredValue<Option<PostedForm>>, name: &str, stored: String) -> String {
    posted.with_value(|p| match p {
        Some(p) => p.fields.text(name),
        None => stored,
    })
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
