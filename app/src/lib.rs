//! The console: the HTML shell, the router, pages, components and server functions.
//!
//! Compiled twice: with `ssr` into the server binary (renders pages, runs server functions)
//! and with `hydrate` into the WASM bundle (makes the rendered pages interactive).
//! `domain` is compiled in both, so the browser pre-checks with the server's own rules.

pub mod api;
pub mod components;
pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod services;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Redirect, Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    components::layout::ConsoleLayout,
    pages::{
        assets::{
            apps::AppsPage, esme_binds::EsmeBindsPage, integrations::IntegrationsPage,
            numbers::NumbersPage, services::ServicesPage,
        },
        login::LoginPage,
        monitor::{dashboard::DashboardPage, deliveries::DeliveriesPage, delivery::DeliveryPage},
        not_found::NotFoundPage,
        setup::SetupPage,
    },
};

/// The name cargo-leptos gives the JS, WASM and CSS bundles (`/pkg/<name>.*`).
pub const OUTPUT_NAME: &str = "webhooks-console";

/// The HTML document the server renders around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    use_response_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The same document without the hydration scripts, for a page answered to a form POST (the
/// refused sign-in, 429 at `/auth/login`): its address is not its route, so the browser app
/// could not take it over. It is plain HTML, which every page is built to work as.
pub fn static_shell() -> impl IntoView {
    #[cfg(feature = "ssr")]
    use_response_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Makes the nonce of this response's Content-Security-Policy (minted by the server's header
/// middleware, passed in the request's extensions) the one Leptos writes on every inline
/// script. Runs in the render's root, before any script is written, so it replaces the
/// nonce the integration made up.
#[cfg(feature = "ssr")]
fn use_response_nonce() {
    use leptos::nonce::Nonce;
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Nonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(nonce);
    }
}

/// The router. Every page renders fully on the server before it is sent (`SsrMode::Async`),
/// so the console works with JavaScript off; the WASM then takes over in place.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Set only in the browser, once the WASM has hydrated: tests wait for it before clicking.
    let hydrated = components::form::provide_hydrated();

    view! {
        <Stylesheet id="leptos" href=format!("/pkg/{OUTPUT_NAME}.css") />
        <Title formatter=|page: String| format!("{page} · webhooks-console") />
        <div id="root" data-hydrated=move || hydrated.get().to_string()>
            <Router>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async />
                    <ParentRoute path=path!("") view=ConsoleLayout ssr=SsrMode::Async>
                        <Route
                            path=path!("")
                            view=|| view! { <Redirect path="/assets/integrations" /> }
                        />
                        <Route path=path!("/assets/services") view=ServicesPage />
                        <Route path=path!("/assets/services/new") view=pages::assets::service_form::ServiceFormPage />
                        <Route path=path!("/assets/services/:id") view=pages::assets::service_form::ServiceFormPage />
                        <Route path=path!("/assets/numbers") view=NumbersPage />
                        <Route path=path!("/assets/numbers/new") view=pages::assets::number_form::NumberFormPage />
                        <Route path=path!("/assets/numbers/:id") view=pages::assets::number_form::NumberFormPage />
                        <Route path=path!("/assets/apps") view=AppsPage />
                        <Route path=path!("/assets/apps/new") view=pages::assets::app_form::AppFormPage />
                        <Route path=path!("/assets/apps/:id") view=pages::assets::app_form::AppFormPage />
                        <Route path=path!("/assets/esme-binds") view=EsmeBindsPage />
                        <Route path=path!("/assets/esme-binds/new") view=pages::assets::esme_bind_form::EsmeBindFormPage />
                        <Route path=path!("/assets/esme-binds/:id") view=pages::assets::esme_bind_form::EsmeBindFormPage />
                        <Route path=path!("/assets/integrations") view=IntegrationsPage />
                        <Route
                            path=path!("/assets/integrations/outbound-webhooks/new")
                            view=pages::assets::webhooks::WebhookFormPage
                        />
                        <Route
                            path=path!("/assets/integrations/outbound-webhooks/:id")
                            view=pages::assets::webhooks::WebhookFormPage
                        />
                        <Route
                            path=path!("/assets/integrations/authorizations/new")
                            view=pages::assets::authorizations::AuthorizationFormPage
                        />
                        <Route
                            path=path!("/assets/integrations/authorizations/:id")
                            view=pages::assets::authorizations::AuthorizationFormPage
                        />
                        <Route path=path!("/monitor/deliveries") view=DeliveriesPage />
                        <Route path=path!("/monitor/deliveries/:id") view=DeliveryPage />
                        <Route path=path!("/monitor/dashboard") view=DashboardPage />
                    </ParentRoute>
                </Routes>
            </Router>
        </div>
    }
}
