//! Hostile values at the API's edge: each is refused with 422 on its field, never stored as
//! something else (review item 8).

use serde_json::json;

use crate::rest_assets::Api;

#[tokio::test]
async fn an_oauth_validity_above_ten_years_is_refused_and_never_wraps_around() {
    let api = Api::spawn().await;
    let body = |validity: serde_json::Value| {
        json!({"name": "cc", "type": "OAuth 2.0", "grant_type": "Client Credentials",
               "client_id": "cid", "client_secret": "s",
               "access_token_url": "https://idp.example/token",
               "limited_validity": true, "validity": validity})
    };
    for huge in [
        json!(315_360_001u64),
        json!(u64::MAX),
        json!("18446744073709551616"),
        json!(1e30),
    ] {
        let res = api.post("/api/v1/authorizations", body(huge.clone())).await;
        res.refused(422, Some("validity"));
    }
    let ten_years = api
        .post("/api/v1/authorizations", body(json!(315_360_000u64)))
        .await;
    assert_eq!(ten_years.status, 201, "{}", ten_years.text);
    assert_eq!(ten_years.body["validity"], json!(315_360_000u64));
}
