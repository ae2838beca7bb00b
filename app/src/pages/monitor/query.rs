//! The delivery log's parameters as the Monitor pages carry them in their addresses.
//!
//! Guarantees: every link between the Monitor pages (a filtered log, its next page, the export,
//! the bulk resend preview, the dashboard's drill-downs) is built from a parsed
//! [`DeliveryQuery`] with [`DeliveryQuery::to_query`], so it names exactly the filters of the
//! page it came from and the server reads it back with the same parser.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    components::list_controls::href_with,
    domain::deliveries::{DeliveryQuery, DeliveryQueryInput},
};

pub const LOG: &str = "/monitor/deliveries";
pub const EXPORT: &str = "/monitor/deliveries/export";

/// The log parameters of the current address, raw (the server parses them).
pub fn use_delivery_query() -> Memo<DeliveryQueryInput> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).filter(|s| !s.trim().is_empty());
        DeliveryQueryInput {
            integration_id: get("integration_id"),
            status: get("status"),
            channel: get("channel"),
            code: get("code"),
            from: get("from"),
            to: get("to"),
            limit: get("limit"),
            before: get("before"),
        }
    })
}

/// `base` with the query's parameters, plus `extra`.
pub fn link(base: &str, query: &DeliveryQuery, extra: &[(&'static str, String)]) -> String {
    let mut pairs = query.to_query();
    pairs.extend(extra.iter().cloned());
    href_with(base, &pairs)
}

/// The log filtered by `query` (paging dropped).
pub fn log_link(query: &DeliveryQuery) -> String {
    link(LOG, &query.filters_only(), &[])
}

/// The address of one delivery's page.
pub fn delivery_link(id: &str) -> String {
    format!("{LOG}/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deliveries::DeliveryStatus;

    #[test]
    fn a_filtered_link_names_its_filters_and_leaves_paging_out() {
        let q = DeliveryQuery {
            webhook_id: Some(7),
            status: Some(DeliveryStatus::Failed),
            limit: 100,
            before: Some(99),
            ..Default::default()
        };
        assert_eq!(
            log_link(&q),
            "/monitor/deliveries?integration_id=7&status=failed"
        );
        assert_eq!(
            link(EXPORT, &q.filters_only(), &[("format", "csv".into())]),
            "/monitor/deliveries/export?integration_id=7&status=failed&format=csv"
        );
    }
}
