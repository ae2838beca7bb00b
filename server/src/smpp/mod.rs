//! The SMPP 3.4 listener (`--smpp-listen`, off by default) where ESMEs bind to receive the
//! incoming SMS that webhooks with Forward to SMPP forward, as `deliver_sm` (SPEC §2, CONTRACT
//! §4 "SMPP"). PDUs are encoded and decoded by `rusmpp`, never by hand.
//!
//! Parts, one file each: [`Listener`] accepts connections; `session` runs one (the bind, checked
//! by `credentials` against the ESME binds, then the bound session); [`Sessions`] lists the
//! bound sessions per ESME bind and carries a `deliver_sm` to one of them and its answer back;
//! [`message`] builds the `deliver_sm` of an incoming SMS.
//!
//! Supported: `bind_receiver` and `bind_transceiver` (refused: `bind_transmitter`, with
//! ESME_RBINDFAIL; a wrong password ESME_RINVPASWD, an unknown system ID ESME_RINVSYSID),
//! `enquire_link` both ways, `unbind`, several sessions per ESME bind, `deliver_sm` out with its
//! `deliver_sm_resp` (or `generic_nack`) back. Not served: anything an ESME would send to submit
//! messages (`submit_sm`, `data_sm`, …: `generic_nack` ESME_RINVCMDID), `outbind`, TLS.
//!
//! Dependencies point one way: the dispatcher uses [`Sessions`] and [`message`] to make an SMPP
//! delivery's attempt; this module reads the store and the secrets and never the dispatcher.

mod credentials;
pub mod message;
mod session;
pub mod sessions;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use tokio::net::TcpListener;

pub use sessions::{Answer, BindType, DeliverError, SessionInfo, Sessions};

use crate::{secrets::SecretBox, store::Store};

/// How long a session may be silent before it is sent an `enquire_link` (and twice that, before
/// it is dropped; also the time a new connection has to bind).
pub const DEFAULT_ENQUIRE_LINK: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct SmppConfig {
    pub enquire_link: Duration,
}

impl Default for SmppConfig {
    fn default() -> Self {
        SmppConfig {
            enquire_link: DEFAULT_ENQUIRE_LINK,
        }
    }
}

/// What the listener counts on `/metrics`: sessions bound now, PDUs by direction and command
/// (fixed names), binds refused.
pub fn describe() {
    metrics::describe_gauge!(
        "smpp_sessions",
        "SMPP sessions bound now, every ESME bind together"
    );
    metrics::describe_counter!(
        "smpp_pdus_total",
        "SMPP PDUs read and sent, by direction (in, out) and command"
    );
    metrics::describe_counter!(
        "smpp_binds_refused_total",
        "SMPP binds refused (wrong credentials, transmitter, system error)"
    );
}

/// What every session of the listener shares.
pub(crate) struct Shared {
    pub store: Arc<dyn Store>,
    pub secrets: Arc<SecretBox>,
    pub sessions: Arc<Sessions>,
    pub config: SmppConfig,
}

/// The bound TCP listener, not yet accepting.
pub struct Listener {
    listener: TcpListener,
    shared: Arc<Shared>,
}

impl Listener {
    pub async fn bind(
        addr: SocketAddr,
        store: Arc<dyn Store>,
        secrets: Arc<SecretBox>,
        sessions: Arc<Sessions>,
        config: SmppConfig,
    ) -> std::io::Result<Listener> {
        let listener = TcpListener::bind(addr).await?;
        Ok(Listener {
            listener,
            shared: Arc::new(Shared {
                store,
                secrets,
                sessions,
                config,
            }),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts connections, each served by a task of its own, until the task is aborted; and
    /// renews what this instance publishes as bound while anything is.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        let renewing = tokio::spawn(renew_bound(self.shared.clone()));
        tokio::spawn(async move {
            let _renewing = AbortOnDrop(renewing);
            loop {
                match self.listener.accept().await {
                    Ok((stream, peer)) => {
                        let _ = stream.set_nodelay(true);
                        tokio::spawn(session::run(self.shared.clone(), stream, peer));
                    }
                    Err(e) => {
                        // Why go on: a failed accept (too many open files, a reset) concerns one
                        // connection; the listener itself is still bound.
                        tracing::warn!(error = %e, "an SMPP connection could not be accepted");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        })
    }
}

/// Renews this instance's published ESME binds every [`sessions::BOUND_RENEW`] while any is
/// bound (and once more after the last one ends, which clears them).
async fn renew_bound(shared: Arc<Shared>) {
    let mut every = tokio::time::interval(sessions::BOUND_RENEW);
    let mut published_any = false;
    loop {
        every.tick().await;
        if shared.sessions.count() == 0 && !published_any {
            continue;
        }
        match shared.sessions.publish(shared.store.as_ref()).await {
            Ok(published) => published_any = !published.is_empty(),
            Err(e) => tracing::warn!(error = ?e, "the bound ESME binds could not be renewed"),
        }
    }
}

/// Aborts the task when the listener's own task ends (aborted at shutdown).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
