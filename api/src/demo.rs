//! `mulu serve --demo`: fill an empty database with the real open-data corpus (or a small built-in
//! set when the corpus is absent) and a worked example of every workflow: negative list, two
//! directory editions and an active authorization.

use std::collections::BTreeMap;

use catalog::domain::authorization::{AuthorizationMode, NewAuthorization, OperatorType};
use catalog::domain::negative_list::{
    NegativeKind, NegativeReason, NegativeScope, NegativeTarget, NewNegativeListEntry,
};
use catalog::domain::organization::{NewOrganization, OrgKind, Organization};
use catalog::domain::resource::Resource;
use catalog::domain::{RegionCode, Uscc};
use catalog::store::Table;
use catalog::{Actor, Catalog, CatalogError, EditionLineRequest, EditionRequest, Role};
use chrono::{Days, Months, Utc};
use importers::corpus::{self, CorpusRecord};

type Result<T> = std::result::Result<T, CatalogError>;

/// Resources per import transaction.
const BATCH: usize = 1000;

pub async fn load(catalog: &Catalog, source: Option<&str>) -> Result<()> {
    if catalog.store().count(Table::Organizations).await? > 0 {
        tracing::info!("数据库已有数据，跳过演示数据加载");
        return Ok(());
    }
    let path = match source {
        Some("builtin") => None,
        Some(path) => Some(std::path::PathBuf::from(path)),
        None => corpus::default_corpus_path(),
    };
    let records = match path {
        Some(path) => {
            let records = corpus::read_corpus(&path)
                .map_err(|e| CatalogError::Config(format!("演示语料读取失败：{e}")))?;
            tracing::info!(path = %path.display(), records = records.len(), "加载真实开放数据目录语料");
            records
        }
        None => {
            tracing::warn!("未找到 ../shared/corpus，使用内置的小型演示数据");
            corpus::builtin_sample()
        }
    };
    let system = Actor::system();
    let admin = register(
        catalog,
        "演示数据管理局（演示）",
        "510000",
        0,
        &[OrgKind::DataAdmin],
    )
    .await?;
    register(
        catalog,
        "演示公共数据登记中心（演示）",
        "510000",
        1,
        &[OrgKind::Registrar],
    )
    .await?;
    let operator = register(
        catalog,
        "演示数据运营有限公司（演示）",
        "510500",
        2,
        &[OrgKind::Operator],
    )
    .await?;

    // One provider per (province, city, department), as the portals list them.
    let mut by_provider: BTreeMap<(String, Option<String>, String), Vec<&CorpusRecord>> =
        BTreeMap::new();
    for r in &records {
        let dept = r
            .department
            .clone()
            .unwrap_or_else(|| "未注明部门".to_string());
        by_provider
            .entry((r.province.clone(), r.city.clone(), dept))
            .or_default()
            .push(r);
    }
    let started = std::time::Instant::now();
    let mut published: Vec<Resource> = Vec::new();
    for (i, ((province, city, dept), rows)) in by_provider.into_iter().enumerate() {
        let region = corpus::region_for(&province, city.as_deref())
            .map(|r| r.as_str().to_string())
            .unwrap_or_else(|| "510000".to_string());
        let name = format!("{}{}{}", province, city.as_deref().unwrap_or(""), dept);
        let provider = register(
            catalog,
            &name,
            &region,
            100 + i as u64,
            &[OrgKind::Provider],
        )
        .await?;
        for chunk in rows.chunks(BATCH) {
            let contents = chunk
                .iter()
                .map(|r| corpus::map_record(r).content)
                .collect();
            published.extend(
                catalog
                    .import_published_resources(&system, provider.id, contents)
                    .await?,
            );
        }
    }
    tracing::info!(
        resources = published.len(),
        seconds = started.elapsed().as_secs_f64(),
        "演示资源已导入"
    );

    let admin_actor = Actor::new(Role::DataAdmin, admin.id);
    let today = Utc::now().date_naive();
    // A negative-listed resource, which the editions below leave out by rule.
    if let Some(excluded) = published.first() {
        catalog
            .add_negative_entry(
                &admin_actor,
                NewNegativeListEntry {
                    target: NegativeTarget::Resource {
                        code: excluded.code.clone(),
                    },
                    scope: NegativeScope::WholeResource,
                    kind: NegativeKind::Prohibited,
                    conditions: None,
                    reason: NegativeReason::LawfulRights,
                    legal_basis: "《个人信息保护法》第十三条（演示）".to_string(),
                    approved_by: "省人民政府（演示）".to_string(),
                    approved_on: today,
                    next_review_on: today + Months::new(12),
                    confidential: false,
                },
            )
            .await?;
    }
    let candidates: Vec<&Resource> = published.iter().skip(1).take(60).collect();
    let lines = |from: usize, to: usize| -> Vec<EditionLineRequest> {
        candidates[from.min(candidates.len())..to.min(candidates.len())]
            .iter()
            .map(|r| EditionLineRequest {
                resource_id: r.id,
                condition: None,
            })
            .collect()
    };
    if candidates.len() >= 2 {
        for (title, from, to) in [
            ("公共数据资源授权运营目录（2026年第1版，演示）", 0, 40),
            ("公共数据资源授权运营目录（2026年第2版，演示）", 10, 60),
        ] {
            catalog
                .publish_edition(
                    &admin_actor,
                    admin.id,
                    EditionRequest {
                        title: title.to_string(),
                        note: Some("演示数据".to_string()),
                        lines: lines(from, to),
                    },
                )
                .await?;
        }
        let scope = candidates.iter().take(20).map(|r| r.id).collect();
        let auth = catalog
            .announce_authorization(
                &admin_actor,
                NewAuthorization {
                    plan_name: "公共数据资源授权运营实施方案（演示）".to_string(),
                    implementing_body_id: admin.id,
                    mode: AuthorizationMode::ByDomain,
                    operator_type: OperatorType::Domain,
                    jurisdiction: None,
                    scope_description: "统计、交通领域公共数据（演示）".to_string(),
                    resource_ids: scope,
                    term_start: today,
                    term_end: today + Months::new(36),
                    planned_products: vec!["区域经济运行分析报告".to_string()],
                    platform: "省公共数据授权运营平台（演示）".to_string(),
                },
            )
            .await?;
        let op_actor = Actor::new(Role::Operator, operator.id);
        catalog
            .apply_for_authorization(&op_actor, auth.id, operator.id)
            .await?;
        catalog
            .select_operator(&admin_actor, auth.id, operator.id, None)
            .await?;
        let publicity_start = today.checked_sub_days(Days::new(30)).unwrap_or(today);
        catalog
            .publicize_selection(&admin_actor, auth.id, publicity_start, None)
            .await?;
        catalog
            .sign_agreement(&admin_actor, auth.id, today, None)
            .await?;
        catalog
            .activate_authorization(&admin_actor, auth.id, today, None)
            .await?;
    }
    tracing::info!("演示数据加载完成");
    Ok(())
}

/// Register a demo organization with a generated, valid USCC (labelled 演示 in its name).
async fn register(
    catalog: &Catalog,
    name: &str,
    region: &str,
    serial: u64,
    kinds: &[OrgKind],
) -> Result<Organization> {
    let region = RegionCode::parse(region).map_err(|e| CatalogError::Config(e.message))?;
    // 1 = 机构编制, 1 = 机关; then the region and a 9-digit serial in place of the org code.
    let first17 = format!("11{}{:09}", region.as_str(), serial);
    let check = Uscc::compute_check_char(&first17)
        .ok_or_else(|| CatalogError::Config("无法生成演示统一社会信用代码".to_string()))?;
    let uscc =
        Uscc::parse(&format!("{first17}{check}")).map_err(|e| CatalogError::Config(e.message))?;
    catalog
        .register_organization(
            &Actor::system(),
            NewOrganization {
                uscc,
                name: name.to_string(),
                region,
                kinds: kinds.iter().copied().collect(),
                contact: None,
            },
        )
        .await
}
