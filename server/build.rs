//! Rebuild triggers cargo cannot see by itself.
fn main() {
    // Migrations are embedded by `sqlx::migrate!`: a new or edited file must rebuild the binary.
    println!("cargo:rerun-if-changed=../migrations");
    // The release binary embeds target/site (rust-embed). cargo-leptos rewrites it before the
    // server build when run with --precompress (or --frontend-only, then --server-only): re-embed
    // whenever it changes, so the binary never carries a stale site.
    if std::env::var("PROFILE").as_deref() == Ok("release") {
        println!("cargo:rerun-if-changed=../target/site");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
