//! The fair claim and what it keeps between claims: the deliveries in flight per webhook, the
//! rate buckets of rate-limited webhooks, and the live leases (renewed while their attempts run).
//! `run_once` and the background worker both claim through here, so tests see the worker's rule.
//!
//! Guarantees: a delivery counts as in flight from its claim until [`Claimer::finished`]; the
//! pass-over list given to the store only ever names webhooks that surely hold their share (it
//! narrows the scan; `fairness::select` decides); a rate bucket is spent exactly by what a claim
//! took.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use super::fairness::{self, Budget, Pace, RateBuckets};
use crate::store::{Candidate, ClaimedBatch, DueScan, Lease, Millis, SmppRoute, Store, StoreError};

#[derive(Debug, Default)]
struct State {
    in_flight: HashMap<i64, usize>,
    /// The rate of each rate-limited webhook seen in a claim.
    rates: HashMap<i64, f64>,
    buckets: RateBuckets,
    /// Live lease token → deliveries of it still in flight.
    leases: HashMap<i64, usize>,
    /// (webhook, lease token) → its deliveries of that claim still in flight, and when claimed.
    batches: HashMap<(i64, i64), (usize, Millis)>,
    /// How long each webhook's last attempt took (ms).
    last_ms: HashMap<i64, i64>,
}

impl State {
    /// What the dispatcher knows of how quickly each webhook's requests end (see [`Pace`]):
    /// slow if a claim of it is still in flight after `QUICK_MS`, else as its last attempt was.
    /// One pass over the claims in flight, so a claim costs O(candidates + batches).
    fn paces(&self, now: Millis) -> HashMap<i64, Pace> {
        let mut paces: HashMap<i64, Pace> = self
            .last_ms
            .iter()
            .map(|(w, ms)| {
                let pace = if *ms <= fairness::QUICK_MS {
                    Pace::Quick
                } else {
                    Pace::Slow
                };
                (*w, pace)
            })
            .collect();
        for ((w, _), (_, at)) in &self.batches {
            if now - at > fairness::QUICK_MS {
                paces.insert(*w, Pace::Slow);
            }
        }
        paces
    }
}

/// The claim side of the dispatcher (one per dispatcher).
#[derive(Debug)]
pub(super) struct Claimer {
    slots: usize,
    state: Mutex<State>,
}

impl Claimer {
    pub(super) fn new(slots: usize) -> Self {
        Claimer {
            slots: slots.max(1),
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .expect("the claimer's state is never poisoned")
    }

    /// Webhooks the scan may pass over: those holding at least the share they would have if
    /// only the webhooks in flight had work (the true share can only be smaller), and
    /// rate-limited ones without a token.
    fn skip(&self, now: Millis) -> Vec<i64> {
        let mut st = self.state();
        let busy = st.in_flight.values().filter(|n| **n > 0).count();
        let share = fairness::share(self.slots, busy);
        let mut skip: Vec<i64> = st
            .in_flight
            .iter()
            .filter(|(_, n)| **n >= share)
            .map(|(w, _)| *w)
            .collect();
        let rates: Vec<(i64, f64)> = st.rates.iter().map(|(w, r)| (*w, *r)).collect();
        for (w, rate) in rates {
            if st.buckets.available(w, rate, now) == 0 {
                skip.push(w);
            }
        }
        skip.sort_unstable();
        skip.dedup();
        skip
    }

    /// The webhooks with deliveries in flight here.
    fn busy(&self) -> Vec<i64> {
        let st = self.state();
        st.in_flight
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(w, _)| *w)
            .collect()
    }

    /// Chooses among `candidates` with `free` slots left, spending the rate tokens it uses.
    fn choose(&self, candidates: &[Candidate], free: usize, now: Millis) -> Vec<i64> {
        let mut st = self.state();
        let mut paces = st.paces(now);
        let mut budget = Budget {
            local_in_flight: st.in_flight.clone(),
            rate_tokens: HashMap::new(),
            pace: HashMap::new(),
        };
        for c in candidates {
            if let Some(pace) = paces.remove(&c.webhook_id) {
                budget.pace.insert(c.webhook_id, pace);
            }
            if let Some(rate) = c.rate_per_second {
                st.rates.insert(c.webhook_id, rate);
                if let Some(level) = c.rate_level {
                    st.buckets.set(c.webhook_id, level);
                }
                let tokens = st.buckets.available(c.webhook_id, rate, now);
                budget.rate_tokens.insert(c.webhook_id, tokens);
            } else {
                st.rates.remove(&c.webhook_id);
            }
        }
        let chosen = fairness::select(candidates, &budget, self.slots, free);
        let chosen_ids: HashSet<i64> = chosen.iter().copied().collect();
        let mut taken: HashMap<i64, usize> = HashMap::new();
        for c in candidates.iter().filter(|c| chosen_ids.contains(&c.id)) {
            *taken.entry(c.webhook_id).or_default() += 1;
        }
        for (w, n) in taken {
            if let Some(rate) = st.rates.get(&w).copied() {
                st.buckets.spend(w, rate, n, now);
            }
        }
        chosen
    }

    /// Claims up to `free` due deliveries fairly, as if the clock read `now`; returns the batch
    /// and how many candidates the store saw (some may have been passed over).
    pub(super) async fn claim(
        &self,
        store: &dyn Store,
        now: Millis,
        free: usize,
        lease: Lease,
        smpp: SmppRoute,
    ) -> Result<(ClaimedBatch, usize), StoreError> {
        let scan = DueScan {
            now,
            slots: self.slots,
            free,
            busy: self.busy(),
            skip: self.skip(now),
            smpp,
        };
        let mut chooser = |c: &[Candidate]| self.choose(c, free, now);
        let (batch, seen) = store.claim_due(&scan, lease, &mut chooser).await?;
        if !batch.deliveries.is_empty() {
            let mut st = self.state();
            for d in &batch.deliveries {
                *st.in_flight.entry(d.webhook_id).or_default() += 1;
                st.batches
                    .entry((d.webhook_id, lease.token))
                    .or_insert((0, now))
                    .0 += 1;
            }
            *st.leases.entry(lease.token).or_default() += batch.deliveries.len();
        }
        Ok((batch, seen))
    }

    /// One claimed delivery is done (recorded or dropped), its request having taken
    /// `request_ms` if one was made.
    pub(super) fn finished(&self, webhook_id: i64, lease_token: i64, request_ms: Option<i64>) {
        let mut st = self.state();
        if let Some(ms) = request_ms {
            st.last_ms.insert(webhook_id, ms);
        }
        if let Some(b) = st.batches.get_mut(&(webhook_id, lease_token)) {
            b.0 = b.0.saturating_sub(1);
            if b.0 == 0 {
                st.batches.remove(&(webhook_id, lease_token));
            }
        }
        if let Some(n) = st.in_flight.get_mut(&webhook_id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                st.in_flight.remove(&webhook_id);
            }
        }
        if let Some(n) = st.leases.get_mut(&lease_token) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                st.leases.remove(&lease_token);
            }
        }
    }

    /// The lease tokens with deliveries still in flight.
    pub(super) fn live_leases(&self) -> Vec<i64> {
        self.state().leases.keys().copied().collect()
    }

    /// When the next rate token of a webhook that has none comes, if any is waiting.
    pub(super) fn next_token_at(&self, now: Millis) -> Option<Millis> {
        let mut st = self.state();
        let rates: Vec<(i64, f64)> = st.rates.iter().map(|(w, r)| (*w, *r)).collect();
        let mut next = None;
        for (w, rate) in rates {
            if st.buckets.available(w, rate, now) == 0 {
                let at = st.buckets.next_token_at(w, rate, now);
                next = Some(next.map_or(at, |n: Millis| n.min(at)));
            }
        }
        next
    }

    /// Deliveries in flight per webhook (tests and `/metrics`).
    pub(super) fn in_flight(&self) -> HashMap<i64, usize> {
        self.state().in_flight.clone()
    }
}
