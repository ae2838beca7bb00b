//! The Outbound Webhook and Authorization forms as a browser without JavaScript posts them
//! (CONTRACT §4 "Forms without JavaScript"): to their own page, as
//! `application/x-www-form-urlencoded`, with the controls' names. A save is sent on with a 303;
//! a refusal renders the form again with the error beside its field and what was typed, secrets
//! excepted; `Show notifications` / `Show fields` and `Run test call` render it again, saving
//! nothing. Against a real HTTPS receiver on loopback, as the test call needs.

use serde_json::json;

use crate::helpers::{location, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::receiver::{Receiver, TestCa};
use crate::rest_assets::Api;

const NEW_WEBHOOK: &str = "/assets/integrations/outbound-webhooks/new";
const NEW_AUTHORIZATION: &str = "/assets/integrations/authorizations/new";

struct Console {
    api: Api,
    receiver: Receiver,
}

impl Console {
    /// The app trusting the receiver, signed in as the administrator.
    async fn start() -> Console {
        let ca = TestCa::new();
        let receiver = Receiver::standard(&ca).await;
        let dir = tempfile::tempdir().unwrap();
        let ca_file = ca.write_pem(dir.path()).display().to_string();
        let flags = [
            "--extra-ca-file",
            ca_file.as_str(),
            "--allow-private-destinations",
            "--request-timeout",
            "500ms",
        ];
        let api = Api::spawn_in(dir, &flags).await;
        assert_eq!(
            api.app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
            303
        );
        Console { api, receiver }
    }

    /// Posts `fields` to the page at `path` as a browser posts a form.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let app = &self.api.app;
        app.client
            .post(app.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    async fn service(&self) -> String {
        let id = self
            .api
            .create("/api/v1/services", json!({"name": "Form Orders"}))
            .await;
        format!("service:{id}")
    }

    async fn webhooks(&self) -> Vec<serde_json::Value> {
        let res = self.api.get("/api/v1/integrations").await;
        assert_eq!(res.status, 200, "{}", res.text);
        res.body.as_array().cloned().unwrap_or_default()
    }
}

#[tokio::test]
async fn a_webhook_form_posted_without_javascript_is_saved_and_the_browser_sent_to_the_list() {
    let c = Console::start().await;
    let entity = c.service().await;
    let url = c.receiver.url("/ok");
    let res = c
        .post(
            NEW_WEBHOOK,
            &[
                ("name", "Posted"),
                ("entity", &entity),
                ("url", &url),
                ("notification", "SMS|Delivered"),
                ("notification", "Email|Bounced"),
                ("hub_enabled", "on"),
                ("hub_secret", "posted-hub-secret"),
                ("hub_algorithm", "sha512"),
                // Shown without JavaScript, but Forward to SMPP is not ticked: not a setting.
                ("esme_bind_id", ""),
                ("enabled", "on"),
                ("max_in_flight", "4"),
                ("rate_per_second", ""),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    assert_eq!(location(&res), "/assets/integrations");
    let saved = c.webhooks().await;
    assert_eq!(saved.len(), 1);
    let w = &saved[0];
    assert_eq!(w["name"], "Posted");
    assert_eq!(w["url"], url);
    assert_eq!(w["hub_signature"]["algorithm"], "sha512");
    assert_eq!(w["forward_to_smpp"], serde_json::Value::Null);
    assert_eq!(w["delivery"]["max_in_flight"], 4);
    assert_eq!(w["notifications"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_refused_post_renders_the_form_again_with_the_error_and_what_was_typed_but_the_secret() {
    let c = Console::start().await;
    let entity = c.service().await;
    let res = c
        .post(
            NEW_WEBHOOK,
            &[
                ("name", "Kept <as> typed"),
                ("entity", &entity),
                ("url", "http://localhost/hook"),
                ("notification", "SMS|Delivered"),
                ("hub_enabled", "on"),
                ("hub_secret", "typed-hub-secret"),
                ("hub_algorithm", "sha512"),
                ("max_in_flight", "3"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"data-field="url""#), "{html}");
    assert!(html.contains("Use an https:// URL."));
    assert!(
        html.contains(r#"value="Kept &lt;as&gt; typed""#),
        "the name is kept, escaped"
    );
    assert!(html.contains(r#"value="http://localhost/hook""#));
    assert!(
        html.contains(&format!(r#"value="{entity}" selected"#)),
        "the entity stays chosen"
    );
    assert!(
        html.contains(r#"value="SMS|Delivered" checked"#),
        "the tick is kept"
    );
    assert!(!html.contains(r#"value="SMS|Failed" checked"#));
    assert!(html.contains(r#"value="sha512" selected"#));
    assert!(
        html.contains(r#"value="3""#),
        "the delivery setting is kept"
    );
    assert!(!html.contains("typed-hub-secret"), "secrets never go back");
    assert!(html.contains("enter it again"));
    assert!(c.webhooks().await.is_empty(), "nothing was saved");
}

#[tokio::test]
async fn show_notifications_renders_the_chosen_entitys_matrix_and_forward_to_smpp_saving_nothing() {
    let c = Console::start().await;
    let number = c
        .api
        .create(
            "/api/v1/numbers",
            json!({"number": "+14155550199", "capabilities": ["SMS"]}),
        )
        .await;
    let entity = format!("number:{number}");
    let res = c
        .post(
            NEW_WEBHOOK,
            &[("name", "Chosen"), ("entity", &entity), ("intent", "show")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"value="SMS|Incoming Message""#), "{html}");
    assert!(
        !html.contains(r#"value="Voice|"#),
        "only the number's channels"
    );
    assert!(
        html.contains("Forward to SMPP"),
        "shown on a number without JavaScript"
    );
    assert!(html.contains("Select ESME Bind ID"));
    assert!(html.contains(r#"value="Chosen""#));
    assert!(
        html.contains(">Show notifications<"),
        "no hydration scripts, so the button stays"
    );
    assert!(c.webhooks().await.is_empty());
}

#[tokio::test]
async fn forward_to_smpp_where_it_does_not_apply_is_refused_on_the_server() {
    let c = Console::start().await;
    let entity = c.service().await;
    let res = c
        .post(
            NEW_WEBHOOK,
            &[
                ("name", "No SMPP here"),
                ("entity", &entity),
                ("url", &c.receiver.url("/ok")),
                ("notification", "SMS|Delivered"),
                ("forward_to_smpp", "on"),
                ("esme_bind_id", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"data-field="forward_to_smpp""#), "{html}");
    assert!(html.contains("only available for numbers"));
}

#[tokio::test]
async fn run_test_call_without_javascript_shows_the_steps_and_saves_nothing() {
    let c = Console::start().await;
    let res = c
        .post(
            NEW_WEBHOOK,
            &[("url", &c.receiver.url("/missing")), ("intent", "test")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    for step in ["dns", "connect", "tls"] {
        assert!(
            html.contains(&format!(r#"<li data-step="{step}" class="ok""#)),
            "{step}: {html}"
        );
    }
    assert!(html.contains(r#"<li data-step="request" class="failed""#));
    assert!(html.contains("404 Not Found"));
    assert!(c.webhooks().await.is_empty());
}

#[tokio::test]
async fn show_fields_renders_the_chosen_type_and_a_saved_profile_goes_to_the_tab() {
    let c = Console::start().await;
    let res = c
        .post(
            NEW_AUTHORIZATION,
            &[
                ("name", "Digest partner"),
                ("type", "Digest Auth"),
                ("intent", "show"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    for label in ["Realm", "Nonce Count", "Client Nonce", "Opaque"] {
        assert!(html.contains(&format!(">{label}</label>")), "{label}");
    }
    assert!(!html.contains(">Access Key</label>"));
    assert!(html.contains(r#"value="Digest Auth" selected"#));

    let refused = c
        .post(
            NEW_AUTHORIZATION,
            &[
                ("name", "Digest partner"),
                ("type", "Digest Auth"),
                ("username", "ana"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains(r#"data-field="password""#), "{html}");
    assert!(html.contains(r#"value="ana""#));

    let saved = c
        .post(
            NEW_AUTHORIZATION,
            &[
                ("name", "Token partner"),
                ("type", "OAuth 2.0"),
                ("grant_type", "Client Credentials"),
                ("client_id", "console"),
                ("client_secret", "posted-client-secret"),
                ("access_token_url", "https://localhost:9/token"),
                ("header_key", "X-Tenant"),
                ("header_value", "acme"),
                // The blank row a form without JavaScript always offers.
                ("header_key", ""),
                ("header_value", ""),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap());
    assert_eq!(location(&saved), "/assets/integrations?tab=authorizations");
    let list = c.api.get("/api/v1/authorizations").await;
    let profile = &list.body[0];
    assert_eq!(profile["name"], "Token partner", "{}", list.text);
    assert_eq!(
        profile["access_token_url_headers"],
        json!({"X-Tenant": "acme"})
    );
    assert_eq!(profile["secrets_set"], json!(["client_secret"]));
}

#[tokio::test]
async fn an_asset_form_refused_without_javascript_keeps_what_was_typed_and_saves_once_fixed() {
    let c = Console::start().await;
    let refused = c
        .post(
            "/assets/numbers/new",
            &[
                ("number", "12ab"),
                ("capabilities", "SMS"),
                ("capabilities", "Voice"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains(r#"value="12ab""#), "{html}");
    assert!(html.contains(r#"value="SMS" checked"#));
    assert!(html.contains(r#"value="Voice" checked"#));
    assert!(!html.contains(r#"value="MMS" checked"#));
    assert!(html.contains("E.164"));

    let saved = c
        .post(
            "/assets/numbers/new",
            &[("number", "+14155550142"), ("capabilities", "SMS")],
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(location(&saved), "/assets/numbers?notice=saved");
    let numbers = c.api.get("/api/v1/numbers").await;
    assert_eq!(
        numbers.body[0]["number"], "+14155550142",
        "{}",
        numbers.text
    );

    let bind = c
        .post(
            "/assets/esme-binds/new",
            &[
                ("system_id", ""),
                ("password", "secret1"),
                ("description", "Typed and kept"),
            ],
        )
        .await;
    assert_eq!(bind.status(), 422);
    let html = bind.text().await.unwrap();
    assert!(html.contains("Typed and kept"));
    assert!(!html.contains("secret1"), "the password never goes back");
    assert!(html.contains("enter it again"));
}

#[tokio::test]
async fn a_body_that_is_not_a_form_is_refused_with_415() {
    let c = Console::start().await;
    let app = &c.api.app;
    let res = app
        .client
        .post(app.url(NEW_WEBHOOK))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    assert!(res.text().await.unwrap().contains("x-www-form-urlencoded"));
}
