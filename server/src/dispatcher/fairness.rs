//! Fair delivery (SPEC §8): which of the due deliveries a claim takes, so that one slow or
//! failing partner never holds back the others. A pure function over what the claim saw, like
//! `outcome.rs`: the store reads the candidates, [`select`] chooses, the store leases the chosen.
//!
//! The rule: this dispatcher's send slots (`--max-in-flight`) are shared among the webhooks that
//! have work — those with deliveries in flight here and those among the due candidates. With k
//! of them, a webhook gets at most ⌈slots / k⌉ slots (a lone webhook may use them all), and never
//! more than its own `max_in_flight` (counted over every instance's live leases) nor more than
//! its `rate_per_second` allows. Candidates come oldest due first, and within what each webhook
//! may take, the oldest win. So a webhook whose requests hang holds at most its share, and the
//! others' deliveries keep their order.
//!
//! The reserve: a slot held by a hanging request cannot be taken back, so when slow webhooks
//! fill every slot, a healthy one waits for the first of them to end (up to the request
//! timeout) even with its share unused. So while two or more webhooks have work, the last
//! [`reserve`] free slots go only to webhooks whose requests end quickly ([`Pace::Quick`]), and
//! to a webhook not yet known either way for its first few ([`newcomer`]): a partner's outage
//! then never takes the slots a healthy partner needs next. A lone webhook may still use every
//! slot (no loss of single-endpoint throughput).
//!
//! Guarantees: [`select`] never returns more than `free` deliveries, never more for a webhook than
//! its allowance, takes the candidates of each webhook in their order, and with two or more
//! webhooks with work leaves the reserve to quick webhooks and newcomers.

use std::collections::HashMap;

use crate::store::{Candidate, Millis, RateLevel};

/// How much each webhook may still take in this claim.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    /// Deliveries in flight in this dispatcher, per webhook.
    pub local_in_flight: HashMap<i64, usize>,
    /// Rate tokens available now, per rate-limited webhook (whole deliveries).
    pub rate_tokens: HashMap<i64, usize>,
    /// How quickly each webhook's requests end, where known.
    pub pace: HashMap<i64, Pace>,
}

/// How quickly a webhook's requests end, as the dispatcher last saw them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Its last attempt ended within [`QUICK_MS`] and none of its requests has run longer.
    Quick,
    /// Otherwise: a request of it has run longer than [`QUICK_MS`], or its last attempt did.
    Slow,
}

/// Why 1 s: far beyond a healthy endpoint's answer on any network, far below the 10 s timeout
/// a hanging one holds a slot for.
pub const QUICK_MS: i64 = 1_000;

/// ⌈slots / k⌉, at least 1. Defined beside [`crate::store::DueScan`], whose scan depth relies on
/// it (the store does not depend on the dispatcher).
pub use crate::store::fair_share as share;

/// The slots kept for quick webhooks and newcomers: an eighth (none below 8 slots, where every
/// slot is someone's share).
pub fn reserve(slots: usize) -> usize {
    slots / 8
}

/// How many in flight a webhook of unknown pace may hold and still take a reserved slot: enough
/// to show its pace, too few to fill the reserve.
pub fn newcomer(slots: usize) -> usize {
    reserve(slots).div_ceil(4)
}

/// The ids to lease, oldest due first, at most `free` of them.
pub fn select(candidates: &[Candidate], budget: &Budget, slots: usize, free: usize) -> Vec<i64> {
    let mut with_work: Vec<i64> = budget
        .local_in_flight
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(w, _)| *w)
        .collect();
    with_work.extend(candidates.iter().map(|c| c.webhook_id));
    with_work.sort_unstable();
    with_work.dedup();
    let fair = share(slots, with_work.len());
    // The reserve is kept even beside a lone webhook: a request in flight cannot be taken back,
    // so a webhook that comes next would wait behind a slow one's whole batch (up to the request
    // timeout). Only a webhook known to be quick takes it, so a lone quick webhook still uses
    // every slot; a lone slow one uses seven eighths.
    let open = free.saturating_sub(reserve(slots));
    let mut left: HashMap<i64, usize> = HashMap::new();
    let mut taken: HashMap<i64, usize> = HashMap::new();
    let mut chosen = Vec::with_capacity(free.min(candidates.len()));
    for c in candidates {
        if chosen.len() >= free {
            break;
        }
        let room = left
            .entry(c.webhook_id)
            .or_insert_with(|| allowance(c, budget, fair));
        if *room == 0 {
            continue;
        }
        let took = taken.entry(c.webhook_id).or_default();
        if chosen.len() >= open {
            let holds = budget
                .local_in_flight
                .get(&c.webhook_id)
                .copied()
                .unwrap_or(0)
                + *took;
            let may = match budget.pace.get(&c.webhook_id) {
                Some(Pace::Quick) => true,
                Some(Pace::Slow) => false,
                None => holds < newcomer(slots),
            };
            if !may {
                continue;
            }
        }
        *room -= 1;
        *took += 1;
        chosen.push(c.id);
    }
    chosen
}

/// What one webhook may take now: its fair share, its own cap and its rate, less what it holds.
fn allowance(c: &Candidate, budget: &Budget, fair: usize) -> usize {
    let here = budget
        .local_in_flight
        .get(&c.webhook_id)
        .copied()
        .unwrap_or(0);
    let mut room = fair.saturating_sub(here);
    if let Some(cap) = c.max_in_flight {
        room = room.min((cap as usize).saturating_sub(c.leased_anywhere as usize));
    }
    if c.rate_per_second.is_some() {
        room = room.min(budget.rate_tokens.get(&c.webhook_id).copied().unwrap_or(0));
    }
    room
}

/// A token bucket per rate-limited webhook, as this dispatcher last knew it ([`RateLevel`]:
/// `rate` tokens a second, at most one second's worth). The buckets that count are the store's,
/// shared by every instance: each claim brings the stored level ([`Candidate::rate_level`]),
/// which replaces this copy, and spends on both alike. This copy lets the claimer pass over a
/// webhook without tokens and know when to look again.
///
/// Why our own and not `governor`: the claim must know *how many* deliveries a webhook may take
/// right now (to lease exactly that many, before any is sent), take them all at once, and keep
/// the bucket in the database; governor answers "may one more go?" per cell, in memory.
#[derive(Debug, Clone, Default)]
pub struct RateBuckets {
    buckets: HashMap<i64, RateLevel>,
}

impl RateBuckets {
    fn level(&mut self, webhook: i64, rate: f64, now: Millis) -> &mut RateLevel {
        let b = self
            .buckets
            .entry(webhook)
            .or_insert_with(|| RateLevel::full(rate, now));
        *b = b.refilled(rate, now);
        b
    }

    /// Takes the level the store holds for this webhook (every instance spends from it).
    pub fn set(&mut self, webhook: i64, level: RateLevel) {
        self.buckets.insert(webhook, level);
    }

    /// Whole tokens available now.
    pub fn available(&mut self, webhook: i64, rate: f64, now: Millis) -> usize {
        self.level(webhook, rate, now).tokens.floor().max(0.0) as usize
    }

    /// Spends `n` tokens (taken by a claim), as the store does ([`RateLevel::spent`]).
    pub fn spend(&mut self, webhook: i64, rate: f64, n: usize, now: Millis) {
        let b = self.level(webhook, rate, now);
        *b = b.spent(rate, n, now);
    }

    /// When the next whole token of an empty bucket comes.
    pub fn next_token_at(&mut self, webhook: i64, rate: f64, now: Millis) -> Millis {
        let b = self.level(webhook, rate, now);
        let missing = (1.0 - b.tokens).max(0.0);
        now + (missing / rate.max(f64::MIN_POSITIVE) * 1000.0).ceil() as Millis
    }
}

#[cfg(test)]
mod tests;
