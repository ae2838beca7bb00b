//! `--demo-data` fills an empty database once, through the same rules as everything else.

use webhooks_console::store::Store;

use crate::helpers::{spawn_app_with, ADMIN_EMAIL, ADMIN_PASSWORD};

async fn counts(store: &dyn Store) -> (usize, usize, usize, usize) {
    (
        store
            .list_services(&Default::default())
            .await
            .unwrap()
            .len(),
        store.list_numbers(&Default::default()).await.unwrap().len(),
        store.list_apps(&Default::default()).await.unwrap().len(),
        store
            .list_esme_binds(&Default::default())
            .await
            .unwrap()
            .len(),
    )
}

#[tokio::test]
async fn demo_data_fills_an_empty_database_with_every_kind_of_asset() {
    let app = spawn_app_with(&[
        "--admin-email",
        ADMIN_EMAIL,
        "--admin-password",
        ADMIN_PASSWORD,
        "--demo-data",
    ])
    .await;
    let (services, numbers, apps, binds) = counts(app.store.as_ref()).await;
    assert!(
        services >= 3 && numbers >= 3 && binds >= 1,
        "{services} {numbers} {apps} {binds}"
    );
    assert_eq!(apps, 7, "one app of each app type");
    // Secrets in the demo data are sealed like any other.
    for bind in app
        .store
        .list_esme_binds(&Default::default())
        .await
        .unwrap()
    {
        assert!(bind.password_enc.starts_with("v2:"), "{bind:?}");
    }
}

#[tokio::test]
async fn without_the_flag_the_database_stays_empty() {
    let app = spawn_app_with(&[
        "--admin-email",
        ADMIN_EMAIL,
        "--admin-password",
        ADMIN_PASSWORD,
    ])
    .await;
    assert_eq!(counts(app.store.as_ref()).await, (0, 0, 0, 0));
}
