//! Forward to SMPP end to end: the app's SMPP listener on 127.0.0.1:0, a real ESME (smpplib,
//! `peers/smpp_esme.py`) binding to it, incoming SMS ingested over the API and forwarded by
//! `run_once()` as `deliver_sm`, the HTTP webhook beside it, and the delivery log read back.
//! `binds` (who may bind, the keep-alive), `forwarding` (what arrives, when no ESME is bound,
//! the ESME's answers).

mod binds;
mod crash;
mod forwarding;
mod instances;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::dispatcher::Harness;
use crate::outbound_auth::child::{peer_script, python, Peer};
use crate::receiver::Answers;

pub const SYSTEM_ID: &str = "acme";
pub const PASSWORD: &str = "s3cret";
/// The payload's `da`: the number the SMS was sent to.
pub const SHORT_CODE: &str = "60777";
/// The payload's `oa`: the customer who sent it.
pub const CUSTOMER: &str = "447700900321";

/// The app with its SMPP listener, one number whose webhook forwards to one ESME bind.
pub struct Smpp {
    pub h: Harness,
    pub number: String,
    pub bind: String,
    pub webhook: String,
}

impl Smpp {
    pub async fn start(flags: &[&str]) -> Smpp {
        let mut all = vec!["--smpp-listen", "127.0.0.1:0"];
        all.extend_from_slice(flags);
        let h = Harness::start(Answers::default().posts("/hook", &[200], "ok"), &all).await;
        let number = h
            .api
            .create(
                "/api/v1/numbers",
                json!({"number": SHORT_CODE, "capabilities": ["SMS"]}),
            )
            .await;
        let bind = h
            .api
            .create(
                "/api/v1/esme-binds",
                json!({"system_id": SYSTEM_ID, "password": PASSWORD, "description": "Acme"}),
            )
            .await;
        let webhook = h
            .api
            .create(
                "/api/v1/integrations",
                json!({
                    "name": "Inbound",
                    "entity": {"kind": "number", "id": number},
                    "url": h.receiver.url("/hook"),
                    "notifications": [{"channel": "SMS", "event": "Incoming Message"}],
                    "forward_to_smpp": {"esme_bind_id": bind},
                }),
            )
            .await;
        Smpp {
            h,
            number,
            bind,
            webhook,
        }
    }

    pub fn port(&self) -> u16 {
        self.h.api.app.smpp_addr.expect("--smpp-listen").port()
    }

    /// An smpplib ESME binding with these credentials (and the peer's other flags).
    pub fn esme(&self, system_id: &str, password: &str, extra: &[&str]) -> Peer {
        esme_on(self.port(), system_id, password, extra)
    }

    /// An ESME of the bind, waited for until it is bound.
    pub async fn bound_esme(&self, extra: &[&str]) -> Peer {
        let esme = self.esme(SYSTEM_ID, PASSWORD, extra);
        let bound = wait_events(&esme, 1, |e| e["event"] != "deliver_sm").await;
        assert_eq!(
            bound.first().map(|e| &e["event"]),
            Some(&json!("bound")),
            "{bound:?}"
        );
        esme
    }

    /// Ingests one SMS Incoming Message per text, from the customer to the short code.
    pub async fn incoming(&self, texts: &[&str]) {
        let events: Vec<Value> = texts
            .iter()
            .map(|text| {
                json!({
                    "channel": "SMS", "event": "Incoming Message", "number_id": self.number,
                    "payload": {"userId": "30412", "channel": "SMS", "da": SHORT_CODE,
                                "oa": CUSTOMER, "message": text, "messageCount": "1"},
                })
            })
            .collect();
        let res = self.h.ingest(Value::Array(events)).await;
        assert_eq!(res.status, 202, "{}", res.text);
        assert_eq!(
            res.body["deliveries"],
            json!(texts.len() * 2),
            "an HTTP and an SMPP delivery per message: {}",
            res.text
        );
    }

    /// The deliveries of one transport, oldest first, each with its attempts.
    pub async fn deliveries_by(&self, transport: &str) -> Vec<Value> {
        let mut found = Vec::new();
        for d in self.h.deliveries("").await.iter().rev() {
            if d["transport"] == transport {
                let id = d["id"].as_str().unwrap().to_owned();
                found.push(self.h.delivery(&id).await);
            }
        }
        found
    }
}

/// An smpplib ESME binding to the SMPP listener on `port` of 127.0.0.1.
pub fn esme_on(port: u16, system_id: &str, password: &str, extra: &[&str]) -> Peer {
    let mut command = Command::new(python());
    command
        .arg(peer_script("smpp_esme.py"))
        .args(["--port", &port.to_string()])
        .args(["--system-id", system_id, "--password", password])
        .args(extra);
    Peer::start(command, "smpplib ESME")
}

/// Waits (bounded, short async polls: the ESME talks to this same runtime) until `count`
/// events matching `pred` were printed.
pub async fn wait_events(peer: &Peer, count: usize, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let found: Vec<Value> = peer.events().into_iter().filter(|e| pred(e)).collect();
        if found.len() >= count || Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn ucs2_hex(text: &str) -> String {
    let octets: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    hex(&octets)
}
