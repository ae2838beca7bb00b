//! `GET /api/v1/openapi.json` (CONTRACT §4): public, and every operation it describes is one
//! the API routes (called with an API key, none answers "No such endpoint" or 405).

use serde_json::Value;

use crate::rest_assets::Api;

#[tokio::test]
async fn the_openapi_document_is_public_and_every_operation_in_it_is_routed() {
    let api = Api::spawn().await;
    let res = reqwest::get(api.app.url("/api/v1/openapi.json"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "no key needed");
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for method in item.as_object().unwrap().keys() {
            operations += 1;
            let concrete = path.replace("{id}", "999999");
            let mut req = api
                .app
                .client
                .request(
                    method.to_uppercase().parse().unwrap(),
                    api.app.url(&concrete),
                )
                .bearer_auth(api.key());
            if matches!(method.as_str(), "post" | "put") {
                req = req.header("content-type", "application/json").body("{}");
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let text = res.text().await.unwrap();
            assert_ne!(status, 405, "{method} {path}: {text}");
            assert!(
                !text.contains("No such endpoint."),
                "{method} {path} is documented but not routed"
            );
            assert!(status < 500, "{method} {path}: {text}");
        }
    }
    assert_eq!(
        operations, 38,
        "one per route; the test call (POST /api/v1/integrations/test) is the 38th"
    );
}
