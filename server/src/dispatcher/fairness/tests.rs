use super::*;

fn cand(id: i64, webhook_id: i64) -> Candidate {
    Candidate {
        id,
        webhook_id,
        max_in_flight: None,
        rate_per_second: None,
        leased_anywhere: 0,
    }
}

/// `n` candidates of `webhook`, ids from `start`.
fn run(webhook: i64, start: i64, n: i64) -> Vec<Candidate> {
    (start..start + n).map(|id| cand(id, webhook)).collect()
}

fn count(chosen: &[i64], candidates: &[Candidate], webhook: i64) -> usize {
    chosen
        .iter()
        .filter(|id| {
            candidates
                .iter()
                .any(|c| c.id == **id && c.webhook_id == webhook)
        })
        .count()
}

#[test]
fn the_share_is_the_ceiling_of_slots_over_webhooks() {
    assert_eq!(share(128, 1), 128);
    assert_eq!(share(128, 2), 64);
    assert_eq!(share(128, 3), 43);
    assert_eq!(share(128, 0), 128);
    assert_eq!(share(4, 10), 1, "never zero");
}

#[test]
fn a_lone_webhook_may_use_every_slot() {
    let c = run(1, 1, 500);
    let chosen = select(&c, &Budget::default(), 128, 128);
    assert_eq!(chosen.len(), 128);
    assert_eq!(chosen, (1..=128).collect::<Vec<_>>(), "oldest first");
}

#[test]
fn two_webhooks_share_the_slots_even_when_one_backlog_comes_first() {
    // A slow partner's backlog is due before the other's single delivery.
    let mut c = run(1, 1, 600);
    c.extend(run(2, 1000, 50));
    let chosen = select(&c, &Budget::default(), 128, 128);
    assert_eq!(count(&chosen, &c, 1), 64);
    assert_eq!(count(&chosen, &c, 2), 50);
}

#[test]
fn a_webhook_holding_its_share_in_flight_takes_nothing_while_another_waits() {
    let mut c = run(1, 1, 600);
    c.extend(run(2, 1000, 10));
    let budget = Budget {
        local_in_flight: HashMap::from([(1, 64)]),
        ..Budget::default()
    };
    let chosen = select(&c, &budget, 128, 64);
    assert_eq!(count(&chosen, &c, 1), 0);
    assert_eq!(count(&chosen, &c, 2), 10);
    // Even the in-flight webhooks without due work count in k.
    let budget = Budget {
        local_in_flight: HashMap::from([(1, 10), (3, 40), (4, 40)]),
        ..Budget::default()
    };
    let chosen = select(&run(1, 1, 100), &budget, 128, 38);
    assert_eq!(chosen.len(), 33, "share ⌈128/3⌉ = 43, less the 10 it holds");
}

#[test]
fn ten_webhooks_each_get_at_most_their_share() {
    let mut c = Vec::new();
    for w in 1..=10 {
        c.extend(run(w, w * 1000, 100));
    }
    let chosen = select(&c, &Budget::default(), 128, 128);
    for w in 1..=10 {
        assert!(count(&chosen, &c, w) <= 13, "webhook {w}");
    }
    assert_eq!(
        chosen.len(),
        128,
        "ten shares of 13 more than fill the 128 slots"
    );
}

#[test]
fn max_in_flight_counts_every_instances_leases() {
    let mut c = run(1, 1, 20);
    for x in &mut c {
        x.max_in_flight = Some(5);
        x.leased_anywhere = 3;
    }
    assert_eq!(select(&c, &Budget::default(), 128, 128).len(), 2);
    for x in &mut c {
        x.leased_anywhere = 7;
    }
    assert!(select(&c, &Budget::default(), 128, 128).is_empty());
}

#[test]
fn a_rate_limited_webhook_takes_only_the_tokens_it_has() {
    let mut c = run(1, 1, 20);
    for x in &mut c {
        x.rate_per_second = Some(2.0);
    }
    let budget = Budget {
        rate_tokens: HashMap::from([(1, 2)]),
        ..Budget::default()
    };
    assert_eq!(select(&c, &budget, 128, 128), vec![1, 2]);
    assert!(
        select(&c, &Budget::default(), 128, 128).is_empty(),
        "no tokens, nothing"
    );
}

#[test]
fn never_more_than_the_free_slots() {
    let mut c = run(1, 1, 50);
    c.extend(run(2, 100, 50));
    assert_eq!(select(&c, &Budget::default(), 128, 7).len(), 7);
}

#[test]
fn a_bucket_refills_at_its_rate_up_to_one_seconds_worth() {
    let mut b = RateBuckets::default();
    assert_eq!(b.available(1, 5.0, 0), 5, "a quiet webhook starts full");
    b.spend(1, 5.0, 5, 0);
    assert_eq!(b.available(1, 5.0, 0), 0);
    assert_eq!(b.next_token_at(1, 5.0, 0), 200);
    assert_eq!(b.available(1, 5.0, 400), 2);
    assert_eq!(
        b.available(1, 5.0, 60_000),
        5,
        "never more than a second's worth"
    );
    assert_eq!(
        b.available(2, 0.5, 0),
        1,
        "a slow rate still holds one token"
    );
    b.spend(2, 0.5, 1, 0);
    assert_eq!(b.next_token_at(2, 0.5, 0), 2_000);
}
