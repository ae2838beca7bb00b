//! The console chrome around every signed-in page: the left navigation, the header with the
//! signed-in user, Sign out and Sign out everywhere, and the page itself.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};

use crate::api::account::signed_in_user;

#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let user = Resource::new(|| (), |_| signed_in_user());

    view! {
        <div class="console">
            <nav class="sidebar" aria-label="Main">
                <a class="brand" href="/assets/integrations">
                    <span class="brand-mark" aria-hidden="true">"W"</span>
                    <span>"webhooks-console"</span>
                </a>
                <NavSection title="Assets">
                    <NavLink href="/assets/services" label="Services" />
                    <NavLink href="/assets/numbers" label="Numbers" />
                    <NavLink href="/assets/apps" label="Apps" />
                    <NavLink href="/assets/esme-binds" label="ESME Binds" />
                    <NavLink href="/assets/integrations" label="Integrations" />
                </NavSection>
                <NavSection title="Monitor">
                    <NavLink href="/monitor/deliveries" label="Deliveries" />
                    <NavLink href="/monitor/dashboard" label="Dashboard" />
                </NavSection>
            </nav>
            <div class="workspace">
                <header class="topbar">
                    <span class="topbar-spacer"></span>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            user.await
                                .ok()
                                .map(|u| {
                                    view! {
                                        <span class="user" data-testid="signed-in-user">
                                            <span class="user-avatar" aria-hidden="true">
                                                {u.email.chars().next().unwrap_or('?').to_uppercase().to_string()}
                                            </span>
                                            {u.email}
                                        </span>
                                    }
                                })
                        })}
                    </Suspense>
                    <form method="post" action="/auth/logout" class="signout">
                        <button type="submit" class="btn btn-quiet">"Sign out"</button>
                    </form>
                    // Ends every session of this user, e.g. after a lost laptop.
                    <form method="post" action="/auth/logout-everywhere" class="signout">
                        <button type="submit" class="btn btn-quiet">"Sign out everywhere"</button>
                    </form>
                </header>
                <main class="content">
                    <Outlet />
                </main>
            </div>
        </div>
    }
}

#[component]
fn NavSection(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="nav-section">
            <h2 class="nav-title">{title}</h2>
            <ul>{children()}</ul>
        </div>
    }
}

#[component]
fn NavLink(href: &'static str, label: &'static str) -> impl IntoView {
    view! {
        <li>
            <A href=href>{label}</A>
        </li>
    }
}
