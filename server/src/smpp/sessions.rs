//! The bound sessions of this process, per ESME bind: what the dispatcher sends a `deliver_sm`
//! through, and what the console lists.
//!
//! Guarantees: a session is listed from its successful bind until it ends (unbind, close, idle,
//! error); an ESME bind may have several, used in turn; [`Sessions::deliver`] always ends within
//! its timeout — with the ESME's answer, or an error that says why none came. No lock is held
//! across an await.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Mutex,
    },
    time::Duration,
};

use rusmpp::pdus::DeliverSm;
use tokio::sync::{mpsc, oneshot, Notify};

use crate::store::{now_millis, Millis, SmppRoute, Store, StoreError};

/// How an ESME bound. A transmitter cannot receive `deliver_sm`, so it is refused at bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindType {
    Receiver,
    Transceiver,
}

impl BindType {
    pub fn as_str(self) -> &'static str {
        match self {
            BindType::Receiver => "receiver",
            BindType::Transceiver => "transceiver",
        }
    }
}

/// One bound session, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// Unique in this process.
    pub id: u64,
    pub esme_bind_id: i64,
    pub bound_at: Millis,
    pub peer: SocketAddr,
    pub bind_type: BindType,
}

/// The ESME's answer to one `deliver_sm`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The `deliver_sm_resp` (or `generic_nack`) command_status; 0 is ESME_ROK.
    pub command_status: u32,
    pub message_id: String,
    /// The session that carried it, and the sequence number it had there.
    pub session: SessionInfo,
    pub sequence_number: u32,
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliverError {
    #[error("no session of this ESME bind is bound here")]
    NotBound,
    #[error("the session ended before the ESME answered")]
    Closed,
    #[error("the ESME did not answer within {0:?}")]
    Timeout(Duration),
}

/// A `deliver_sm` handed to a session, and where its answer goes.
pub(super) struct Outgoing {
    pub pdu: DeliverSm,
    pub answer: oneshot::Sender<Answer>,
}

/// Sends waiting in one session at most; a session this far behind is not keeping up, and the
/// sender waits (within its timeout) rather than queueing without bound.
pub(super) const OUTBOX: usize = 256;

struct Entry {
    info: SessionInfo,
    outbox: mpsc::Sender<Outgoing>,
}

pub struct Sessions {
    bound: Mutex<HashMap<i64, Vec<Entry>>>,
    next_id: AtomicU64,
    turn: AtomicUsize,
    /// Told each time an ESME binds (the dispatcher looks for work it can now send).
    newly_bound: Notify,
    /// This process's name among the instances sharing the database (`smpp_bound`).
    instance: String,
    /// Held while publishing, so what is published last is what is bound now.
    publishing: tokio::sync::Mutex<()>,
}

impl Default for Sessions {
    fn default() -> Self {
        Sessions {
            bound: Mutex::default(),
            next_id: AtomicU64::default(),
            turn: AtomicUsize::default(),
            newly_bound: Notify::default(),
            instance: uuid::Uuid::new_v4().simple().to_string(),
            publishing: tokio::sync::Mutex::default(),
        }
    }
}

/// How long a published binding counts without being renewed (an instance that died stops
/// holding its ESMEs' deliveries after this), and how often a live one is renewed.
pub const BOUND_LEASE: Duration = Duration::from_secs(15);
pub const BOUND_RENEW: Duration = Duration::from_secs(5);

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("count", &self.count())
            .finish()
    }
}

impl Sessions {
    pub fn new() -> Self {
        Self::default()
    }

    /// A fresh session id.
    pub(super) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub(super) fn register(&self, info: SessionInfo, outbox: mpsc::Sender<Outgoing>) {
        let mut bound = self.bound.lock().expect("sessions lock");
        bound
            .entry(info.esme_bind_id)
            .or_default()
            .push(Entry { info, outbox });
    }

    pub(super) fn remove(&self, info: &SessionInfo) {
        let mut bound = self.bound.lock().expect("sessions lock");
        if let Some(list) = bound.get_mut(&info.esme_bind_id) {
            list.retain(|e| e.info.id != info.id);
            if list.is_empty() {
                bound.remove(&info.esme_bind_id);
            }
        }
    }

    /// The sessions bound for this ESME bind, oldest first.
    pub fn of(&self, esme_bind_id: i64) -> Vec<SessionInfo> {
        let bound = self.bound.lock().expect("sessions lock");
        bound
            .get(&esme_bind_id)
            .map(|list| list.iter().map(|e| e.info.clone()).collect())
            .unwrap_or_default()
    }

    /// Resolves after an ESME bound (at once if one bound since the last wait).
    pub async fn bound(&self) {
        self.newly_bound.notified().await
    }

    pub(super) fn tell_bound(&self) {
        self.newly_bound.notify_one();
    }

    /// This process's name among the instances.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// The ESME binds with a session bound here, ascending.
    pub fn bound_esme_binds(&self) -> Vec<i64> {
        let bound = self.bound.lock().expect("sessions lock");
        let mut ids: Vec<i64> = bound.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// Where this instance's claims may take SMPP deliveries from (see [`SmppRoute`]).
    pub fn route(&self) -> SmppRoute {
        SmppRoute {
            instance: self.instance.clone(),
            bound_here: self.bound_esme_binds(),
        }
    }

    /// Publishes to the other instances which ESME binds are bound here now, for
    /// [`BOUND_LEASE`]; returns what it published.
    pub async fn publish(&self, store: &dyn Store) -> Result<Vec<i64>, StoreError> {
        let _one_at_a_time = self.publishing.lock().await;
        let esme_binds = self.bound_esme_binds();
        let until = now_millis() + BOUND_LEASE.as_millis() as Millis;
        store
            .publish_smpp_bound(&self.instance, &esme_binds, until)
            .await?;
        Ok(esme_binds)
    }

    /// Bound sessions, all ESME binds together.
    pub fn count(&self) -> usize {
        let bound = self.bound.lock().expect("sessions lock");
        bound.values().map(Vec::len).sum()
    }

    /// Sends `pdu` through one bound session of `esme_bind_id` (in turn when there are several)
    /// and waits, at most `timeout` in all, for the ESME's answer.
    pub async fn deliver(
        &self,
        esme_bind_id: i64,
        pdu: DeliverSm,
        timeout: Duration,
    ) -> Result<Answer, DeliverError> {
        let outbox = {
            let bound = self.bound.lock().expect("sessions lock");
            let list = bound
                .get(&esme_bind_id)
                .filter(|l| !l.is_empty())
                .ok_or(DeliverError::NotBound)?;
            let turn = self.turn.fetch_add(1, Ordering::Relaxed);
            list[turn % list.len()].outbox.clone()
        };
        let (answer, answered) = oneshot::channel();
        let exchange = async {
            outbox
                .send(Outgoing { pdu, answer })
                .await
                .map_err(|_| DeliverError::Closed)?;
            answered.await.map_err(|_| DeliverError::Closed)
        };
        tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| DeliverError::Timeout(timeout))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(sessions: &Sessions, esme_bind_id: i64) -> SessionInfo {
        SessionInfo {
            id: sessions.next_id(),
            esme_bind_id,
            bound_at: 1,
            peer: "127.0.0.1:9".parse().unwrap(),
            bind_type: BindType::Receiver,
        }
    }

    #[test]
    fn the_route_passes_over_only_webhooks_whose_esme_is_bound_elsewhere_and_not_here() {
        let sessions = Sessions::new();
        for esme in [7, 7, 3] {
            let (tx, _rx) = mpsc::channel(OUTBOX);
            sessions.register(info(&sessions, esme), tx);
        }
        assert_eq!(sessions.bound_esme_binds(), vec![3, 7]);
        let route = sessions.route();
        assert_eq!(route.instance, sessions.instance());
        assert_ne!(
            route.instance,
            Sessions::new().instance(),
            "each process its own name"
        );
        // (webhook, ESME bound at another instance): 7 is bound here too, 5 is not.
        let elsewhere = [(10, 7), (12, 5), (11, 5), (12, 5)];
        assert_eq!(route.routed_elsewhere(&elsewhere), vec![11, 12]);
    }

    #[tokio::test]
    async fn an_esme_with_no_session_is_not_bound() {
        let sessions = Sessions::new();
        let err = sessions
            .deliver(7, DeliverSm::default(), Duration::from_secs(1))
            .await
            .unwrap_err();
        assert_eq!(err, DeliverError::NotBound);
    }

    #[tokio::test]
    async fn several_sessions_of_one_esme_are_used_in_turn_and_listed_until_removed() {
        let sessions = std::sync::Arc::new(Sessions::new());
        let (a, b) = (info(&sessions, 7), info(&sessions, 7));
        let mut inboxes = Vec::new();
        for i in [&a, &b] {
            let (tx, rx) = mpsc::channel(OUTBOX);
            sessions.register(i.clone(), tx);
            inboxes.push((i.clone(), rx));
        }
        assert_eq!(sessions.of(7), vec![a.clone(), b.clone()]);
        assert_eq!(sessions.count(), 2);
        // Each session answers with its own id as the message id.
        for (i, mut rx) in inboxes {
            tokio::spawn(async move {
                while let Some(out) = rx.recv().await {
                    let _ = out.answer.send(Answer {
                        command_status: 0,
                        message_id: i.id.to_string(),
                        session: i.clone(),
                        sequence_number: 1,
                    });
                }
            });
        }
        let mut seen = Vec::new();
        for _ in 0..4 {
            let answer = sessions
                .deliver(7, DeliverSm::default(), Duration::from_secs(5))
                .await
                .unwrap();
            seen.push(answer.session.id);
        }
        seen.sort_unstable();
        assert_eq!(seen, vec![a.id, a.id, b.id, b.id]);
        sessions.remove(&a);
        assert_eq!(sessions.of(7), vec![b.clone()]);
        sessions.remove(&b);
        assert!(sessions.of(7).is_empty());
    }

    #[tokio::test]
    async fn a_session_that_never_answers_times_out_and_one_that_ends_is_closed() {
        let sessions = Sessions::new();
        let quiet = info(&sessions, 1);
        let (tx, _kept) = mpsc::channel(OUTBOX);
        sessions.register(quiet, tx);
        let err = sessions
            .deliver(1, DeliverSm::default(), Duration::from_millis(50))
            .await
            .unwrap_err();
        assert_eq!(err, DeliverError::Timeout(Duration::from_millis(50)));

        let gone = info(&sessions, 2);
        let (tx, rx) = mpsc::channel(OUTBOX);
        sessions.register(gone, tx);
        drop(rx);
        let err = sessions
            .deliver(2, DeliverSm::default(), Duration::from_secs(1))
            .await
            .unwrap_err();
        assert_eq!(err, DeliverError::Closed);
    }
}
