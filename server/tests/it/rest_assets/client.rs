//! The small JSON client the REST tests share: the app with an admin and an API key, and
//! its answers as status, JSON and text.

use serde_json::Value;
use webhooks_console::auth::api_key;

use crate::helpers::{spawn_app_manual, spawn_app_with, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

/// One answer of the API: status, JSON body (`Null` when empty) and the raw text.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub text: String,
}

impl Answer {
    /// Asserts the status and an `{"error": "<sentence>", "field": …}` body; returns the error.
    #[track_caller]
    pub fn refused(&self, status: u16, field: Option<&str>) -> String {
        assert_eq!(self.status, status, "{}", self.text);
        let error = self.body["error"].as_str().unwrap_or_default();
        assert!(!error.is_empty(), "no error sentence: {}", self.text);
        assert_eq!(self.body["field"].as_str(), field, "{}", self.text);
        error.to_owned()
    }
}

/// The app, an API key for it, and a folder for its secret key file and CA file.
pub struct Api {
    pub app: TestApp,
    key: String,
    _dir: tempfile::TempDir,
}

impl Api {
    /// The app with an admin, its secret key file in a temp folder, and these extra flags.
    pub async fn spawn_with(extra: &[&str]) -> Api {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::spawn_in(dir, extra).await
    }

    pub async fn spawn() -> Api {
        Self::spawn_with(&[]).await
    }

    /// Like [`Api::spawn_with`], in a folder prepared beforehand (e.g. holding a CA file).
    pub async fn spawn_in(dir: tempfile::TempDir, extra: &[&str]) -> Api {
        Self::spawn_in_mode(dir, extra, true).await
    }

    /// Like [`Api::spawn_in`] without the background delivery workers (tests call `run_once`).
    pub async fn spawn_manual_in(dir: tempfile::TempDir, extra: &[&str]) -> Api {
        Self::spawn_in_mode(dir, extra, false).await
    }

    async fn spawn_in_mode(dir: tempfile::TempDir, extra: &[&str], workers: bool) -> Api {
        let key_file = dir.path().join("secret.key").display().to_string();
        let mut flags = vec![
            "--admin-email",
            ADMIN_EMAIL,
            "--admin-password",
            ADMIN_PASSWORD,
            "--secret-key-file",
            &key_file,
        ];
        flags.extend_from_slice(extra);
        let app = if workers {
            spawn_app_with(&flags).await
        } else {
            spawn_app_manual(&flags).await
        };
        let (key, _) = api_key::create(app.store.as_ref(), "rest tests")
            .await
            .expect("API key");
        Api {
            app,
            key,
            _dir: dir,
        }
    }

    /// The folder of its key file (`secret.key`) and whatever the test puts beside it.
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// The API key the client sends.
    pub fn key(&self) -> &str {
        &self.key
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<&str>) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self
            .app
            .client
            .request(method, self.app.url(path))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        let res = req.send().await.expect("the API answers");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        Answer { status, body, text }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send("GET", path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send("POST", path, Some(&body.to_string())).await
    }
    pub async fn put(&self, path: &str, body: Value) -> Answer {
        self.send("PUT", path, Some(&body.to_string())).await
    }
    pub async fn delete(&self, path: &str) -> Answer {
        self.send("DELETE", path, None).await
    }

    /// Creates an asset and returns its id, asserting 201.
    pub async fn create(&self, collection: &str, body: Value) -> String {
        let res = self.post(collection, body).await;
        assert_eq!(res.status, 201, "{collection}: {}", res.text);
        res.body["id"].as_str().expect("id is a string").to_owned()
    }
}
