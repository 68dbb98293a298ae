//! The users list of a quality as the pages and the API ask for it: the filters and page of
//! the query string (`last_name`, `first_name`, `username`, `type` LB/SB/USER,
//! `national_number`, `status`, `application`, `page`), and the CSV answer.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, header};
use serde::Deserialize;

use super::manage::roles_of_type;
use crate::domain::NationalNumber;
use crate::store::social_security::UserFilter;

/// The list's query: filters and page.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct UserListQuery {
    pub last_name: String,
    pub first_name: String,
    pub username: String,
    #[serde(rename = "type")]
    pub user_type: String,
    pub national_number: String,
    pub status: String,
    pub application: String,
    pub page: Option<i64>,
}

impl UserListQuery {
    /// The store's filter (a national number in any notation, or a fragment as typed).
    pub fn filter(&self) -> UserFilter {
        UserFilter {
            last_name: self.last_name.trim().to_string(),
            first_name: self.first_name.trim().to_string(),
            username: self.username.trim().to_lowercase(),
            roles: roles_of_type(&self.user_type),
            holder: NationalNumber::parse(&self.national_number)
                .map(|n| n.as_str().to_string())
                .unwrap_or_else(|_| self.national_number.trim().to_string()),
            status: self.status.clone(),
            application: self.application.trim().to_string(),
            place: String::new(),
        }
    }

    /// The page asked for, from 1.
    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).max(1)
    }

    /// The query string without the page (for the pager's links).
    pub fn without_page(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("last_name", &self.last_name),
            ("first_name", &self.first_name),
            ("username", &self.username),
            ("type", &self.user_type),
            ("national_number", &self.national_number),
            ("status", &self.status),
            ("application", &self.application),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        s.finish()
    }
}

/// The CSV export as a download named after the quality.
pub fn csv_response(quality_code: &str, body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"users-{quality_code}.csv\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}
