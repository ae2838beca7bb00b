//! The export's wire format (CONTRACT §4): CSV (RFC 4180, a header row, CRLF) or NDJSON, streamed
//! row by row as the service reads them. `GET /api/v1/deliveries/export` (API key) and the
//! console's session-authenticated twin answer through [`response`].

use app::{
    domain::{
        deliveries::{DeliveryQuery, DeliveryQueryInput, ExportFormat},
        monitor::ExportRow,
        AppError,
    },
    services::Services,
};
use axum::{
    body::{Body, Bytes},
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};
use futures::StreamExt as _;
use serde::Deserialize;

use super::error::ApiError;

/// The CSV columns, in order (CONTRACT §4).
pub const COLUMNS: [&str; 11] = [
    "id",
    "created_at",
    "integration_id",
    "integration_name",
    "channel",
    "event",
    "status",
    "attempts",
    "last_status_code",
    "last_error_code",
    "url",
];

#[derive(Debug, Default, Deserialize)]
pub struct FormatParam {
    #[serde(default)]
    pub format: Option<String>,
}

/// One CSV record (CRLF-terminated), quoted where RFC 4180 needs it.
pub fn csv_line(fields: &[&str]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(160));
    // Writing to a Vec cannot fail.
    w.write_record(fields)
        .expect("a CSV record is written to memory");
    w.into_inner().expect("a CSV record is flushed to memory")
}

fn csv_row(r: &ExportRow) -> Vec<u8> {
    let status_code = r
        .last_status_code
        .map(|c| c.to_string())
        .unwrap_or_default();
    let attempts = r.attempts.to_string();
    csv_line(&[
        &r.id,
        &r.created_at,
        &r.integration_id,
        &r.integration_name,
        &r.channel,
        &r.event,
        r.status.as_str(),
        &attempts,
        &status_code,
        r.last_error_code.as_deref().unwrap_or(""),
        &r.url,
    ])
}

fn ndjson_row(r: &ExportRow) -> Vec<u8> {
    let mut line = serde_json::to_vec(r).expect("an export row serializes");
    line.push(b'\n');
    line
}

/// The streamed export of what `input` selects, in `format` (400 on a bad parameter).
pub fn response(services: &Services, input: &DeliveryQueryInput, format: &FormatParam) -> Response {
    let Some(format) = ExportFormat::parse(format.format.as_deref().unwrap_or("csv")) else {
        return ApiError::from(AppError::Malformed {
            field: Some("format".into()),
            message: "`format` is csv or ndjson.".into(),
        })
        .into_response();
    };
    let query = match DeliveryQuery::parse(input) {
        Ok(q) => q,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let rows = services.deliveries.export(&query);
    let head = match format {
        ExportFormat::Csv => Some(Ok::<_, std::io::Error>(Bytes::from(csv_line(&COLUMNS)))),
        ExportFormat::Ndjson => None,
    };
    let body = futures::stream::iter(head).chain(rows.map(move |row| match row {
        Ok(r) => Ok(Bytes::from(match format {
            ExportFormat::Csv => csv_row(&r),
            ExportFormat::Ndjson => ndjson_row(&r),
        })),
        // The status line is gone by now: end the stream with an error, which cuts the body
        // short (the client sees an incomplete transfer rather than a quietly partial file).
        Err(e) => Err(std::io::Error::other(e.to_string())),
    }));
    let filename = format!("attachment; filename=\"deliveries.{}\"", format.as_param());
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&filename).expect("an ASCII header value"),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_exactly_where_rfc_4180_needs_it() {
        assert_eq!(csv_line(&["plain", "1"]), b"plain,1\r\n");
        assert_eq!(
            csv_line(&["a,b", "say \"hi\"", "two\nlines", "caf\u{e9} \u{1f600}"]),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",caf\u{e9} \u{1f600}\r\n".as_bytes()
        );
        assert_eq!(csv_line(&["", "x"]), b",x\r\n");
    }

    #[test]
    fn the_header_row_names_the_contract_columns_in_order() {
        assert_eq!(
            String::from_utf8(csv_line(&COLUMNS)).unwrap(),
            "id,created_at,integration_id,integration_name,channel,event,status,attempts,\
             last_status_code,last_error_code,url\r\n"
        );
    }
}
