//! The export (CONTRACT §4): every delivery the filters select, newest first, read a page at a
//! time as the consumer takes rows, so an export of millions holds one page in memory.

use std::sync::Arc;

use app::{
    domain::{deliveries::DeliveryQuery, monitor::ExportRow},
    services::ExportStream,
};
use futures::StreamExt as _;

use super::{filter, rfc3339, unexpected};
use crate::store::{DeliveryRecord, Store};

/// Deliveries read per page of an export.
const PAGE: u32 = 500;

fn row(d: DeliveryRecord) -> ExportRow {
    ExportRow {
        id: d.id.to_string(),
        created_at: rfc3339(d.created_at),
        integration_id: d.webhook_id.to_string(),
        integration_name: d.webhook_name,
        channel: d.channel,
        event: d.event,
        status: d.status,
        attempts: d.attempt_count,
        last_status_code: d.last_status_code,
        last_error_code: d.last_error_code,
        url: d.webhook_url.unwrap_or_default(),
    }
}

/// Where the export stands between pages.
enum Next {
    Before(Option<i64>),
    Done,
}

pub(super) fn stream(store: Arc<dyn Store>, query: &DeliveryQuery) -> ExportStream {
    let query = DeliveryQuery {
        limit: PAGE,
        before: None,
        ..query.clone()
    };
    let pages = futures::stream::unfold(Next::Before(None), move |next| {
        let (store, mut query) = (store.clone(), query.clone());
        async move {
            let Next::Before(before) = next else {
                return None;
            };
            query.before = before;
            let mut f = filter(&query);
            f.limit = i64::from(PAGE);
            match store.list_deliveries(&f).await {
                Err(e) => Some((vec![Err(unexpected(e))], Next::Done)),
                Ok(page) => {
                    let full = page.rows.len() as i64 >= f.limit;
                    let next = match (full, page.resume_before) {
                        (true, _) => Next::Before(page.rows.last().map(|r| r.id)),
                        (false, Some(resume)) => Next::Before(Some(resume)),
                        (false, None) => Next::Done,
                    };
                    let rows: Vec<_> = page.rows.into_iter().map(|d| Ok(row(d))).collect();
                    Some((rows, next))
                }
            }
        }
    });
    pages.flat_map(futures::stream::iter).boxed()
}
