//! The list page every asset kind shares: header with the Add button, a notice after a save or
//! delete, the table (or the empty state), Edit and Delete on each row, and the delete
//! confirmation with the server's refusal (an asset a webhook uses).
//!
//! Everything is a link or a form, so it works with JavaScript off: Delete leads to
//! `?delete=<id>`, which shows the confirmation over the list; its form posts `delete_asset`.
//! Hydrated, the same links navigate in place and the list reloads after a delete.

use std::future::Future;

use leptos::prelude::*;
use leptos_router::{
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};
use serde::{de::DeserializeOwned, Serialize};

use super::form_post::redirect_after_successful_post;
use crate::{
    api::assets::DeleteAsset,
    components::{
        confirm_dialog::ConfirmDialog,
        empty_state::EmptyState,
        list_controls::{href_with, use_list_query, Pager, SearchBox},
        page_header::PageHeader,
    },
    domain::{
        paging::{ListQueryInput, Page},
        views::AssetKind,
        AppError,
    },
};

/// What the shared list needs to know of one kind of asset.
pub trait ListedAsset: Clone + Send + Sync + Serialize + DeserializeOwned + 'static {
    const KIND: AssetKind;
    fn id(&self) -> &str;
    /// How the delete confirmation names it: its name, number or system ID.
    fn label(&self) -> String;
    /// The row's cells before Actions, in the order of [`ListSpec::columns`].
    fn cells(&self) -> AnyView;
}

/// The words and addresses of one list page.
pub struct ListSpec {
    /// The page heading, e.g. "Services".
    pub title: &'static str,
    /// The list's address, e.g. "/assets/services"; items are at `<base>/<id>`.
    pub base: &'static str,
    pub new_href: &'static str,
    pub add_label: &'static str,
    /// One item, capitalised, for notices: "Service" → "Service saved."
    pub singular: &'static str,
    pub empty_title: &'static str,
    pub empty_message: &'static str,
    /// Column headings before Actions.
    pub columns: &'static [&'static str],
    /// The search box's label, e.g. "Search services".
    pub search_label: &'static str,
}

impl ListSpec {
    fn notice(&self, code: &str) -> Option<String> {
        match code {
            "saved" => Some(format!("{} saved.", self.singular)),
            "deleted" => Some(format!("{} deleted.", self.singular)),
            _ => None,
        }
    }
}

/// The value of an [`AssetKind`] in a form, as the server function reads it back.
fn kind_value(kind: AssetKind) -> &'static str {
    match kind {
        AssetKind::Service => "Service",
        AssetKind::Number => "Number",
        AssetKind::App => "App",
        AssetKind::EsmeBind => "EsmeBind",
    }
}

#[component]
pub fn AssetList<T, L, Fut>(spec: &'static ListSpec, load: L) -> impl IntoView
where
    T: ListedAsset,
    L: Fn(ListQueryInput) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<Page<T>, AppError>> + Send + 'static,
{
    let query = use_query_map();
    let list_query = use_list_query();
    let deleting = Memo::new(move |_| query.read().get("delete").filter(|id| !id.is_empty()));
    let notice = move || query.read().get("notice").and_then(|c| spec.notice(&c));

    let delete = ServerAction::<DeleteAsset>::new();
    let deleted_href = format!("{}?notice=deleted", spec.base);
    if deleting.get_untracked().is_some() {
        redirect_after_successful_post(&deleted_href);
    }
    // Hydrated: after a delete, close the confirmation and say so.
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate(&deleted_href, NavigateOptions::default());
        }
    });
    // A refusal belongs to the item it was about: forget it when another one is chosen.
    Effect::new(move |previous: Option<Option<String>>| {
        let current = deleting.get();
        if previous.is_some_and(|p| p != current) {
            delete.value().set(None);
        }
        current
    });

    let items = Resource::new(
        move || (delete.version().get(), list_query.get()),
        move |(_, q)| load(q),
    );

    view! {
        <PageHeader section="Assets" title=spec.title>
            <a href=spec.new_href class="btn btn-primary">
                {spec.add_label}
            </a>
        </PageHeader>
        {move || notice().map(|m| view! { <p class="notice" role="status">{m}</p> })}
        <SearchBox action=spec.base label=spec.search_label />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match items.await {
                    Ok(page) => {
                        let next_before = page.next_before;
                        let items = page.items;
                        view! {
                            <AssetTable spec items deleting delete />
                            <Pager action=spec.base next_before />
                        }
                            .into_any()
                    }
                    Err(e) => {
                        view! {
                            <section class="panel">
                                <p class="form-error" role="alert">{e.to_string()}</p>
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn AssetTable<T: ListedAsset>(
    spec: &'static ListSpec,
    items: Vec<T>,
    deleting: Memo<Option<String>>,
    delete: ServerAction<DeleteAsset>,
) -> impl IntoView {
    let target = {
        let items = items.clone();
        move || {
            deleting
                .get()
                .and_then(|id| items.iter().find(|i| i.id() == id).cloned())
        }
    };
    let confirming = Memo::new({
        let target = target.clone();
        move |_| target().is_some()
    });
    let confirm = move || target().map(|item| view! { <ConfirmDelete spec item delete /> });
    let body = if items.is_empty() {
        view! { <EmptyState title=spec.empty_title message=spec.empty_message /> }.into_any()
    } else {
        let rows = items
            .into_iter()
            .map(|item| view! { <AssetRow spec item /> })
            .collect_view();
        view! {
            <table class="data">
                <thead>
                    <tr>
                        {spec.columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                        <th scope="col" class="actions-col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
            .into_any()
    };
    view! {
        {confirm}
        // Behind an open confirmation the list is inert, for the keyboard and for screen readers.
        <section
            class="panel table-panel"
            aria-label=spec.title
            inert=move || confirming.get()
            aria-hidden=move || confirming.get().then_some("true")
        >
            {body}
        </section>
    }
}

#[component]
fn AssetRow<T: ListedAsset>(spec: &'static ListSpec, item: T) -> impl IntoView {
    let edit = format!("{}/{}", spec.base, item.id());
    // The confirmation opens over the same page of the list.
    let page = use_list_query().get_untracked();
    let delete = href_with(
        spec.base,
        &[
            ("q", page.q.unwrap_or_default()),
            ("before", page.before.unwrap_or_default()),
            ("delete", item.id().to_owned()),
        ],
    );
    // Each row's links say which item they act on (the visible word comes first).
    let label = item.label();
    view! {
        <tr>
            {item.cells()}
            <td class="actions">
                <a href=edit class="btn btn-sm" aria-label=format!("Edit {label}")>
                    "Edit"
                </a>
                <a
                    href=delete
                    class="btn btn-sm btn-danger-quiet"
                    aria-label=format!("Delete {label}")
                >
                    "Delete"
                </a>
            </td>
        </tr>
    }
}

#[component]
fn ConfirmDelete<T: ListedAsset>(
    spec: &'static ListSpec,
    item: T,
    delete: ServerAction<DeleteAsset>,
) -> impl IntoView {
    let noun = T::KIND.noun();
    let refusal = Signal::derive(move || {
        delete
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    });
    view! {
        <ConfirmDialog
            title=format!("Delete {noun}?")
            message=format!("“{}” will be deleted. This cannot be undone.", item.label())
            error=refusal
        >
            <ActionForm action=delete>
                <input type="hidden" name="kind" value=kind_value(T::KIND) />
                <input type="hidden" name="id" value=item.id().to_owned() />
                <div class="form-actions">
                    <button
                        type="submit"
                        class="btn btn-danger"
                        disabled=move || delete.pending().get()
                    >
                        "Delete"
                    </button>
                    <a href=spec.base class="btn">
                        "Cancel"
                    </a>
                </div>
            </ActionForm>
        </ConfirmDialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_in_the_delete_form_reads_back_as_the_same_kind() {
        for kind in [
            AssetKind::Service,
            AssetKind::Number,
            AssetKind::App,
            AssetKind::EsmeBind,
        ] {
            let json = format!("\"{}\"", kind_value(kind));
            assert_eq!(serde_json::from_str::<AssetKind>(&json).unwrap(), kind);
        }
    }
}
