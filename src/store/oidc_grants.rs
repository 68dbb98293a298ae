//! SQL of the OpenID Provider's grants and tokens (`oidc_grants`, `oidc_tokens`), and the
//! housekeeping of every OIDC table. Pushed requests and single-use identifiers are in
//! `oidc_requests`.
//!
//! Only `code::storage_key(handle)` values are stored, never codes or tokens themselves.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::identities::{IDENTITY_JOIN_COLUMNS, Identity, identity_from_columns};
use super::{Backend, Store, StoreError, StoreResult};

/// One authorization: the code and everything needed to issue tokens from it. The
/// request (`R`) and the authentication context (`A`) are the OpenID Provider's types,
/// stored as JSON; a stored value that no longer parses is corrupt.
#[derive(Debug, Clone)]
pub struct GrantRow<R, A> {
    pub id: String,
    pub client_id: String,
    pub identity_id: String,
    pub sid: String,
    /// The validated authorization request.
    pub request: R,
    /// The authentication and the chosen profile.
    pub auth: A,
    pub code_expires_at: i64,
    pub code_used_at: Option<i64>,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub created_at: i64,
}

/// A refresh token or an opaque access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub token_key: String,
    pub kind: TokenKind,
    pub grant_id: String,
    pub client_id: String,
    pub subject: Option<String>,
    pub scope: String,
    pub dpop_jkt: Option<String>,
    pub issued_at: i64,
    pub expires_at: i64,
    pub rotated_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Refresh,
    Access,
}

impl TokenKind {
    fn code(self) -> &'static str {
        match self {
            Self::Refresh => "refresh",
            Self::Access => "access",
        }
    }
}

pub(super) fn json_col<T: DeserializeOwned>(row: &AnyRow, name: &str) -> StoreResult<T> {
    let text: String = row.try_get(name)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{name}: {e}")))
}

pub(super) fn json_text<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("serialising: {e}")))
}

fn grant_from_row<R: DeserializeOwned, A: DeserializeOwned>(r: &AnyRow) -> StoreResult<GrantRow<R, A>> {
    Ok(GrantRow {
        id: r.try_get("id")?,
        client_id: r.try_get("client_id")?,
        identity_id: r.try_get("identity_id")?,
        sid: r.try_get("sid")?,
        request: json_col(r, "request")?,
        auth: json_col(r, "auth")?,
        code_expires_at: r.try_get("code_expires_at")?,
        code_used_at: r.try_get("code_used_at")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
        created_at: r.try_get("created_at")?,
    })
}

fn token_from_row(r: &AnyRow) -> StoreResult<TokenRow> {
    let kind: String = r.try_get("kind")?;
    Ok(TokenRow {
        token_key: r.try_get("token_key")?,
        kind: match kind.as_str() {
            "refresh" => TokenKind::Refresh,
            "access" => TokenKind::Access,
            other => return Err(StoreError::Corrupt(format!("token kind {other}"))),
        },
        grant_id: r.try_get("grant_id")?,
        client_id: r.try_get("client_id")?,
        subject: r.try_get("subject")?,
        scope: r.try_get("scope")?,
        dpop_jkt: r.try_get("dpop_jkt")?,
        issued_at: r.try_get("issued_at")?,
        expires_at: r.try_get("expires_at")?,
        rotated_at: r.try_get("rotated_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

const GRANT_COLUMNS: &str = "id, client_id, identity_id, sid, request, auth, code_expires_at, code_used_at, \
     expires_at, revoked_at, created_at";
const TOKEN_COLUMNS: &str = "token_key, kind, grant_id, client_id, subject, scope, dpop_jkt, issued_at, \
     expires_at, rotated_at, revoked_at";

impl Store {
    /// Records a grant with its code (one INSERT, at the end of the authorization).
    pub async fn create_oidc_grant<R: Serialize, A: Serialize>(
        &self,
        grant: &GrantRow<R, A>,
        code_key: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO oidc_grants (id, code_key, client_id, identity_id, sid, request, auth, \
             code_expires_at, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(grant.id.clone())
        .bind(code_key.to_string())
        .bind(grant.client_id.clone())
        .bind(grant.identity_id.clone())
        .bind(grant.sid.clone())
        .bind(json_text(&grant.request)?)
        .bind(json_text(&grant.auth)?)
        .bind(grant.code_expires_at)
        .bind(grant.expires_at)
        .bind(grant.created_at)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// The grant of a code and the identity it was issued for (`None` if that identity is
    /// gone), in one read: the first statement of a code exchange.
    pub async fn find_oidc_grant_by_code<R: DeserializeOwned, A: DeserializeOwned>(
        &self,
        code_key: &str,
    ) -> StoreResult<Option<(GrantRow<R, A>, Option<Identity>)>> {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            let grant: Vec<String> = GRANT_COLUMNS.split(',').map(|c| format!("g.{}", c.trim())).collect();
            format!(
                "SELECT {}, {IDENTITY_JOIN_COLUMNS} FROM oidc_grants g \
                 LEFT JOIN identities i ON i.id = g.identity_id WHERE g.code_key = $1",
                grant.join(", ")
            )
        });
        let row = sqlx::query(sqlx::AssertSqlSafe(SQL.as_str()))
            .bind(code_key.to_string())
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let has_identity = row.try_get::<Option<String>, _>("i_id")?.is_some();
        let identity = if has_identity { Some(identity_from_columns(&row, "i_")?) } else { None };
        Ok(Some((grant_from_row(&row)?, identity)))
    }

    pub async fn find_oidc_grant<R: DeserializeOwned, A: DeserializeOwned>(
        &self,
        id: &str,
    ) -> StoreResult<Option<GrantRow<R, A>>> {
        let sql = format!("SELECT {GRANT_COLUMNS} FROM oidc_grants WHERE id = $1");
        let row =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(self.pool()).await?;
        row.as_ref().map(grant_from_row).transpose()
    }

    /// Live grants of a person (for the session page), newest first.
    pub async fn find_oidc_grants_of_identity<R: DeserializeOwned, A: DeserializeOwned>(
        &self,
        identity_id: &str,
        now: i64,
    ) -> StoreResult<Vec<GrantRow<R, A>>> {
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM oidc_grants WHERE identity_id = $1 AND revoked_at IS NULL \
             AND expires_at > $2 ORDER BY created_at DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(identity_id.to_string())
            .bind(now)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(grant_from_row).collect()
    }

    /// Revokes a grant and every token issued from it.
    pub async fn update_oidc_grant_revoked(&self, grant_id: &str, now: i64) -> StoreResult<()> {
        let mut tx = self.writer().begin().await?;
        sqlx::query("UPDATE oidc_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(grant_id.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE oidc_tokens SET revoked_at = $1 WHERE grant_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(grant_id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a grant's authentication context (the profile's roles as of a refresh).
    pub async fn update_oidc_grant_auth<A: Serialize>(&self, grant_id: &str, auth: &A) -> StoreResult<()> {
        sqlx::query("UPDATE oidc_grants SET auth = $1 WHERE id = $2")
            .bind(json_text(auth)?)
            .bind(grant_id.to_string())
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Live grants of a browser session, whole (to find those of one profile).
    pub async fn find_oidc_grants_of_session<R: DeserializeOwned, A: DeserializeOwned>(
        &self,
        sid: &str,
    ) -> StoreResult<Vec<GrantRow<R, A>>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS} FROM oidc_grants WHERE sid = $1 AND revoked_at IS NULL"
        )))
        .bind(sid.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(grant_from_row).collect()
    }

    /// The ids of live grants made in a browser session (to revoke them at logout).
    pub async fn find_oidc_grant_ids_of_session(&self, sid: &str) -> StoreResult<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT id, client_id FROM oidc_grants WHERE sid = $1 AND revoked_at IS NULL")
            .bind(sid.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("client_id")?))).collect()
    }

    /// Opaque access tokens of `client_credentials` (one INSERT; nothing for JWT tokens).
    pub async fn create_oidc_tokens(&self, tokens: &[TokenRow]) -> StoreResult<()> {
        insert_tokens(self.writer(), tokens).await
    }

    /// The writes of a code exchange, in one transaction: mark the code used (exactly one
    /// exchange wins it) and store the tokens issued from it (one INSERT). `false`: the code
    /// was used already, and nothing was written.
    pub async fn redeem_oidc_code(&self, code_key: &str, now: i64, tokens: &[TokenRow]) -> StoreResult<bool> {
        self.claim_then_insert_tokens(
            "UPDATE oidc_grants SET code_used_at = $1 WHERE code_key = $2 AND code_used_at IS NULL",
            code_key,
            now,
            tokens,
        )
        .await
    }

    /// The writes of a refresh, in one transaction: mark the presented refresh token rotated
    /// (exactly one refresh wins it) and store its successor. `false`: it was rotated or
    /// revoked already, and nothing was written.
    pub async fn rotate_oidc_refresh_token(
        &self,
        token_key: &str,
        now: i64,
        tokens: &[TokenRow],
    ) -> StoreResult<bool> {
        self.claim_then_insert_tokens(
            "UPDATE oidc_tokens SET rotated_at = $1 WHERE token_key = $2 AND rotated_at IS NULL AND revoked_at IS NULL",
            token_key,
            now,
            tokens,
        )
        .await
    }

    /// Atomically: `claim` (an UPDATE of `$1` = now where `$2` = key, guarded so that only
    /// one caller can change the row), then the INSERT of `tokens` if this caller won.
    /// PostgreSQL does both in one data-modifying statement (one round trip); SQLite in a
    /// transaction on its write connection.
    async fn claim_then_insert_tokens(
        &self,
        claim: &'static str,
        key: &str,
        now: i64,
        tokens: &[TokenRow],
    ) -> StoreResult<bool> {
        if self.backend() == Backend::Postgres {
            let insert = if tokens.is_empty() {
                String::new()
            } else {
                format!(
                    ", issued AS (INSERT INTO oidc_tokens ({TOKEN_INSERT_COLUMNS}) SELECT * FROM (VALUES {}) \
                     AS t({TOKEN_INSERT_COLUMNS}) WHERE EXISTS (SELECT 1 FROM claimed))",
                    token_values(tokens.len(), 3)
                )
            };
            let sql = format!(
                "WITH claimed AS ({claim} RETURNING 1){insert} SELECT COUNT(*) AS claimed FROM claimed"
            );
            let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now).bind(key.to_string());
            let row = bind_tokens(query, tokens).fetch_one(self.writer()).await?;
            return Ok(row.try_get::<i64, _>("claimed")? == 1);
        }
        let mut tx = self.writer().begin().await?;
        let done = sqlx::query(claim).bind(now).bind(key.to_string()).execute(&mut *tx).await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        insert_tokens(&mut *tx, tokens).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn find_oidc_token(&self, token_key: &str) -> StoreResult<Option<TokenRow>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM oidc_tokens WHERE token_key = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_key.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    pub async fn update_oidc_token_revoked(&self, token_key: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE oidc_tokens SET revoked_at = $1 WHERE token_key = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(token_key.to_string())
            .execute(self.writer())
            .await?;
        Ok(())
    }
}

const TOKEN_INSERT_COLUMNS: &str =
    "token_key, kind, grant_id, client_id, subject, scope, dpop_jkt, issued_at, expires_at";

/// `($first, …), (…)`: the VALUES rows of `n` tokens, numbering parameters from `first`.
fn token_values(n: usize, first: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| {
            let b = first + i * 9;
            let params: Vec<String> = (b..b + 9).map(|p| format!("${p}")).collect();
            format!("({})", params.join(", "))
        })
        .collect();
    rows.join(", ")
}

/// Binds the tokens in the order of [`TOKEN_INSERT_COLUMNS`].
fn bind_tokens<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    tokens: &[TokenRow],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for t in tokens {
        query = query
            .bind(t.token_key.clone())
            .bind(t.kind.code())
            .bind(t.grant_id.clone())
            .bind(t.client_id.clone())
            .bind(t.subject.clone())
            .bind(t.scope.clone())
            .bind(t.dpop_jkt.clone())
            .bind(t.issued_at)
            .bind(t.expires_at);
    }
    query
}

/// One multi-row INSERT of issued tokens (nothing when there are none).
async fn insert_tokens<'e, E>(executor: E, tokens: &[TokenRow]) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    if tokens.is_empty() {
        return Ok(());
    }
    let sql =
        format!("INSERT INTO oidc_tokens ({TOKEN_INSERT_COLUMNS}) VALUES {}", token_values(tokens.len(), 1));
    bind_tokens(sqlx::query(sqlx::AssertSqlSafe(sql)), tokens).execute(executor).await?;
    Ok(())
}
