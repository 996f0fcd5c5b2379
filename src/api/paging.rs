//! `Paging`: the paging parameters of a list, and the seal on its cursors.
//!
//! A cursor is a position in one list under one set of filters. Each cursor the
//! API issues starts with a seal, a digest of the path and of every query
//! parameter but `cursor` and `limit`; a cursor brought back with other filters
//! (or to another list) answers 400 `cursor_mismatch` instead of a page that
//! silently starts somewhere meaningless. Changing `limit` between pages is fine.
//!
//! The answer of a list is [`Listed`]: the page as JSON, its cursor sealed, and a
//! `Link: <...>; rel="next"` header (RFC 8288) when there is a next page.

use std::ops::Deref;

use actix_web::body::BoxBody;
use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest, HttpResponse, Responder};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::api::query;
use crate::dto::page::{Page, PageQuery};
use crate::error::{ApiError, ErrorCode, FieldError};

/// Characters of the seal at the start of every cursor (8 bytes, base64url).
const SEAL_LENGTH: usize = 11;

/// The paging parameters of a list request, with the seal its cursors carry.
#[derive(Debug)]
pub struct Paging {
    query: PageQuery,
    seal: String,
    /// The request's path and its query parameters but `cursor`, for `Link`.
    next_base: String,
}

impl Deref for Paging {
    type Target = PageQuery;

    fn deref(&self) -> &PageQuery {
        &self.query
    }
}

impl FromRequest for Paging {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Paging::new(req))
    }
}

impl Paging {
    fn new(req: &HttpRequest) -> Result<Self, ApiError> {
        Self::unsealed_for(req, &[])
    }

    /// The paging of a list whose parameters `unsealed` only say where a walk
    /// starts (the change feed's `from`): a cursor does not repeat them.
    pub fn unsealed_for(req: &HttpRequest, unsealed: &[&str]) -> Result<Self, ApiError> {
        let query: PageQuery = query::parse(req.query_string())?;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
            .filter(|(name, _)| name != "cursor")
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        let mut filters: Vec<&(String, String)> =
            pairs.iter().filter(|(name, _)| name != "limit" && !unsealed.contains(&name.as_str())).collect();
        filters.sort();
        let mut digest = Sha256::new();
        digest.update(req.path().as_bytes());
        for (name, value) in filters {
            // Lengths first, so that no two different lists of pairs hash alike.
            for part in [name, value] {
                digest.update((part.len() as u64).to_be_bytes());
                digest.update(part.as_bytes());
            }
        }
        let seal = URL_SAFE_NO_PAD.encode(&digest.finalize()[..8]);
        let mut next_base = form_urlencoded::Serializer::new(String::new());
        next_base.extend_pairs(&pairs);
        let next_base = format!("{}?{}", req.path(), next_base.finish());
        Ok(Self { query, seal, next_base })
    }

    /// The decoded position the page starts after, once the cursor's seal shows
    /// it was issued for this list under these filters.
    pub fn after(&self) -> Result<Option<String>, ApiError> {
        let Some(cursor) = self.query.cursor.as_deref() else { return Ok(None) };
        let invalid =
            || ApiError::invalid("query.cursor", ErrorCode::InvalidCursor, "cursor is not one this API issued");
        if cursor.len() < SEAL_LENGTH || !cursor.is_char_boundary(SEAL_LENGTH) {
            return Err(invalid());
        }
        let (seal, position) = cursor.split_at(SEAL_LENGTH);
        if seal != self.seal {
            return Err(ApiError::BadRequest {
                detail: "the cursor belongs to another list or to other filters".into(),
                errors: vec![FieldError::new(
                    "query.cursor",
                    ErrorCode::CursorMismatch,
                    "pass the same filters as for the first page, or start again without cursor",
                )],
            });
        }
        let unsealed = PageQuery { cursor: Some(position.to_owned()), ..PageQuery::default() };
        unsealed.after()
    }

    /// `position` as a cursor of this list, sealed.
    pub fn seal(&self, position: &str) -> String {
        format!("{}{}", self.seal, crate::dto::page::encode_cursor(position))
    }

    /// The answer of the list: `page` with its cursor sealed, and a `Link` header.
    pub fn respond<T: Serialize>(&self, mut page: Page<T>) -> Listed<T> {
        page.next_cursor = page.next_cursor.map(|position| format!("{}{position}", self.seal));
        let link = page.next_cursor.as_ref().map(|cursor| {
            let separator = if self.next_base.ends_with('?') { "" } else { "&" };
            format!("<{}{separator}cursor={cursor}>; rel=\"next\"", self.next_base)
        });
        Listed { page, link }
    }
}

/// A page of a list, as answered: JSON, plus `Link` to the next page.
pub struct Listed<T> {
    page: Page<T>,
    link: Option<String>,
}

impl<T: Serialize> Listed<T> {
    /// The page as JSON bytes and its `Link` header, for a page kept serialised
    /// ([`crate::api::hot_pages`]).
    pub fn serialised(&self) -> Result<(Bytes, Option<HeaderValue>), ApiError> {
        let body = serde_json::to_vec(&self.page).map_err(ApiError::internal)?;
        let link = self.link.as_deref().map(HeaderValue::from_str).transpose().map_err(ApiError::internal)?;
        Ok((Bytes::from(body), link))
    }
}

impl<T: Serialize> Responder for Listed<T> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        let mut response = HttpResponse::Ok();
        if let Some(link) = self.link {
            response.insert_header((header::LINK, link));
        }
        response.json(self.page)
    }
}
