//! One ESME connection: the bind, then the bound session until it ends.
//!
//! Guarantees: before a successful bind only `bind_*`, `enquire_link` and `unbind` are served
//! (anything else is answered `generic_nack` ESME_RINVBNDSTS); a bind is accepted as receiver or
//! transceiver only when its credentials check out, and the session is listed in
//! [`Sessions`](super::Sessions) (and the deliveries that waited for its ESME made due) before
//! its `bind_resp` is sent, so whoever sees the bind succeed can deliver to it at once; a
//! transmitter bind is refused with ESME_RBINDFAIL (it could never receive a `deliver_sm`); a
//! refused bind closes the connection (one try per connection). While bound: `enquire_link` is
//! answered, and sent after [`super::SmppConfig::enquire_link`] without a PDU from the ESME; a
//! session silent twice that long (or never bound in that time) is dropped; `unbind` is answered
//! and ends the session; each `deliver_sm` gets a sequence number of its own and its answer
//! (`deliver_sm_resp` or `generic_nack`) goes to the one waiting for it; requests the listener
//! does not serve (`submit_sm`, …) are answered `generic_nack` ESME_RINVCMDID. When a session
//! ends, it is unlisted first, and everyone still waiting on it learns that it closed.

use std::{collections::HashMap, net::SocketAddr, sync::Arc};

use futures::{SinkExt as _, StreamExt as _};
use rusmpp::{
    pdus::{BindReceiverResp, BindTransceiverResp, BindTransmitterResp},
    tokio_codec::CommandCodec,
    types::COctetString,
    Command, CommandId, CommandStatus, Pdu,
};
use tokio::{
    net::TcpStream,
    sync::{mpsc, oneshot},
    time::Instant,
};
use tokio_util::codec::Framed;

use super::{
    credentials::{self, Checked},
    sessions::{Answer, BindType, Outgoing, SessionInfo, OUTBOX},
    Shared,
};
use crate::store::now_millis;

/// The name this message centre gives itself in `bind_resp`.
const SYSTEM_ID: &str = "webhooks";

type Conn = Framed<TcpStream, CommandCodec>;

/// Serves one connection until it ends.
pub(super) async fn run(shared: Arc<Shared>, stream: TcpStream, peer: SocketAddr) {
    let mut conn = Framed::new(stream, CommandCodec::new());
    let Some((esme_bind_id, bind_type, sequence)) = bind(&shared, &mut conn, peer).await else {
        return;
    };
    let info = SessionInfo {
        id: shared.sessions.next_id(),
        esme_bind_id,
        bound_at: now_millis(),
        peer,
        bind_type,
    };
    let (outbox, inbox) = mpsc::channel(OUTBOX);
    shared.sessions.register(info.clone(), outbox);
    // The other instances learn this ESME is bound here before its deliveries are made due, so
    // they leave those to this one; a failure leaves the deliveries to any instance.
    publish(&shared).await;
    // What waited for this ESME is due now, before the ESME learns it is bound; a failure only
    // leaves those deliveries to their next retry.
    match shared.store.due_for_esme(esme_bind_id, now_millis()).await {
        Ok(n) if n > 0 => tracing::info!(esme_bind_id, due = n, "SMPP deliveries due at bind"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = ?e, "SMPP deliveries could not be made due at bind"),
    }
    shared.sessions.tell_bound();
    metrics::gauge!("smpp_sessions").increment(1.0);
    tracing::info!(esme_bind_id, %peer, bind_type = bind_type.as_str(), "ESME bound");
    let accepted = bind_resp(bind_type, CommandStatus::EsmeRok, sequence);
    let ended = match send(&mut conn, accepted).await {
        Ok(()) => serve(&shared, &mut conn, inbox, &info).await,
        Err(()) => "the bind_resp could not be sent",
    };
    shared.sessions.remove(&info);
    publish(&shared).await;
    metrics::gauge!("smpp_sessions").decrement(1.0);
    tracing::info!(esme_bind_id, %peer, why = ended, "SMPP session ended");
}

/// Reads until a bind is accepted (its ESME bind, type and sequence number, not yet answered)
/// or the connection must end.
async fn bind(shared: &Shared, conn: &mut Conn, peer: SocketAddr) -> Option<(i64, BindType, u32)> {
    let deadline = Instant::now() + shared.config.enquire_link * 2;
    loop {
        let command = match tokio::time::timeout_at(deadline, conn.next()).await {
            Ok(Some(Ok(command))) => command,
            Ok(Some(Err(e))) => {
                tracing::debug!(%peer, error = %e, "an SMPP connection sent an unreadable PDU");
                return None;
            }
            Ok(None) => return None,
            Err(_) => {
                tracing::info!(%peer, "an SMPP connection did not bind in time");
                return None;
            }
        };
        counted("in", command.id());
        let sequence = command.sequence_number();
        let (bind_type, system_id, password) = match command.pdu() {
            Some(Pdu::BindReceiver(b)) => (
                BindType::Receiver,
                b.system_id.as_str(),
                b.password.as_str(),
            ),
            Some(Pdu::BindTransceiver(b)) => (
                BindType::Transceiver,
                b.system_id.as_str(),
                b.password.as_str(),
            ),
            Some(Pdu::BindTransmitter(_)) => {
                tracing::info!(%peer, "an ESME bind as transmitter was refused");
                let refused = Command::new(
                    CommandStatus::EsmeRbindfail,
                    sequence,
                    BindTransmitterResp::new(mc_system_id(), None),
                );
                let _ = send(conn, refused).await;
                return None;
            }
            Some(Pdu::EnquireLink) => {
                let answer = Command::new(CommandStatus::EsmeRok, sequence, Pdu::EnquireLinkResp);
                send(conn, answer).await.ok()?;
                continue;
            }
            Some(Pdu::Unbind) => {
                let answer = Command::new(CommandStatus::EsmeRok, sequence, Pdu::UnbindResp);
                let _ = send(conn, answer).await;
                return None;
            }
            _ => {
                let nack = Command::new(CommandStatus::EsmeRinvbndsts, sequence, Pdu::GenericNack);
                send(conn, nack).await.ok()?;
                continue;
            }
        };
        let checked =
            credentials::check(shared.store.as_ref(), &shared.secrets, system_id, password).await;
        match (checked, checked.refusal()) {
            (Checked::Accepted(esme_bind_id), _) => {
                return Some((esme_bind_id, bind_type, sequence))
            }
            (_, Some(status)) => {
                metrics::counter!("smpp_binds_refused_total").increment(1);
                tracing::info!(%peer, ?checked, "an SMPP bind was refused");
                let _ = send(conn, bind_resp(bind_type, status, sequence)).await;
                return None;
            }
            (_, None) => return None,
        }
    }
}

/// What ended a bound session (for the log).
type Ended = &'static str;

/// The bound session: the ESME's PDUs, the `deliver_sm`s handed to it, and the keep-alive.
async fn serve(
    shared: &Shared,
    conn: &mut Conn,
    mut inbox: mpsc::Receiver<Outgoing>,
    info: &SessionInfo,
) -> Ended {
    let interval = shared.config.enquire_link;
    let mut waiting: HashMap<u32, oneshot::Sender<Answer>> = HashMap::new();
    let mut sequence = Sequence::default();
    let mut heard = Instant::now();
    let mut asked = false;
    let mut tick = tokio::time::interval((interval / 4).max(std::time::Duration::from_millis(10)));
    loop {
        tokio::select! {
            read = conn.next() => {
                let command = match read {
                    Some(Ok(command)) => command,
                    Some(Err(_)) => return "the ESME sent an unreadable PDU",
                    None => return "the ESME closed the connection",
                };
                counted("in", command.id());
                heard = Instant::now();
                asked = false;
                match answer_from(command, &mut waiting, info, conn).await {
                    Ok(Flow::Go) => {}
                    Ok(Flow::Unbound) => return "the ESME unbound",
                    Err(()) => return "a PDU could not be sent",
                }
            }
            out = inbox.recv() => {
                let Some(Outgoing { pdu, answer }) = out else {
                    return "the session was closed";
                };
                if answer.is_closed() {
                    continue; // the sender gave up waiting
                }
                let n = sequence.next();
                let command = Command::new(CommandStatus::EsmeRok, n, pdu);
                // Answers that nobody waits for any more are not kept.
                waiting.retain(|_, w| !w.is_closed());
                waiting.insert(n, answer);
                if send(conn, command).await.is_err() {
                    return "a deliver_sm could not be sent";
                }
            }
            _ = tick.tick() => {
                let silent = heard.elapsed();
                if silent >= interval * 2 {
                    return "the ESME was silent too long";
                }
                if silent >= interval && !asked {
                    asked = true;
                    let ask = Command::new(CommandStatus::EsmeRok, sequence.next(), Pdu::EnquireLink);
                    if send(conn, ask).await.is_err() {
                        return "an enquire_link could not be sent";
                    }
                }
            }
        }
    }
}

enum Flow {
    Go,
    Unbound,
}

/// Acts on one PDU from a bound ESME.
async fn answer_from(
    command: Command,
    waiting: &mut HashMap<u32, oneshot::Sender<Answer>>,
    info: &SessionInfo,
    conn: &mut Conn,
) -> Result<Flow, ()> {
    let sequence = command.sequence_number();
    let status = u32::from(command.status());
    match command.id() {
        CommandId::DeliverSmResp | CommandId::GenericNack => {
            if let Some(w) = waiting.remove(&sequence) {
                let message_id = match command.pdu() {
                    Some(Pdu::DeliverSmResp(r)) => r.message_id().as_str().to_owned(),
                    _ => String::new(),
                };
                let _ = w.send(Answer {
                    command_status: status,
                    message_id,
                    session: info.clone(),
                    sequence_number: sequence,
                });
            }
            Ok(Flow::Go)
        }
        CommandId::EnquireLink => {
            send(
                conn,
                Command::new(CommandStatus::EsmeRok, sequence, Pdu::EnquireLinkResp),
            )
            .await?;
            Ok(Flow::Go)
        }
        CommandId::EnquireLinkResp => Ok(Flow::Go),
        CommandId::Unbind => {
            let _ = send(
                conn,
                Command::new(CommandStatus::EsmeRok, sequence, Pdu::UnbindResp),
            )
            .await;
            Ok(Flow::Unbound)
        }
        CommandId::UnbindResp => Ok(Flow::Unbound),
        CommandId::BindReceiver | CommandId::BindTransceiver | CommandId::BindTransmitter => {
            let again = Command::new(CommandStatus::EsmeRalybnd, sequence, Pdu::GenericNack);
            send(conn, again).await?;
            Ok(Flow::Go)
        }
        // A response to something this side never sent: nothing to do.
        id if id.is_response() => Ok(Flow::Go),
        _ => {
            let nack = Command::new(CommandStatus::EsmeRinvcmdid, sequence, Pdu::GenericNack);
            send(conn, nack).await?;
            Ok(Flow::Go)
        }
    }
}

fn bind_resp(bind_type: BindType, status: CommandStatus, sequence: u32) -> Command {
    match bind_type {
        BindType::Receiver => Command::new(
            status,
            sequence,
            BindReceiverResp::new(mc_system_id(), None),
        ),
        BindType::Transceiver => Command::new(
            status,
            sequence,
            BindTransceiverResp::new(mc_system_id(), None),
        ),
    }
}

fn mc_system_id() -> COctetString<1, 16> {
    COctetString::from_string(SYSTEM_ID.to_owned()).expect("a short ASCII system id")
}

async fn send(conn: &mut Conn, command: Command) -> Result<(), ()> {
    counted("out", command.id());
    conn.send(command).await.map_err(|e| {
        tracing::debug!(error = %e, "an SMPP PDU could not be sent");
    })
}

/// Counts a PDU on `/metrics` by direction and command (a fixed set of names).
fn counted(direction: &'static str, id: CommandId) {
    metrics::counter!("smpp_pdus_total", "direction" => direction, "command" => command_name(id))
        .increment(1);
}

fn command_name(id: CommandId) -> &'static str {
    match id {
        CommandId::BindReceiver => "bind_receiver",
        CommandId::BindReceiverResp => "bind_receiver_resp",
        CommandId::BindTransceiver => "bind_transceiver",
        CommandId::BindTransceiverResp => "bind_transceiver_resp",
        CommandId::BindTransmitter => "bind_transmitter",
        CommandId::BindTransmitterResp => "bind_transmitter_resp",
        CommandId::DeliverSm => "deliver_sm",
        CommandId::DeliverSmResp => "deliver_sm_resp",
        CommandId::EnquireLink => "enquire_link",
        CommandId::EnquireLinkResp => "enquire_link_resp",
        CommandId::Unbind => "unbind",
        CommandId::UnbindResp => "unbind_resp",
        CommandId::GenericNack => "generic_nack",
        _ => "other",
    }
}

/// Sequence numbers this side uses: 1 to 0x7FFFFFFF, then round again (SMPP 3.4 §5.1.4).
#[derive(Default)]
struct Sequence(u32);

impl Sequence {
    fn next(&mut self) -> u32 {
        self.0 = if self.0 >= 0x7FFF_FFFF { 1 } else { self.0 + 1 };
        self.0
    }
}

/// Publishes which ESME binds are bound here now (see `Sessions::publish`). A failure is logged:
/// the renewal of `Listener::spawn` tries again, and until then the other instances may claim
/// this ESME's deliveries and retry them.
async fn publish(shared: &Shared) {
    if let Err(e) = shared.sessions.publish(shared.store.as_ref()).await {
        tracing::warn!(error = ?e, "the bound ESME binds could not be published");
    }
}
