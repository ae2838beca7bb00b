//! Who may bind, and how a bound session is kept alive or dropped.

use std::time::Duration;

use futures::{SinkExt as _, StreamExt as _};
use rusmpp::{
    pdus::BindReceiver, tokio_codec::CommandCodec, types::COctetString, Command, CommandId,
    CommandStatus, Pdu,
};
use serde_json::json;
use tokio_util::codec::Framed;

use super::{wait_events, Smpp, PASSWORD, SYSTEM_ID};

/// SMPP 3.4 command_status values the refusals must carry.
const ESME_RBINDFAIL: u32 = 0x0D;
const ESME_RINVPASWD: u32 = 0x0E;
const ESME_RINVSYSID: u32 = 0x0F;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_and_a_transmitter_bind_are_refused_with_their_status() {
    let s = Smpp::start(&[]).await;
    let cases = [
        (SYSTEM_ID, "wrong", "receiver", ESME_RINVPASWD),
        ("nobody", PASSWORD, "transceiver", ESME_RINVSYSID),
        (SYSTEM_ID, PASSWORD, "transmitter", ESME_RBINDFAIL),
    ];
    for (system_id, password, bind, status) in cases {
        let esme = s.esme(system_id, password, &["--bind", bind]);
        let seen = wait_events(&esme, 1, |_| true).await;
        assert_eq!(
            seen.first(),
            Some(&json!({"event": "bind_refused", "status": status})),
            "{system_id}/{password} as {bind}"
        );
    }
    // `/metrics` counts them, and the PDUs (the recorder is the process's: only presence here).
    let app = &s.h.api.app;
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap();
    let metrics = metrics.text().await.unwrap();
    assert!(metrics.contains("smpp_binds_refused_total"), "{metrics}");
    assert!(metrics.contains("smpp_pdus_total{"), "{metrics}");
    // None of them is a session a message could go to.
    s.incoming(&["kept for a real bind"]).await;
    assert_eq!(s.h.run_once().await, 2);
    let d = &s.deliveries_by("smpp").await[0];
    assert_eq!(d["attempts"][0]["error_code"], "smpp_not_bound", "{d}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_esme_binds_as_receiver_or_transceiver_and_is_listed_until_it_unbinds() {
    let s = Smpp::start(&[]).await;
    let receiver = s.bound_esme(&["--bind", "receiver"]).await;
    let transceiver = s.bound_esme(&["--bind", "transceiver"]).await;
    let view = s.h.api.get(&format!("/api/v1/esme-binds/{}", s.bind)).await;
    assert_eq!(view.status, 200, "{}", view.text);
    let sessions = view.body["sessions"].as_array().expect("sessions").clone();
    let mut types: Vec<&str> = sessions
        .iter()
        .map(|x| x["bind_type"].as_str().unwrap())
        .collect();
    types.sort_unstable();
    assert_eq!(types, vec!["receiver", "transceiver"], "{}", view.text);
    for x in &sessions {
        assert!(x["peer"].as_str().unwrap().starts_with("127.0.0.1:"), "{x}");
        assert!(x["bound_at"].as_str().is_some(), "{x}");
    }
    drop((receiver, transceiver));
    // The ESMEs are gone (their sockets closed): the sessions end.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let view = s.h.api.get(&format!("/api/v1/esme-binds/{}", s.bind)).await;
        if view.body["sessions"] == json!([]) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{}", view.text);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A raw SMPP client (rusmpp over TCP), for what smpplib does not do: stay silent.
async fn raw_bind(s: &Smpp) -> Framed<tokio::net::TcpStream, CommandCodec> {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", s.port()))
        .await
        .unwrap();
    let mut conn = Framed::new(stream, CommandCodec::new());
    let bind = BindReceiver::builder()
        .system_id(COctetString::from_string(SYSTEM_ID.into()).unwrap())
        .password(COctetString::from_string(PASSWORD.into()).unwrap())
        .build();
    conn.send(Command::new(CommandStatus::EsmeRok, 1, bind))
        .await
        .unwrap();
    let resp = next(&mut conn).await.expect("a bind_resp");
    assert_eq!(resp.id(), CommandId::BindReceiverResp);
    assert_eq!(resp.status(), CommandStatus::EsmeRok);
    conn
}

async fn next(conn: &mut Framed<tokio::net::TcpStream, CommandCodec>) -> Option<Command> {
    tokio::time::timeout(Duration::from_secs(5), conn.next())
        .await
        .expect("the listener answers or closes within 5 s")
        .map(|r| r.expect("a readable PDU"))
}

#[tokio::test]
async fn a_silent_session_is_asked_with_enquire_link_then_dropped() {
    let s = Smpp::start(&["--smpp-enquire-link", "200ms"]).await;
    let mut conn = raw_bind(&s).await;
    // The listener answers an enquire_link at once.
    conn.send(Command::new(CommandStatus::EsmeRok, 2, Pdu::EnquireLink))
        .await
        .unwrap();
    let answer = next(&mut conn).await.unwrap();
    assert_eq!(
        (answer.id(), answer.sequence_number()),
        (CommandId::EnquireLinkResp, 2)
    );
    // Then, silent, it is asked once whether it is still there, and dropped when it says nothing.
    let asked = next(&mut conn).await.unwrap();
    assert_eq!(asked.id(), CommandId::EnquireLink);
    assert!(next(&mut conn).await.is_none(), "the connection is closed");
}

#[tokio::test]
async fn unbind_is_answered_and_ends_the_session() {
    let s = Smpp::start(&[]).await;
    let mut conn = raw_bind(&s).await;
    conn.send(Command::new(CommandStatus::EsmeRok, 7, Pdu::Unbind))
        .await
        .unwrap();
    let answer = next(&mut conn).await.unwrap();
    assert_eq!(
        (answer.id(), answer.sequence_number()),
        (CommandId::UnbindResp, 7)
    );
    assert!(next(&mut conn).await.is_none(), "the connection is closed");
    let view = s.h.api.get(&format!("/api/v1/esme-binds/{}", s.bind)).await;
    assert_eq!(view.body["sessions"], json!([]), "{}", view.text);
}
