//! Lists on the wire (CONTRACT §2/§4): a JSON array, newest first; when there may be more, a
//! `Link: <…?before=ID>; rel="next"` header carries the next page's address.

use app::domain::{
    paging::{ListQuery, ListQueryInput, Page},
    AppError,
};
use axum::{
    extract::{FromRequestParts, Query},
    http::{header::LINK, request::Parts, HeaderValue, Uri},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;

use super::error::ApiError;

/// The query string, parsed into `T` (unknown parameters ignored); a malformed one answers 400
/// in our error shape.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(ApiError::from(AppError::Malformed {
                field: None,
                message: format!("The query string cannot be read: {}", e.body_text()),
            })),
        }
    }
}

/// A parsed [`ListQuery`] from the query string.
pub struct ListParams(pub ListQuery);

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiQuery(input) = ApiQuery::<ListQueryInput>::from_request_parts(parts, state).await?;
        Ok(ListParams(ListQuery::parse(&input)?))
    }
}

/// The address of the page after this one: the same path and parameters, `before` replaced.
fn next_link(uri: &Uri, before: &str) -> Option<HeaderValue> {
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .map(|q| serde_urlencoded::from_str(q).unwrap_or_default())
        .unwrap_or_default();
    pairs.retain(|(k, _)| k != "before");
    pairs.push(("before".into(), before.to_owned()));
    let query = serde_urlencoded::to_string(&pairs).ok()?;
    HeaderValue::from_str(&format!("<{}?{query}>; rel=\"next\"", uri.path())).ok()
}

/// 200 with the page's items as an array (and the next page's `Link`), or the error.
pub fn page<T: Serialize>(uri: &Uri, result: Result<Page<T>, AppError>) -> Response {
    match result {
        Ok(page) => {
            let mut response = Json(page.items).into_response();
            if let Some(link) = page.next_before.and_then(|b| next_link(uri, &b)) {
                response.headers_mut().insert(LINK, link);
            }
            response
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_keeps_the_filters_and_replaces_the_cursor() {
        let uri: Uri = "/api/v1/deliveries?status=failed&before=90&limit=2"
            .parse()
            .unwrap();
        let link = next_link(&uri, "40").unwrap();
        assert_eq!(
            link.to_str().unwrap(),
            "</api/v1/deliveries?status=failed&limit=2&before=40>; rel=\"next\""
        );
        let bare: Uri = "/api/v1/services".parse().unwrap();
        assert_eq!(
            next_link(&bare, "7").unwrap().to_str().unwrap(),
            "</api/v1/services?before=7>; rel=\"next\""
        );
    }
}
