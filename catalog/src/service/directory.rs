//! Publishing operation-directory editions (C 6.2) under rules 1 and 2, and reading them back.

use std::collections::BTreeSet;

use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::entity::{self, from_record};
use super::negative_list::{active_entries, refuse_if_negative_listed};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::GradeLevel;
use crate::domain::edition::{DirectoryEdition, EditionDiff, EditionLine};
use crate::domain::organization::require_text;
use crate::domain::organization::{OrgKind, Organization};
use crate::domain::resource::Resource;
use crate::error::{CatalogError, Result, Rule};
use crate::policy::JurisdictionPolicy;
use crate::store::{RecordFilter, Table};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct EditionLineRequest {
    pub resource_id: Uuid,
    /// Required for 重要数据 where the policy says so, e.g. "仅通过隐私计算方式提供".
    #[serde(default)]
    pub condition: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct EditionRequest {
    pub title: String,
    #[serde(default)]
    pub note: Option<String>,
    pub lines: Vec<EditionLineRequest>,
}

impl Catalog {
    /// Freeze a new numbered edition from published resources. The whole edition is refused if
    /// any line breaks rule 1 or 2; the error names the line.
    pub async fn publish_edition(
        &self,
        actor: &Actor,
        publisher_id: Uuid,
        request: EditionRequest,
    ) -> Result<DirectoryEdition> {
        actor.require_org(Role::DataAdmin, publisher_id, "发布运营目录")?;
        require_text("title", &request.title, 200)?;
        if request.lines.is_empty() {
            return Err(CatalogError::invalid("lines", "运营目录至少包含一项资源"));
        }
        let mut tx = self.store.begin_write().await?;
        let publisher: Versioned<Organization> = entity::load(tx.as_mut(), publisher_id)
            .await
            .map_err(|_| CatalogError::invalid("publisher_id", "发布机构不存在"))?;
        publisher
            .value
            .require_kind(OrgKind::DataAdmin, "publisher_id")?;
        let policy = self.policy.for_region(&publisher.value.region);
        let negative = active_entries(tx.as_mut()).await?;
        let mut seen = BTreeSet::new();
        let mut lines = Vec::with_capacity(request.lines.len());
        for (i, line) in request.lines.iter().enumerate() {
            let field = format!("lines[{i}].resource_id");
            if !seen.insert(line.resource_id) {
                return Err(CatalogError::invalid(&field, "同一资源在目录中重复出现"));
            }
            let current: Versioned<Resource> = entity::load(tx.as_mut(), line.resource_id)
                .await
                .map_err(|_| CatalogError::invalid(&field, "资源不存在"))?;
            let published = self
                .public_view(current.value)
                .await
                .map_err(|_| CatalogError::invalid(&field, "只有已发布的资源可以进入运营目录"))?;
            let resource = self
                .resource_version(published.id, published.version)
                .await?;
            refuse_if_negative_listed(&negative, &resource, &field)?;
            check_grade(policy, &resource, line, i)?;
            let provider: Versioned<Organization> =
                entity::load(tx.as_mut(), resource.provider_id).await?;
            let withheld = negative
                .iter()
                .flat_map(|e| e.withheld_items(&resource.code, &resource.content))
                .collect();
            lines.push(edition_line(resource, provider.value.name, line, withheld));
        }
        let number = tx.next_sequence("directory_edition").await? as u32;
        let edition = DirectoryEdition {
            id: Uuid::now_v7(),
            number,
            title: request.title.trim().to_string(),
            publisher_id,
            publisher_name: publisher.value.name,
            published_at: Utc::now(),
            note: request.note,
            lines,
        };
        entity::insert(tx.as_mut(), actor, "directory.publish_edition", &edition).await?;
        tx.commit().await?;
        Ok(edition)
    }

    pub async fn edition(&self, number: u32) -> Result<DirectoryEdition> {
        let record = self
            .store
            .get_by_key(Table::Editions, &number.to_string())
            .await?
            .ok_or_else(|| CatalogError::not_found("directory_edition", number.to_string()))?;
        Ok(from_record(record)?.value)
    }

    /// Every edition, oldest first.
    pub async fn editions(&self) -> Result<Vec<DirectoryEdition>> {
        let mut all: Vec<DirectoryEdition> = self
            .store
            .list(Table::Editions, &RecordFilter::default())
            .await?
            .into_iter()
            .map(|r| from_record(r).map(|v| v.value))
            .collect::<Result<_>>()?;
        all.sort_by_key(|e| e.number);
        Ok(all)
    }

    pub async fn edition_diff(&self, from: u32, to: u32) -> Result<EditionDiff> {
        Ok(EditionDiff::between(
            &self.edition(from).await?,
            &self.edition(to).await?,
        ))
    }
}

/// Rule 2: 核心数据 never; 重要数据 only with a recorded condition (both per policy).
fn check_grade(
    policy: &JurisdictionPolicy,
    resource: &Resource,
    line: &EditionLineRequest,
    i: usize,
) -> Result<()> {
    let name = &resource.content.name;
    match resource.content.grade.level {
        GradeLevel::Core if !policy.core_data_in_directory => Err(CatalogError::rule(
            Rule::GradeLimit,
            format!("lines[{i}].resource_id"),
            format!(
                "资源“{name}”为核心数据，不得纳入运营目录（{}政策）",
                policy.name
            ),
        )),
        GradeLevel::Important
            if policy.important_data_requires_condition
                && line
                    .condition
                    .as_deref()
                    .is_none_or(|c| c.trim().is_empty()) =>
        {
            Err(CatalogError::rule(
                Rule::GradeLimit,
                format!("lines[{i}].condition"),
                format!(
                    "资源“{name}”为重要数据，纳入运营目录须写明条件（如仅通过隐私计算方式提供）"
                ),
            ))
        }
        _ => Ok(()),
    }
}

fn edition_line(
    resource: Resource,
    provider_name: String,
    line: &EditionLineRequest,
    withheld_items: Vec<String>,
) -> EditionLine {
    let c = resource.content;
    EditionLine {
        resource_id: resource.id,
        code: resource.code,
        version: resource.version,
        name: c.name,
        provider_id: resource.provider_id,
        provider_name,
        domain: c.domain,
        theme: c.theme,
        formats: c.formats,
        update_frequency: c.update_frequency,
        usage_restrictions: c.usage_restrictions,
        grade: c.grade,
        share_type: c.share_type,
        open_type: c.open_type,
        condition: line
            .condition
            .as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        withheld_items,
    }
}
