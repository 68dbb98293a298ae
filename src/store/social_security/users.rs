//! The user list of a quality (seed 001, "Gebruikers beheren"): the filters, a page and
//! its count, a slice for the CSV export, and the plan the database chooses for it
//! (checked by a test and printed by the benchmark, so the index stays in use).
//!
//! Every filter narrows `ss_grant_details` rows of one quality, found through the index
//! `ss_grant_details_by_quality (quality_id, last_name, first_name)`, which also gives
//! the list its order.

use sqlx::Row as _;
use sqlx::any::{Any, AnyArguments};
use sqlx::query::Query;

use super::{GRANT_COLUMNS, GRANT_FROM, SsGrantRow, ss_grant_from};
use crate::store::access_grants::GrantRole;
use crate::store::{Backend, Store, StoreResult};

/// The filters of a quality's user list (all optional; '' means any).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Starts with, any case.
    pub last_name: String,
    pub first_name: String,
    pub username: String,
    /// The roles of the seeds' type: LB (local and co-local admins), SB, USER.
    pub roles: Vec<GrantRole>,
    /// The national number (11 digits).
    pub holder: String,
    /// `active` or `suspended`; '' for both.
    pub status: String,
    /// An application code ticked for the person.
    pub application: String,
    /// Only the roles at or below this subdivision, or at this site.
    pub place: String,
}

/// The conditions, with the filter's values as `$1`…`$11` (see [`Bound`]).
const WHERE: &str = "WHERE d.quality_id = $1 \
     AND ($2 = '' OR LOWER(d.last_name) LIKE $2) \
     AND ($3 = '' OR LOWER(d.first_name) LIKE $3) \
     AND ($4 = '' OR pa.username LIKE $4) \
     AND ($5 = '' OR g.role = $5 OR g.role = $6) \
     AND ($7 = '' OR g.holder = $7) \
     AND (($8 = '' AND g.status <> 'revoked') OR g.status = $8) \
     AND ($9 = '' OR (' ' || d.applications || ' ') LIKE $10) \
     AND ($11 = '' OR d.subdivision_id = $11 OR d.site_id = $11)";

const ORDER: &str = "ORDER BY d.last_name, d.first_name, g.id";

/// The list's query for one page or slice: `$12` rows from `$13`.
fn page_sql() -> String {
    format!("SELECT {GRANT_COLUMNS} {GRANT_FROM} {WHERE} {ORDER} LIMIT $12 OFFSET $13")
}

/// The filter's values in the order of [`WHERE`]'s placeholders.
struct Bound([String; 11]);

impl Bound {
    fn new(quality_id: &str, filter: &UserFilter) -> Self {
        let like = |s: &str| if s.is_empty() { String::new() } else { format!("{}%", s.to_lowercase()) };
        let roles: Vec<&str> = filter.roles.iter().map(|r| r.code()).collect();
        let status = match filter.status.as_str() {
            "active" | "suspended" => filter.status.clone(),
            _ => String::new(),
        };
        Self([
            quality_id.to_string(),
            like(&filter.last_name),
            like(&filter.first_name),
            like(&filter.username),
            roles.first().copied().unwrap_or("").to_string(),
            roles.get(1).or(roles.first()).copied().unwrap_or("").to_string(),
            filter.holder.clone(),
            status,
            filter.application.clone(),
            format!("% {} %", filter.application),
            filter.place.clone(),
        ])
    }

    fn bind<'q>(&self, mut q: Query<'q, Any, AnyArguments>) -> Query<'q, Any, AnyArguments> {
        for v in &self.0 {
            q = q.bind(v.clone());
        }
        q
    }
}

/// How [`Store::explain_ss_users`] lets the database plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanMode {
    /// The plan the database chooses with the statistics it has (the benchmark's).
    AsChosen,
    /// On PostgreSQL, sequential scans discouraged (`enable_seqscan = off`), so the plan
    /// shows whether an index *can* serve the query even on a table too small for the
    /// planner to bother (the test's). SQLite plans the same either way.
    IndexesIfUsable,
}

impl Store {
    /// A page of a quality's user list (not revoked), by name, and how many match in all.
    pub async fn find_ss_users(
        &self,
        quality_id: &str,
        filter: &UserFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<SsGrantRow>, i64)> {
        let bound = Bound::new(quality_id, filter);
        let total: i64 = bound
            .bind(sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n {GRANT_FROM} {WHERE}"))))
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        let rows = self.find_ss_users_slice(quality_id, filter, offset, limit).await?;
        Ok((rows, total))
    }

    /// `limit` rows of the list from `offset`, without the count (the export).
    pub async fn find_ss_users_slice(
        &self,
        quality_id: &str,
        filter: &UserFilter,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Vec<SsGrantRow>> {
        let rows = Bound::new(quality_id, filter)
            .bind(sqlx::query(sqlx::AssertSqlSafe(page_sql())))
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(ss_grant_from).collect()
    }

    /// The plan of the list's page query for `filter`, one line per step (SQLite's
    /// `EXPLAIN QUERY PLAN` details, PostgreSQL's `EXPLAIN` lines).
    pub async fn explain_ss_users(
        &self,
        quality_id: &str,
        filter: &UserFilter,
        mode: PlanMode,
    ) -> StoreResult<Vec<String>> {
        let bound = Bound::new(quality_id, filter);
        let (prefix, column) = match self.backend() {
            Backend::Sqlite => ("EXPLAIN QUERY PLAN", 3),
            Backend::Postgres => ("EXPLAIN", 0),
        };
        let query = || {
            bound
                .bind(sqlx::query(sqlx::AssertSqlSafe(format!("{prefix} {}", page_sql()))))
                .bind(50_i64)
                .bind(0_i64)
        };
        let mut tx = self.pool().begin().await?;
        if mode == PlanMode::IndexesIfUsable && self.backend() == Backend::Postgres {
            sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await?;
        }
        let rows = query().fetch_all(&mut *tx).await?;
        tx.rollback().await?;
        rows.iter().map(|r| Ok(r.try_get::<String, _>(column)?)).collect()
    }

    /// Refreshes the planner's statistics (`ANALYZE`), as the operator's maintenance or a
    /// bulk load would.
    pub async fn analyze(&self) -> StoreResult<()> {
        sqlx::query("ANALYZE").execute(self.writer()).await?;
        Ok(())
    }
}
