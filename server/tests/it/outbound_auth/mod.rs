//! Every authorization type applied to outbound requests, verified by real peers on 127.0.0.1
//! (started here as child processes or in-process, on free ports, stopped when dropped).
//!
//! | type                         | verified by                                                          |
//! |------------------------------|----------------------------------------------------------------------|
//! | Basic                        | httpbin `/basic-auth` under gunicorn+TLS (HEAD test call; 401 when wrong) |
//! | Digest MD5, SHA-256, qop auth | httpbin `/digest-auth/auth/…` (HEAD test call, 401-challenge path)   |
//! | Digest MD5-sess, SHA-256-sess, auth-int (POST) | `peers/digest_receiver.py` (Python hashlib, independent), itself cross-checked with `curl --digest`; RFC 7616 §3.9.1 known answers in unit tests |
//! | AWS Signature V4             | botocore `SigV4Auth` re-signs the captured POST (query string, non-ASCII JSON) with the same `X-Amz-Date`: same signature |
//! | API Key                      | in-process capture receiver (header, and query appended to an existing query) |
//! | OAuth 2.0 client credentials | oauth2-mock-server over HTTPS (`peers/oauth2_mock.mjs`): body vs Basic client authentication seen by its hooks, Advance Settings seen on arrival, Bearer on deliveries, renewal after a 401, failure explained and reported |
//! | OAuth 2.0 authorization code | oauth2-mock-server: `/authorize` redirect (state, PKCE S256) → code → `exchange_code` → tokens with refresh token → refresh grant when expired |

mod api_key;
mod capture;
pub(crate) mod child;
mod digest_peer;
mod httpbin;
mod oauth2_peer;
pub(crate) mod pki;
mod sigv4_botocore;

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use webhooks_console::outbound::auth::{TokenSet, TokenSink};
use webhooks_console::outbound::{OutboundClient, OutboundConfig};

use pki::Pki;

/// No test may hang: every network step is cut off well after its own timeout would fire.
async fn bounded<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), fut)
        .await
        .expect("the test step did not finish within 30s")
}

/// The product's outbound client, trusting the test CA, with the SSRF guard off (loopback peers).
fn client(pki: &Pki) -> OutboundClient {
    OutboundClient::new(OutboundConfig {
        extra_ca_pem: Some(pki.ca_pem.clone().into_bytes()),
        allow_private_destinations: true,
        ..OutboundConfig::default()
    })
    .expect("client builds")
}

/// What a live authorizer told its sink, in order.
#[derive(Default)]
struct RecordingSink {
    events: Mutex<Vec<SinkEvent>>,
}

#[derive(Debug, Clone, PartialEq)]
enum SinkEvent {
    Refreshed { id: i64, has_refresh_token: bool },
    Failed { id: i64, reason: String },
}

impl RecordingSink {
    fn events(&self) -> Vec<SinkEvent> {
        self.events.lock().unwrap().clone()
    }
}

#[async_trait]
impl TokenSink for RecordingSink {
    async fn tokens_refreshed(&self, authorization_id: i64, tokens: &TokenSet) {
        self.events.lock().unwrap().push(SinkEvent::Refreshed {
            id: authorization_id,
            has_refresh_token: tokens.refresh_token.is_some(),
        });
    }

    async fn token_failed(&self, authorization_id: i64, reason: &str) {
        self.events.lock().unwrap().push(SinkEvent::Failed {
            id: authorization_id,
            reason: reason.to_owned(),
        });
    }
}
