use super::*;

fn cand(id: i64, webhook_id: i64) -> Candidate {
    Candidate {
        id,
        webhook_id,
        max_in_flight: None,
        rate_per_second: None,
        leased_anywhere: 0,
        rate_level: None,
    }
}

/// `n` candidates of `webhook`, ids from `start`.
fn run(webhook: i64, start: i64, n: i64) -> Vec<Candidate> {
    (start..start + n).map(|id| cand(id, webhook)).collect()
}

/// A budget where `webhooks` are known to answer quickly (and nothing is in flight).
fn quick(webhooks: impl IntoIterator<Item = i64>) -> Budget {
    Budget {
        pace: webhooks.into_iter().map(|w| (w, Pace::Quick)).collect(),
        ..Budget::default()
    }
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
fn a_lone_quick_webhook_may_use_every_slot() {
    let c = run(1, 1, 500);
    let chosen = select(&c, &quick([1]), 128, 128);
    assert_eq!(chosen.len(), 128);
    assert_eq!(chosen, (1..=128).collect::<Vec<_>>(), "oldest first");
}

#[test]
fn a_lone_webhook_of_unknown_pace_leaves_the_reserve_until_its_pace_shows() {
    let chosen = select(&run(1, 1, 500), &Budget::default(), 128, 128);
    assert_eq!(
        chosen.len(),
        112,
        "holding 112, it is no newcomer to the reserve"
    );
}

#[test]
fn two_webhooks_share_the_slots_even_when_one_backlog_comes_first() {
    // A slow partner's backlog is due before the other's single delivery.
    let mut c = run(1, 1, 600);
    c.extend(run(2, 1000, 50));
    let chosen = select(&c, &quick([1, 2]), 128, 128);
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
        ..quick([1])
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
    let chosen = select(&c, &quick(1..=10), 128, 128);
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
fn the_reserve_is_an_eighth_and_a_newcomer_may_take_a_quarter_of_it() {
    assert_eq!(reserve(128), 16);
    assert_eq!(newcomer(128), 4);
    assert_eq!(reserve(7), 0, "below 8 slots every slot is someone's share");
    assert_eq!(newcomer(7), 0);
}

#[test]
fn slow_webhooks_leave_the_reserve_free_while_another_has_work() {
    // A 3 s partner and a hanging one, both with big backlogs; no one else due yet.
    let mut c = run(1, 1, 5_000);
    c.extend(run(2, 10_000, 5_000));
    let budget = Budget {
        pace: HashMap::from([(1, Pace::Slow), (2, Pace::Slow)]),
        ..Budget::default()
    };
    let chosen = select(&c, &budget, 128, 128);
    assert_eq!(chosen.len(), 112, "the last 16 slots stay free");
    assert_eq!(count(&chosen, &c, 1), 64);
    assert_eq!(count(&chosen, &c, 2), 48);
}

#[test]
fn a_quick_webhook_takes_the_reserve_beside_slow_ones_holding_the_rest() {
    let budget = Budget {
        local_in_flight: HashMap::from([(1, 64), (2, 48)]),
        pace: HashMap::from([(1, Pace::Slow), (2, Pace::Slow), (3, Pace::Quick)]),
        ..Budget::default()
    };
    let mut c = run(1, 1, 100);
    c.extend(run(2, 1_000, 100));
    c.extend(run(3, 2_000, 100));
    let chosen = select(&c, &budget, 128, 16);
    assert_eq!(
        count(&chosen, &c, 3),
        16,
        "every free slot, the slow ones none"
    );
}

#[test]
fn webhooks_of_unknown_pace_take_only_a_newcomers_part_of_the_reserve() {
    // The first claim of an outage: nobody knows yet that both partners hang.
    let mut c = run(1, 1, 5_000);
    c.extend(run(2, 10_000, 5_000));
    let chosen = select(&c, &Budget::default(), 128, 128);
    assert_eq!(count(&chosen, &c, 1), 64);
    assert_eq!(
        count(&chosen, &c, 2),
        48,
        "holding 48, it is no newcomer to the reserve"
    );
    // A partner never seen before arrives: its first 4 may go before its pace is known.
    let budget = Budget {
        local_in_flight: HashMap::from([(1, 64), (2, 48)]),
        ..Budget::default()
    };
    let mut c = run(1, 1, 100);
    c.extend(run(2, 1_000, 100));
    c.extend(run(3, 2_000, 100));
    let chosen = select(&c, &budget, 128, 16);
    assert_eq!(count(&chosen, &c, 3), 4);
    assert_eq!(chosen.len(), 4);
}

#[test]
fn a_lone_slow_webhook_leaves_the_reserve_for_whoever_comes_next() {
    let budget = Budget {
        pace: HashMap::from([(1, Pace::Slow)]),
        ..Budget::default()
    };
    assert_eq!(select(&run(1, 1, 500), &budget, 128, 128).len(), 112);
    // Then a quick webhook's deliveries come due: the reserve is theirs at once.
    let budget = Budget {
        local_in_flight: HashMap::from([(1, 112)]),
        pace: HashMap::from([(1, Pace::Slow), (2, Pace::Quick)]),
        ..Budget::default()
    };
    let mut c = run(1, 1, 500);
    c.extend(run(2, 1_000, 50));
    let chosen = select(&c, &budget, 128, 16);
    assert_eq!(count(&chosen, &c, 2), 16);
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
