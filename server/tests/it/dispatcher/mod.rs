//! The dispatcher end to end: events ingested over the API, delivered by `run_once()` (never a
//! sleep) to in-process HTTPS receivers on loopback, and read back from the delivery log.
//! `delivery` (fan-out, the request, signatures), `outcomes` (each class of SPEC §4), `retries`
//! (the schedule, resend, test event), `ingest` (validation, idempotence, all-or-nothing, 413),
//! `log` (filters, deleting a webhook).

mod authorized;
mod delivery;
mod ingest;
mod log;
mod outcomes;
mod retries;

use serde_json::{json, Value};

use crate::receiver::{Answers, Receiver, TestCa};
use crate::rest_assets::{Answer, Api};

/// An app without background workers (the test drives them), trusting the receiver's CA, with
/// the SSRF guard off (the receiver is on loopback), and a receiver.
pub struct Harness {
    pub api: Api,
    pub receiver: Receiver,
    pub ca: TestCa,
}

impl Harness {
    pub async fn start(answers: Answers, flags: &[&str]) -> Harness {
        Self::start_in(tempfile::tempdir().unwrap(), answers, flags).await
    }

    /// Like [`Harness::start`], in a folder prepared beforehand (its `secret.key` is the key
    /// file; `flags` may name a database of its own).
    pub async fn start_in(dir: tempfile::TempDir, answers: Answers, flags: &[&str]) -> Harness {
        let ca = TestCa::new();
        let receiver = Receiver::start(&ca, answers).await;
        let ca_file = ca.write_pem(dir.path()).display().to_string();
        let mut all = vec!["--extra-ca-file", &ca_file, "--allow-private-destinations"];
        if !flags.contains(&"--request-timeout") {
            all.extend_from_slice(&["--request-timeout", "2s"]);
        }
        all.extend_from_slice(flags);
        let api = Api::spawn_manual_in(dir, &all).await;
        Harness { api, receiver, ca }
    }

    /// A service asset; returns its id.
    pub async fn service(&self, name: &str) -> String {
        self.api
            .create("/api/v1/services", json!({"name": name}))
            .await
    }

    /// A webhook on service `service` for `notifications` to `path` of the receiver.
    pub async fn webhook(&self, name: &str, service: &str, path: &str, extra: Value) -> String {
        let mut body = json!({
            "name": name,
            "entity": {"kind": "service", "id": service},
            "url": self.receiver.url(path),
            "notifications": [{"channel": "SMS", "event": "Delivered"}],
        });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        self.api.create("/api/v1/integrations", body).await
    }

    /// A client-credentials OAuth 2.0 profile on the receiver's `/token`, with this secret.
    pub fn client_credentials(&self, secret: &str) -> Value {
        json!({"name": "cc", "type": "OAuth 2.0", "grant_type": "Client Credentials",
               "client_id": "console", "client_secret": secret,
               "access_token_url": self.receiver.url("/token")})
    }

    /// Saves the profile `auth` (made by [`Harness::client_credentials`]) with a new secret,
    /// which drops the token stored for it: the next request needs a new one.
    pub async fn drop_token(&self, auth: &str) {
        let body = self.client_credentials("resaved");
        let res = self
            .api
            .put(&format!("/api/v1/authorizations/{auth}"), body)
            .await;
        assert_eq!(res.status, 200, "{}", res.text);
    }

    pub async fn ingest(&self, body: Value) -> Answer {
        self.api.post("/api/v1/events", body).await
    }

    /// Runs the workers until nothing is due; returns the attempts recorded.
    pub async fn run_once(&self) -> usize {
        self.api.app.dispatcher.run_once().await.expect("run_once")
    }

    pub async fn deliveries(&self, query: &str) -> Vec<Value> {
        let res = self.api.get(&format!("/api/v1/deliveries{query}")).await;
        assert_eq!(res.status, 200, "{}", res.text);
        res.body.as_array().expect("a list").clone()
    }

    pub async fn delivery(&self, id: &str) -> Value {
        let res = self.api.get(&format!("/api/v1/deliveries/{id}")).await;
        assert_eq!(res.status, 200, "{}", res.text);
        res.body
    }

    /// POSTs the receiver saw, in order.
    pub fn posts(&self) -> Vec<crate::receiver::Seen> {
        self.receiver
            .seen()
            .into_iter()
            .filter(|s| s.method == "POST")
            .collect()
    }
}

/// An SMS Delivered receipt for `service` with this payload.
pub fn receipt(service: &str, payload: Value) -> Value {
    json!({"channel": "SMS", "event": "Delivered", "service_id": service, "payload": payload})
}
