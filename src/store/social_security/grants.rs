//! Social-security grants (`ss_grant_details` beside `access_grants`): appointing, ending,
//! reading one quality's, and a person's roles for the profile chooser.

use super::*;

impl Store {
    /// Grants a role at the decision's place (`path` ends at it); `None` when the person
    /// holds that role there already.
    pub async fn create_ss_grant(
        &self,
        decision: &Decision<kinds::SsManage>,
        path: &SsPath,
        g: &NewSsGrant<'_>,
    ) -> StoreResult<Option<String>> {
        let mut tx = self.writer().begin().await?;
        let Some(id) = insert_ss_grant(&mut tx, decision, path, g).await? else {
            tx.rollback().await?;
            return Ok(None);
        };
        let entry = AuditEntry {
            kind: "ss.role_granted",
            enterprise: decision.enterprise(),
            domain: decision.domain(),
            subject: Some(g.holder),
            detail: grant_detail(path, g),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        match tx.commit().await {
            Ok(()) => Ok(Some(id)),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Ends a live grant at the decision's place; `false` when there was none.
    pub async fn end_ss_grant(
        &self,
        decision: &Decision<kinds::SsManage>,
        grant: &SsGrantRow,
    ) -> StoreResult<bool> {
        let mut tx = self.writer().begin().await?;
        let ended = sqlx::query(
            "UPDATE access_grants SET status = 'revoked', status_reason = 'removed', status_changed_at = $1 \
             WHERE id = $2 AND status = 'active' AND enterprise_number = $3 AND scope_id = $4",
        )
        .bind(unix_now())
        .bind(grant.grant_id.clone())
        .bind(decision.enterprise().map(|e| e.as_str().to_string()))
        .bind(decision.place().unwrap_or_default().to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if ended == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let entry = AuditEntry {
            kind: "ss.role_removed",
            enterprise: decision.enterprise(),
            domain: decision.domain(),
            subject: Some(&grant.holder),
            detail: serde_json::json!({
                "role": grant.role.code(), "quality": grant.quality_id,
                "subdivision": grant.subdivision_id, "site": grant.site_id,
            }),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The live (active) grants of a quality, by name.
    pub async fn find_ss_grants_of_quality(&self, quality_id: &str) -> StoreResult<Vec<SsGrantRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS} {GRANT_FROM} WHERE d.quality_id = $1 AND g.status = 'active' \
             ORDER BY d.last_name, d.first_name, g.id"
        )))
        .bind(quality_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(ss_grant_from).collect()
    }

    /// One grant of a quality.
    pub async fn find_ss_grant(&self, quality_id: &str, grant_id: &str) -> StoreResult<Option<SsGrantRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS} {GRANT_FROM} WHERE d.quality_id = $1 AND g.id = $2"
        )))
        .bind(quality_id.to_string())
        .bind(grant_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(ss_grant_from).transpose()
    }

    /// Every live social-security role of a person with its quality, subdivision and site,
    /// in one round trip (the profile chooser's query).
    pub async fn find_ss_roles_of(&self, holder: &NationalNumber) -> StoreResult<Vec<SsRoleRow>> {
        let rows = sqlx::query(
            "SELECT g.id AS grant_id, g.role, g.enterprise_number, \
             COALESCE(NULLIF(re.name_nl, ''), NULLIF(re.name_fr, ''), NULLIF(re.name_de, ''), NULLIF(re.name_en, ''), \
             q.enterprise_name) AS enterprise_name, \
             q.id AS q_id, q.quality_code, q.name_nl, q.name_fr, q.name_de, q.name_en, q.applications AS q_apps, \
             sd.id AS sd_id, sd.type_code AS sd_type, sd.identifier AS sd_identifier, sd.name AS sd_name, \
             sd.email AS sd_email, sd.applications AS sd_apps, sd.created_at AS sd_created, \
             st.id AS st_id, st.type_code AS st_type, st.identifier AS st_identifier, st.name AS st_name, \
             st.email AS st_email, st.applications AS st_apps, st.created_at AS st_created, \
             d.applications, d.functions \
             FROM access_grants g \
             JOIN ss_grant_details d ON d.grant_id = g.id \
             JOIN ss_qualities q ON q.id = d.quality_id \
             LEFT JOIN ss_subdivisions sd ON sd.id = d.subdivision_id \
             LEFT JOIN ss_sites st ON st.id = d.site_id \
             LEFT JOIN registry_enterprises re ON re.enterprise_number = g.enterprise_number \
             WHERE g.holder = $1 AND g.status = 'active' \
             ORDER BY g.enterprise_number, q.quality_code, sd.name, st.name, g.role, g.id",
        )
        .bind(holder.as_str().to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(role_from).collect()
    }
}
