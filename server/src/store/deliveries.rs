//! Events, their deliveries and the attempt log: the durable queue of the dispatcher.
//!
//! Guarantees every implementation keeps:
//! - [`DeliveryStore::ingest`] writes the events, their payloads and every routed delivery in one
//!   transaction: after it returns, a crash cannot lose them; if it fails, nothing was written;
//! - a claim leases deliveries (random token, expiry) in one short transaction; while leased a
//!   delivery is not due, and it is due again exactly when its lease expires (crash recovery);
//! - [`DeliveryStore::record`] applies a result only if the delivery still holds the lease it
//!   was claimed with (a stale worker's result is dropped), and appends the attempt in the same
//!   transaction as the new delivery state.

use std::collections::HashMap;

use async_trait::async_trait;
use bytes::Bytes;

use super::{EntityId, Millis, StoreError};

/// One event to store, validated.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Given by the caller or generated; unique; sent as `x-wx-gtrid`.
    pub event_id: String,
    pub channel: String,
    pub event: String,
    pub entity: EntityId,
    /// The exact bytes stored, signed and sent.
    pub payload: Bytes,
}

/// A lease on deliveries: whoever holds `token` may record their results until `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    pub token: i64,
    pub until: Millis,
}

/// How [`DeliveryStore::ingest`] routes.
#[derive(Debug, Clone, Copy, Default)]
pub struct IngestOptions {
    /// Route to this webhook only (the "Send test event" action); `None` = every match.
    pub only_webhook: Option<i64>,
    /// Create the deliveries already leased (their first attempt is made at once by the caller).
    pub lease: Option<Lease>,
}

/// What an ingest stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    /// New events stored.
    pub accepted: usize,
    /// Events whose `event_id` was stored before (or repeated in the same request): skipped.
    pub duplicates: usize,
    /// Ids of the deliveries created.
    pub delivery_ids: Vec<i64>,
}

pub use app::domain::deliveries::DeliveryStatus;

/// Why an attempt was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Scheduled,
    Manual,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Scheduled => "scheduled",
            Trigger::Manual => "manual",
        }
    }
}

/// How a delivery is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// The webhook's POST (SPEC §4).
    Http,
    /// A `deliver_sm` to a bound session of the webhook's ESME bind (Forward to SMPP).
    Smpp,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Http => "http",
            Transport::Smpp => "smpp",
        }
    }

    /// The stored value; anything unknown is read as HTTP, the default of the column.
    pub fn parse(s: &str) -> Transport {
        match s {
            "smpp" => Transport::Smpp,
            _ => Transport::Http,
        }
    }
}

/// Where a webhook's requests go, as read at send time.
#[derive(Clone)]
pub struct WebhookTarget {
    pub id: i64,
    pub url: String,
    pub hub_algorithm: Option<String>,
    /// Sealed; opened by the dispatcher just before signing.
    pub hub_secret_enc: Option<String>,
    pub authorization_id: Option<i64>,
    /// The ESME bind an SMPP delivery of this webhook goes to (Forward to SMPP).
    pub esme_bind_id: Option<i64>,
    pub enabled: bool,
}

impl std::fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("id", &self.id)
            .field("hub_algorithm", &self.hub_algorithm)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

/// One claimed delivery with what its request needs.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub webhook_id: i64,
    /// The event's global id (`x-wx-gtrid`).
    pub event_id: String,
    pub body: Bytes,
    pub status: DeliveryStatus,
    /// Scheduled attempts made before this one.
    pub scheduled_count: i64,
    /// Set when a bulk resend queued this attempt: the status the delivery had then. The attempt
    /// is a manual one, judged as a resend of that state.
    pub resend_from: Option<DeliveryStatus>,
    pub transport: Transport,
}

/// A claimed batch: the deliveries, and the webhooks they go to (absent = deleted).
#[derive(Debug, Clone, Default)]
pub struct ClaimedBatch {
    pub lease: Option<Lease>,
    pub deliveries: Vec<ClaimedDelivery>,
    pub webhooks: HashMap<i64, WebhookTarget>,
}

/// Which deliveries a claim takes besides the due ones (see [`DeliveryStore::claim_due`]).
#[derive(Debug, Clone, Copy)]
pub enum ClaimWhat {
    /// This delivery, whatever its state, unless a live lease holds it (a resend never runs
    /// beside a live attempt).
    Delivery { id: i64, now: Millis },
    /// The deliveries created already leased with this lease (see [`IngestOptions::lease`]).
    Leased,
}

/// A due delivery as the fair claim sees it, before it chooses (see `dispatcher::fairness`).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: i64,
    pub webhook_id: i64,
    /// The webhook's own limits (`None` = the fair share only).
    pub max_in_flight: Option<u32>,
    pub rate_per_second: Option<f64>,
    /// The webhook's live leases in every instance (counted only when it has a `max_in_flight`).
    pub leased_anywhere: u32,
    /// A rate-limited webhook's token bucket as stored, shared by every instance (read, and
    /// spent by what the claim takes, in the claim's transaction).
    pub rate_level: Option<RateLevel>,
}

/// A rate-limited webhook's token bucket: `tokens` at time `at`, refilled at the webhook's
/// `rate_per_second` up to one second's worth (at least one token), so a webhook that was quiet
/// may send one second's burst at once. Kept in the database (`rate_buckets`) so the rate holds
/// across every instance (SPEC §9); the dispatcher's choice and the store's write-back both
/// compute with these functions, so they agree on the level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLevel {
    pub tokens: f64,
    pub at: Millis,
}

impl RateLevel {
    /// A full bucket at `now`.
    pub fn full(rate: f64, now: Millis) -> RateLevel {
        RateLevel {
            tokens: Self::capacity(rate),
            at: now,
        }
    }

    fn capacity(rate: f64) -> f64 {
        rate.max(1.0)
    }

    /// The level at `now` (never earlier than `at`: a clock that stepped back refills nothing).
    pub fn refilled(self, rate: f64, now: Millis) -> RateLevel {
        let elapsed = (now - self.at).max(0) as f64 / 1000.0;
        RateLevel {
            tokens: (self.tokens + elapsed * rate).min(Self::capacity(rate)),
            at: now.max(self.at),
        }
    }

    /// The level at `now` after `taken` tokens were spent then.
    pub fn spent(self, rate: f64, taken: usize, now: Millis) -> RateLevel {
        let mut level = self.refilled(rate, now);
        level.tokens -= taken as f64;
        level
    }
}

/// The rate-limited webhooks among `candidates`, once each, ascending (the order their bucket
/// rows are locked in), with their rates.
pub fn rate_limited(candidates: &[Candidate]) -> Vec<(i64, f64)> {
    let mut limited: Vec<(i64, f64)> = candidates
        .iter()
        .filter_map(|c| c.rate_per_second.map(|r| (c.webhook_id, r)))
        .collect();
    limited.sort_by_key(|(w, _)| *w);
    limited.dedup_by_key(|(w, _)| *w);
    limited
}

/// For each webhook of `limited`, the level its bucket has after the claim took the `chosen`
/// candidates, given the `levels` it had as read.
pub fn levels_after(
    limited: &[(i64, f64)],
    levels: &HashMap<i64, RateLevel>,
    candidates: &[Candidate],
    chosen: &[i64],
    now: Millis,
) -> Vec<(i64, RateLevel)> {
    limited
        .iter()
        .map(|(w, rate)| {
            let taken = candidates
                .iter()
                .filter(|c| c.webhook_id == *w && chosen.contains(&c.id))
                .count();
            let level = levels
                .get(w)
                .copied()
                .unwrap_or_else(|| RateLevel::full(*rate, now));
            (*w, level.spent(*rate, taken, now))
        })
        .collect()
}

/// What a fair claim reads: for each webhook with deliveries due at `now`, except those in
/// `skip` (known to hold their share already), its oldest [`DueScan::per_webhook`] due
/// deliveries; all of them ordered oldest due first.
///
/// Why per webhook and not the oldest N overall: behind another webhook's backlog of thousands,
/// a webhook's due deliveries would never be among the oldest N, so the fair choice would never
/// see them (a fast partner starved behind a failing one's outage).
#[derive(Debug, Clone, Default)]
pub struct DueScan {
    pub now: Millis,
    /// The dispatcher's send slots (`--max-in-flight`) and how many are free now.
    pub slots: usize,
    pub free: usize,
    /// The webhooks with deliveries in flight in this dispatcher.
    pub busy: Vec<i64>,
    pub skip: Vec<i64>,
    /// Where SMPP deliveries may be sent from (Forward to SMPP with several instances).
    pub smpp: SmppRoute,
}

/// Forward to SMPP with several instances (SPEC §9): an ESME binds to one instance, and only an
/// instance where it is bound can send it a `deliver_sm`. A claim passes over the SMPP
/// deliveries of an ESME bind with a live session at another instance (see
/// [`DeliveryStore::publish_smpp_bound`]) and none here; an ESME bound nowhere leaves them to
/// any instance, whose attempt says "not bound" and is retried per the schedule.
#[derive(Debug, Clone, Default)]
pub struct SmppRoute {
    /// This instance's name in `smpp_bound`.
    pub instance: String,
    /// The ESME binds with a session bound here now.
    pub bound_here: Vec<i64>,
}

impl SmppRoute {
    /// Of the forwarding webhooks and the ESME binds bound elsewhere (webhook id, ESME bind id),
    /// the webhooks whose SMPP deliveries this instance passes over: their ESME is bound at
    /// another instance and not here.
    pub fn routed_elsewhere(&self, bound_elsewhere: &[(i64, i64)]) -> Vec<i64> {
        let mut webhooks: Vec<i64> = bound_elsewhere
            .iter()
            .filter(|(_, esme)| !self.bound_here.contains(esme))
            .map(|(webhook, _)| *webhook)
            .collect();
        webhooks.sort_unstable();
        webhooks.dedup();
        webhooks
    }
}

impl DueScan {
    /// How many of each webhook's oldest due deliveries to read, when the webhooks `due` have
    /// due work: no webhook is given more than the free slots, nor more than its share
    /// ⌈slots / k⌉ among the k webhooks with work (those due and those busy here — the rule of
    /// `dispatcher::fairness`), so reading more would read rows never chosen.
    pub fn per_webhook(&self, due: &[i64]) -> usize {
        let mut with_work: Vec<i64> = due.iter().chain(&self.busy).copied().collect();
        with_work.sort_unstable();
        with_work.dedup();
        fair_share(self.slots, with_work.len())
            .min(self.free)
            .max(1)
    }
}

/// The fair share of `slots` among `webhooks` with work: ⌈slots / k⌉, at least 1 (SPEC §8).
pub fn fair_share(slots: usize, webhooks: usize) -> usize {
    slots.div_ceil(webhooks.max(1)).max(1)
}

/// Chooses which candidates a claim leases (the dispatcher's fairness rule).
pub type Chooser<'a> = dyn FnMut(&[Candidate]) -> Vec<i64> + Send + 'a;

/// What a resend's claim found.
#[derive(Debug, Clone)]
pub enum ResendClaim {
    Claimed(ClaimedBatch),
    /// A live attempt holds the delivery until then.
    Busy {
        until: Millis,
    },
    Missing,
}

/// The logged part of an attempt (absent when no request was made).
#[derive(Debug, Clone)]
pub struct AttemptLog {
    pub at: Millis,
    pub duration_ms: i64,
    pub status_code: Option<u16>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// JSON objects, as text; the request's credentials masked.
    pub request_headers: String,
    pub response_headers: String,
    pub response_body: String,
    pub trigger: Trigger,
    /// An SMPP attempt's answer: the `deliver_sm_resp`'s command_status.
    pub smpp_status: Option<u32>,
}

/// A delivery's state after an attempt (or an ending without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextState {
    Delivered,
    Failed,
    /// Pending again, due at this time.
    Retry(Millis),
}

/// The result of working on one claimed delivery.
#[derive(Debug, Clone)]
pub struct AttemptResult {
    pub delivery_id: i64,
    /// The delivery's webhook (the fair share counts it free again).
    pub webhook_id: i64,
    pub lease_token: i64,
    pub next: NextState,
    /// Counts toward the retry schedule.
    pub scheduled: bool,
    pub last_status_code: Option<u16>,
    pub last_error_code: Option<String>,
    pub attempt: Option<AttemptLog>,
}

#[async_trait]
pub trait DeliveryStore: Send + Sync {
    /// Stores new events (skipping known `event_id`s), their payloads and one delivery per
    /// matching enabled webhook, in one transaction.
    async fn ingest(
        &self,
        events: &[NewEvent],
        options: IngestOptions,
    ) -> Result<IngestOutcome, StoreError>;

    /// Reads the due candidates (see [`DueScan`]), leases those `choose` picks, and reads what
    /// their requests need, in one short transaction. Also returns how many candidates it saw,
    /// each webhook whose SMPP deliveries it passed over (see [`SmppRoute`]) counted as one.
    async fn claim_due(
        &self,
        scan: &DueScan,
        lease: Lease,
        choose: &mut Chooser<'_>,
    ) -> Result<(ClaimedBatch, usize), StoreError>;

    /// The deliveries created already leased (`ClaimWhat::Leased`), or one delivery for a
    /// resend (`ClaimWhat::Delivery`), leased and read.
    async fn claim(&self, what: ClaimWhat, lease: Lease) -> Result<ResendClaim, StoreError>;

    /// Extends the live leases `tokens` to `until` (an attempt still runs).
    async fn renew_leases(&self, tokens: &[i64], until: Millis) -> Result<u64, StoreError>;

    /// Applies results still fenced by their lease, with their attempts, in one transaction.
    /// Returns how many were applied.
    async fn record(&self, results: &[AttemptResult]) -> Result<usize, StoreError>;

    /// How many deliveries are pending, and when the oldest of those due at `now` became due.
    async fn queue_depth(&self, now: Millis) -> Result<(u64, Option<Millis>), StoreError>;

    /// When the next pending delivery is due, if any.
    async fn next_due(&self) -> Result<Option<Millis>, StoreError>;

    /// Makes the pending SMPP deliveries of the webhooks forwarding to `esme_bind_id` due at
    /// `now` (an ESME of that bind just bound: what waited for it need not wait for its next
    /// retry). Leased ones are left to their attempt. Returns how many were moved.
    async fn due_for_esme(&self, esme_bind_id: i64, now: Millis) -> Result<u64, StoreError>;

    /// Publishes that `instance` has sessions bound of exactly `esme_binds` until `until` (a
    /// lease, renewed while they stay bound): replaces what it published before, so an ESME
    /// bind no longer bound there stops counting at once (see [`SmppRoute`]).
    async fn publish_smpp_bound(
        &self,
        instance: &str,
        esme_binds: &[i64],
        until: Millis,
    ) -> Result<(), StoreError>;
}
