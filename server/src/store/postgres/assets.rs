//! Assets in PostgreSQL.

use async_trait::async_trait;
use sqlx::{postgres::PgRow, Row as _};

use super::{db, in_use, push_page, unique, PgStore};
use crate::store::{
    now_millis, AppRecord, AssetRef, AssetStore, EsmeBindRecord, EsmeBindWrite, ListQuery,
    NumberRecord, NumberWrite, ServiceRecord, StoreError, SEALING_PLACEHOLDER,
};

fn service(r: &PgRow) -> ServiceRecord {
    ServiceRecord {
        id: r.get("id"),
        name: r.get("name"),
        updated_at: r.get("updated_at"),
    }
}

fn number(r: &PgRow) -> NumberRecord {
    NumberRecord {
        id: r.get("id"),
        number: r.get("number"),
        sms: r.get("sms"),
        mms: r.get("mms"),
        voice: r.get("voice"),
        updated_at: r.get("updated_at"),
    }
}

fn app(r: &PgRow) -> AppRecord {
    AppRecord {
        id: r.get("id"),
        name: r.get("name"),
        app_type: r.get("app_type"),
        updated_at: r.get("updated_at"),
    }
}

fn esme_bind(r: &PgRow) -> EsmeBindRecord {
    EsmeBindRecord {
        id: r.get("id"),
        system_id: r.get("system_id"),
        password_enc: r.get("password_enc"),
        description: r.get("description"),
        updated_at: r.get("updated_at"),
    }
}

const SERVICE_COLS: &str = "id, name, updated_at";
const NUMBER_COLS: &str = "id, number, sms, mms, voice, updated_at";
const APP_COLS: &str = "id, name, app_type, updated_at";
const ESME_COLS: &str = "id, system_id, password_enc, description, updated_at";

impl PgStore {
    /// The rows of `table` whose id is in `ids`, read in chunks (bounding the parameters of one statement).
    async fn rows_in(
        &self,
        table: &str,
        cols: &str,
        ids: &[i64],
    ) -> Result<Vec<PgRow>, StoreError> {
        let mut rows = Vec::new();
        for chunk in ids.chunks(500) {
            let mut qb =
                sqlx::QueryBuilder::new(format!("SELECT {cols} FROM {table} WHERE id IN ("));
            let mut list = qb.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            qb.push(")");
            rows.extend(qb.build().fetch_all(&self.pool).await.map_err(db)?);
        }
        Ok(rows)
    }
}

#[async_trait]
impl AssetStore for PgStore {
    async fn services_in(&self, ids: &[i64]) -> Result<Vec<ServiceRecord>, StoreError> {
        let rows = self.rows_in("services", SERVICE_COLS, ids).await?;
        Ok(rows.iter().map(service).collect())
    }

    async fn numbers_in(&self, ids: &[i64]) -> Result<Vec<NumberRecord>, StoreError> {
        let rows = self.rows_in("numbers", NUMBER_COLS, ids).await?;
        Ok(rows.iter().map(number).collect())
    }

    async fn apps_in(&self, ids: &[i64]) -> Result<Vec<AppRecord>, StoreError> {
        let rows = self.rows_in("apps", APP_COLS, ids).await?;
        Ok(rows.iter().map(app).collect())
    }

    async fn list_services(&self, page: &ListQuery) -> Result<Vec<ServiceRecord>, StoreError> {
        let mut qb =
            sqlx::QueryBuilder::new(format!("SELECT {SERVICE_COLS} FROM services WHERE 1 = 1"));
        push_page(&mut qb, "id", &["name"], page);
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db)?;
        Ok(rows.iter().map(service).collect())
    }

    async fn get_service(&self, id: i64) -> Result<Option<ServiceRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {SERVICE_COLS} FROM services WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        Ok(row.as_ref().map(service))
    }

    async fn insert_service(&self, name: &str) -> Result<ServiceRecord, StoreError> {
        let now = now_millis();
        let row = sqlx::query(&format!(
            "INSERT INTO services (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING {SERVICE_COLS}"
        ))
        .bind(name)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(unique("services_name"))?;
        Ok(service(&row))
    }

    async fn update_service(
        &self,
        id: i64,
        name: &str,
    ) -> Result<Option<ServiceRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "UPDATE services SET name = $2, updated_at = $3 WHERE id = $1 RETURNING {SERVICE_COLS}"
        ))
        .bind(id)
        .bind(name)
        .bind(now_millis())
        .fetch_optional(&self.pool)
        .await
        .map_err(unique("services_name"))?;
        Ok(row.as_ref().map(service))
    }

    async fn list_numbers(&self, page: &ListQuery) -> Result<Vec<NumberRecord>, StoreError> {
        let mut qb =
            sqlx::QueryBuilder::new(format!("SELECT {NUMBER_COLS} FROM numbers WHERE 1 = 1"));
        push_page(&mut qb, "id", &["number"], page);
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db)?;
        Ok(rows.iter().map(number).collect())
    }

    async fn get_number(&self, id: i64) -> Result<Option<NumberRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {NUMBER_COLS} FROM numbers WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(row.as_ref().map(number))
    }

    async fn insert_number(&self, new: &NumberWrite) -> Result<NumberRecord, StoreError> {
        let row = sqlx::query(&format!(
            "INSERT INTO numbers (number, sms, mms, voice, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING {NUMBER_COLS}"
        ))
        .bind(&new.number)
        .bind(new.sms)
        .bind(new.mms)
        .bind(new.voice)
        .bind(now_millis())
        .fetch_one(&self.pool)
        .await
        .map_err(unique("numbers_number"))?;
        Ok(number(&row))
    }

    async fn update_number(
        &self,
        id: i64,
        new: &NumberWrite,
    ) -> Result<Option<NumberRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "UPDATE numbers SET number = $2, sms = $3, mms = $4, voice = $5, updated_at = $6
             WHERE id = $1 RETURNING {NUMBER_COLS}"
        ))
        .bind(id)
        .bind(&new.number)
        .bind(new.sms)
        .bind(new.mms)
        .bind(new.voice)
        .bind(now_millis())
        .fetch_optional(&self.pool)
        .await
        .map_err(unique("numbers_number"))?;
        Ok(row.as_ref().map(number))
    }

    async fn list_apps(&self, page: &ListQuery) -> Result<Vec<AppRecord>, StoreError> {
        let mut qb = sqlx::QueryBuilder::new(format!("SELECT {APP_COLS} FROM apps WHERE 1 = 1"));
        push_page(&mut qb, "id", &["name"], page);
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db)?;
        Ok(rows.iter().map(app).collect())
    }

    async fn get_app(&self, id: i64) -> Result<Option<AppRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {APP_COLS} FROM apps WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(row.as_ref().map(app))
    }

    async fn insert_app(&self, name: &str, app_type: &str) -> Result<AppRecord, StoreError> {
        let row = sqlx::query(&format!(
            "INSERT INTO apps (name, app_type, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING {APP_COLS}"
        ))
        .bind(name)
        .bind(app_type)
        .bind(now_millis())
        .fetch_one(&self.pool)
        .await
        .map_err(unique("apps_name"))?;
        Ok(app(&row))
    }

    async fn update_app(
        &self,
        id: i64,
        name: &str,
        app_type: &str,
    ) -> Result<Option<AppRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "UPDATE apps SET name = $2, app_type = $3, updated_at = $4 WHERE id = $1 RETURNING {APP_COLS}"
        ))
        .bind(id)
        .bind(name)
        .bind(app_type)
        .bind(now_millis())
        .fetch_optional(&self.pool)
        .await
        .map_err(unique("apps_name"))?;
        Ok(row.as_ref().map(app))
    }

    async fn list_esme_binds(&self, page: &ListQuery) -> Result<Vec<EsmeBindRecord>, StoreError> {
        let mut qb =
            sqlx::QueryBuilder::new(format!("SELECT {ESME_COLS} FROM esme_binds WHERE 1 = 1"));
        push_page(&mut qb, "id", &["system_id", "description"], page);
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db)?;
        Ok(rows.iter().map(esme_bind).collect())
    }

    async fn get_esme_bind(&self, id: i64) -> Result<Option<EsmeBindRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {ESME_COLS} FROM esme_binds WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(row.as_ref().map(esme_bind))
    }

    async fn find_esme_bind(&self, system_id: &str) -> Result<Option<EsmeBindRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ESME_COLS} FROM esme_binds WHERE system_id = $1"
        ))
        .bind(system_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        Ok(row.as_ref().map(esme_bind))
    }

    async fn insert_esme_bind(&self, new: &EsmeBindWrite) -> Result<EsmeBindRecord, StoreError> {
        // The password is sealed for the row's id, known once the row is in (same transaction).
        let mut tx = self.pool.begin().await.map_err(db)?;
        let id: i64 = sqlx::query(
            "INSERT INTO esme_binds (system_id, password_enc, description, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(&new.system_id)
        .bind(SEALING_PLACEHOLDER)
        .bind(&new.description)
        .bind(now_millis())
        .fetch_one(&mut *tx)
        .await
        .map_err(unique("esme_binds_system_id"))?
        .get("id");
        let row = sqlx::query(&format!(
            "UPDATE esme_binds SET password_enc = $2 WHERE id = $1 RETURNING {ESME_COLS}"
        ))
        .bind(id)
        .bind(
            new.password_enc
                .as_ref()
                .map(|p| p.for_row(id))
                .unwrap_or_default(),
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(esme_bind(&row))
    }

    async fn update_esme_bind(
        &self,
        id: i64,
        new: &EsmeBindWrite,
    ) -> Result<Option<EsmeBindRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "UPDATE esme_binds SET system_id = $2, password_enc = COALESCE($3, password_enc),
                description = $4, updated_at = $5
             WHERE id = $1 RETURNING {ESME_COLS}"
        ))
        .bind(id)
        .bind(&new.system_id)
        .bind(new.password_enc.as_ref().map(|p| p.for_row(id)))
        .bind(&new.description)
        .bind(now_millis())
        .fetch_optional(&self.pool)
        .await
        .map_err(unique("esme_binds_system_id"))?;
        Ok(row.as_ref().map(esme_bind))
    }

    async fn delete_asset(&self, asset: AssetRef) -> Result<bool, StoreError> {
        let (sql, id) = match asset {
            AssetRef::Service(id) => ("DELETE FROM services WHERE id = $1", id),
            AssetRef::Number(id) => ("DELETE FROM numbers WHERE id = $1", id),
            AssetRef::App(id) => ("DELETE FROM apps WHERE id = $1", id),
            AssetRef::EsmeBind(id) => ("DELETE FROM esme_binds WHERE id = $1", id),
        };
        let done = sqlx::query(sql)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(in_use("in_use"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn webhooks_using(&self, asset: AssetRef) -> Result<Vec<String>, StoreError> {
        let (sql, id) = match asset {
            AssetRef::Service(id) => (
                "SELECT name FROM webhooks WHERE service_id = $1 ORDER BY name COLLATE \"C\"",
                id,
            ),
            AssetRef::Number(id) => (
                "SELECT name FROM webhooks WHERE number_id = $1 ORDER BY name COLLATE \"C\"",
                id,
            ),
            AssetRef::App(id) => (
                "SELECT name FROM webhooks WHERE app_id = $1 ORDER BY name COLLATE \"C\"",
                id,
            ),
            AssetRef::EsmeBind(id) => (
                "SELECT name FROM webhooks WHERE esme_bind_id = $1 ORDER BY name COLLATE \"C\"",
                id,
            ),
        };
        sqlx::query_scalar(sql)
            .bind(id)
            .fetch_all(&self.pool)
            .await
            .map_err(db)
    }

    async fn has_no_assets(&self) -> Result<bool, StoreError> {
        sqlx::query_scalar(
            "SELECT NOT (EXISTS (SELECT 1 FROM services) OR EXISTS (SELECT 1 FROM numbers)
                 OR EXISTS (SELECT 1 FROM apps) OR EXISTS (SELECT 1 FROM esme_binds))",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db)
    }
}
