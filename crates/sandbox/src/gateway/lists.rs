//! List parameters and list objects, as the real API pages them: `limit` (1-100, default 20),
//! `offset`, `order` and `from`/`to` bounds on `created_at`. Parameters may come as a query
//! string, a form body or a JSON body, even on GET (omise-python sends list parameters as a
//! JSON body).

use super::error::ApiError;
use super::now;
use crate::api::params::Params;
use axum::extract::{FromRequest, Request};
use paywasm_core::omise::objects::List;
use paywasm_core::time::Timestamp;

/// The parameters of a list request, from the query string and the body together.
pub(crate) struct ListParams(Params);

impl<S: Send + Sync> FromRequest<S> for ListParams {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let query = request.uri().query().unwrap_or("").to_owned();
        let mut params = Params::read(request, state).await?;
        params.extend(Params::parse(query.as_bytes(), false)?);
        Ok(Self(params))
    }
}

/// Which page of a list to answer.
pub(crate) struct Page {
    limit: u32,
    offset: u32,
    newest_first: bool,
    from: Timestamp,
    to: Timestamp,
}

impl Page {
    /// Reads and checks the list parameters.
    pub(crate) fn from_params(ListParams(params): &ListParams) -> Result<Self, ApiError> {
        let limit = params.integer("limit")?.unwrap_or(20);
        if !(1..=100).contains(&limit) {
            return Err(ApiError::BadRequest(
                "limit must be between 1 and 100".into(),
            ));
        }
        let offset = params.integer("offset")?.unwrap_or(0);
        let offset = u32::try_from(offset)
            .map_err(|_| ApiError::BadRequest("offset must be 0 or more".into()))?;
        // Newest first unless asked otherwise: a dashboard and a test look for the latest.
        let newest_first = match params.str("order")?.unwrap_or("reverse_chronological") {
            "reverse_chronological" => true,
            "chronological" => false,
            _ => {
                return Err(ApiError::BadRequest(
                    "order must be chronological or reverse_chronological".into(),
                ))
            }
        };
        let bound = |key: &str| -> Result<Option<Timestamp>, ApiError> {
            params
                .str(key)?
                .map(|text| {
                    Timestamp::parse(text).map_err(|e| ApiError::BadRequest(format!("{key}: {e}")))
                })
                .transpose()
        };
        let from = bound("from")?.unwrap_or(Timestamp::EPOCH);
        let to = bound("to")?.unwrap_or_else(now);
        if from > to {
            return Err(ApiError::BadRequest("from must not be after to".into()));
        }
        Ok(Self {
            limit: limit as u32,
            offset,
            newest_first,
            from,
            to,
        })
    }

    /// Ids of the page's rows of `table` (which has `seq`, `id` and `created_at`), and how many
    /// rows match in all.
    pub(crate) fn query_ids(
        &self,
        db: &rusqlite::Connection,
        table: &str,
    ) -> rusqlite::Result<(Vec<String>, u32)> {
        self.query_ids_where(db, table, None)
    }

    /// As [`Page::query_ids`], limited to rows whose `column` equals `value`.
    pub(crate) fn query_ids_where(
        &self,
        db: &rusqlite::Connection,
        table: &str,
        filter: Option<(&str, &str)>,
    ) -> rusqlite::Result<(Vec<String>, u32)> {
        use rusqlite::types::Value as Sql;
        let direction = if self.newest_first { "DESC" } else { "ASC" };
        let mut condition = "created_at >= ?1 AND created_at <= ?2".to_owned();
        let mut bound = vec![Sql::Integer(self.from.unix()), Sql::Integer(self.to.unix())];
        if let Some((column, value)) = filter {
            condition.push_str(&format!(" AND {column} = ?3"));
            bound.push(Sql::Text(value.to_owned()));
        }
        let total: u32 = db.query_row(
            &format!("SELECT COUNT(*) FROM {table} WHERE {condition}"),
            rusqlite::params_from_iter(bound.iter()),
            |row| row.get(0),
        )?;
        let paging = bound.len();
        bound.push(Sql::Integer(i64::from(self.limit)));
        bound.push(Sql::Integer(i64::from(self.offset)));
        let mut statement = db.prepare(&format!(
            "SELECT id FROM {table} WHERE {condition} ORDER BY seq {direction} LIMIT ?{} OFFSET ?{}",
            paging + 1,
            paging + 2
        ))?;
        let ids = statement
            .query_map(rusqlite::params_from_iter(bound.iter()), |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok((ids, total))
    }

    /// The list object for this page.
    pub(crate) fn list<T>(&self, data: Vec<T>, total: u32, location: &str) -> List<T> {
        List {
            object: "list".into(),
            data,
            limit: self.limit,
            offset: self.offset,
            total,
            location: Some(location.to_owned()),
            order: if self.newest_first {
                "reverse_chronological"
            } else {
                "chronological"
            }
            .into(),
            from: self.from,
            to: self.to,
        }
    }
}
