#![recursion_limit = "256"]
//! The browser entry point: hydrates the HTML the server rendered into a live Leptos app.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
