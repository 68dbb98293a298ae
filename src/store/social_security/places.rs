//! Activated qualities, subdivisions and sites: adding them (with the decision and the
//! audit row in one transaction) and reading them.

use super::*;

impl Store {
    /// Activates a quality for the decision's enterprise and appoints its local admin.
    pub async fn create_ss_quality(
        &self,
        decision: &Decision<kinds::SsActivate>,
        q: &NewQuality<'_>,
        admin: &NewSsGrant<'_>,
    ) -> StoreResult<Added> {
        let enterprise = decision.enterprise().map(|e| e.as_str().to_string()).unwrap_or_default();
        let id = crate::kernel::token::random_token(12);
        let now = unix_now();
        let mut tx = self.writer().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO ss_qualities (id, enterprise_number, quality_code, identifier, enterprise_name, name_nl, \
             name_fr, name_de, name_en, domain_code, email, applications, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(id.clone())
        .bind(enterprise)
        .bind(q.code.to_string())
        .bind(q.identifier.to_string())
        .bind(q.enterprise_name.to_string())
        .bind(q.names[0].to_string())
        .bind(q.names[1].to_string())
        .bind(q.names[2].to_string())
        .bind(q.names[3].to_string())
        .bind(decision.domain().unwrap_or_default().to_string())
        .bind(q.email.to_string())
        .bind(join_codes(q.applications))
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(Added::Exists),
            Err(e) => return Err(e.into()),
        }
        let path = SsPath { quality_id: id.clone(), subdivision_id: None, site_id: None };
        insert_ss_grant(&mut tx, decision, &path, admin).await?;
        let entry = AuditEntry {
            kind: "ss.quality_activated",
            enterprise: decision.enterprise(),
            domain: decision.domain(),
            subject: Some(admin.holder),
            detail: serde_json::json!({
                "quality_code": q.code, "quality": id, "email": q.email,
                "applications": join_codes(q.applications), "local_admin": grant_detail(&path, admin),
            }),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        match tx.commit().await {
            Ok(()) => Ok(Added::Done(id)),
            Err(e) if is_unique_violation(&e) => Ok(Added::Exists),
            Err(e) => Err(e.into()),
        }
    }

    /// Adds a subdivision under the decision's place (a quality), with its admin.
    pub async fn create_ss_subdivision(
        &self,
        decision: &Decision<kinds::SsManage>,
        place: &NewPlace<'_>,
        admin: Option<&NewSsGrant<'_>>,
    ) -> StoreResult<Added> {
        let quality_id = decision.place().unwrap_or_default().to_string();
        let id = crate::kernel::token::random_token(12);
        let mut tx = self.writer().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO ss_subdivisions (id, quality_id, type_code, identifier, name, email, applications, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.clone())
        .bind(quality_id.clone())
        .bind(place.type_code.to_string())
        .bind(place.identifier.to_string())
        .bind(place.name.to_string())
        .bind(place.email.to_string())
        .bind(join_codes(place.applications))
        .bind(unix_now())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(Added::Exists),
            Err(e) => return Err(e.into()),
        }
        let path = SsPath { quality_id, subdivision_id: Some(id.clone()), site_id: None };
        self.finish_place(tx, decision, "ss.subdivision_added", &path, place, admin).await?;
        Ok(Added::Done(id))
    }

    /// Adds a site under the decision's place (a subdivision of `quality_id`), with its admin.
    pub async fn create_ss_site(
        &self,
        decision: &Decision<kinds::SsManage>,
        quality_id: &str,
        place: &NewPlace<'_>,
        admin: Option<&NewSsGrant<'_>>,
    ) -> StoreResult<Added> {
        let subdivision_id = decision.place().unwrap_or_default().to_string();
        let id = crate::kernel::token::random_token(12);
        let mut tx = self.writer().begin().await?;
        sqlx::query(
            "INSERT INTO ss_sites (id, subdivision_id, quality_id, type_code, identifier, name, email, \
             applications, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id.clone())
        .bind(subdivision_id.clone())
        .bind(quality_id.to_string())
        .bind(place.type_code.to_string())
        .bind(place.identifier.to_string())
        .bind(place.name.to_string())
        .bind(place.email.to_string())
        .bind(join_codes(place.applications))
        .bind(unix_now())
        .execute(&mut *tx)
        .await?;
        let path = SsPath {
            quality_id: quality_id.to_string(),
            subdivision_id: Some(subdivision_id),
            site_id: Some(id.clone()),
        };
        self.finish_place(tx, decision, "ss.site_added", &path, place, admin).await?;
        Ok(Added::Done(id))
    }

    async fn finish_place(
        &self,
        mut tx: sqlx::Transaction<'_, sqlx::Any>,
        decision: &Decision<kinds::SsManage>,
        kind: &str,
        path: &SsPath,
        place: &NewPlace<'_>,
        admin: Option<&NewSsGrant<'_>>,
    ) -> StoreResult<()> {
        if let Some(a) = admin {
            insert_ss_grant(&mut tx, decision, path, a).await?;
        }
        let entry = AuditEntry {
            kind,
            enterprise: decision.enterprise(),
            domain: decision.domain(),
            subject: admin.map(|a| a.holder),
            detail: serde_json::json!({
                "quality": path.quality_id, "subdivision": path.subdivision_id, "site": path.site_id,
                "type": place.type_code, "identifier": place.identifier, "name": place.name,
                "applications": join_codes(place.applications),
                "admin": admin.map(|a| grant_detail(path, a)),
            }),
        };
        append(&mut tx, decision.actor(), &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The activated qualities of an enterprise, in activation order.
    pub async fn find_ss_qualities(&self, enterprise: &EnterpriseNumber) -> StoreResult<Vec<QualityRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {QUALITY_COLUMNS} FROM ss_qualities WHERE enterprise_number = $1 ORDER BY created_at, id"
        )))
        .bind(enterprise.as_str().to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(quality_from).collect()
    }

    /// One activated quality of an enterprise.
    pub async fn find_ss_quality(
        &self,
        enterprise: &EnterpriseNumber,
        code: &str,
    ) -> StoreResult<Option<QualityRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {QUALITY_COLUMNS} FROM ss_qualities WHERE enterprise_number = $1 AND quality_code = $2"
        )))
        .bind(enterprise.as_str().to_string())
        .bind(code.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(quality_from).transpose()
    }

    /// The subdivisions of a quality, by name.
    pub async fn find_ss_subdivisions(&self, quality_id: &str) -> StoreResult<Vec<PlaceRow>> {
        let rows = sqlx::query(
            "SELECT id, quality_id, type_code, identifier, name, email, applications, created_at \
             FROM ss_subdivisions WHERE quality_id = $1 ORDER BY name, id",
        )
        .bind(quality_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(subdivision_from).collect()
    }

    /// The sites of a quality, by name.
    pub async fn find_ss_sites(&self, quality_id: &str) -> StoreResult<Vec<PlaceRow>> {
        let rows = sqlx::query(
            "SELECT id, subdivision_id, quality_id, type_code, identifier, name, email, applications, created_at \
             FROM ss_sites WHERE quality_id = $1 ORDER BY name, id",
        )
        .bind(quality_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(site_from).collect()
    }
}
