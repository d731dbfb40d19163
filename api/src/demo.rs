//! `mulu serve --demo`: fill an empty database with the real open-data corpus (or a small built-in
//! set when the corpus is absent) and a worked example of every workflow: negative list, two
//! directory editions, an active authorization and a product registered under it with a query code.

use std::collections::{BTreeMap, HashMap};

use catalog::calendar::WorkingCalendar;
use catalog::domain::agreement::{AgreementTerms, DocumentRef};
use catalog::domain::authorization::{
    Announcement, Authorization, AuthorizationMode, NewAuthorization, OperatorApplication,
    OperatorType, Qualification, SelectionMethod,
};
use catalog::domain::disclosure::{DisclosureContent, NewDisclosure};
use catalog::domain::negative_list::{
    NegativeKind, NegativeReason, NegativeScope, NegativeTarget, NewNegativeListEntry,
};
use catalog::domain::organization::{NewOrganization, OrgKind, Organization};
use catalog::domain::product::{DeliveryForm, NewProduct, ReviewFinding, SceneCategory};
use catalog::domain::registration::{
    Materials, NewRegistration, Registration, RegistrationSubject, RegistrationType,
};
use catalog::domain::resource::{DataItem, Resource};
use catalog::domain::{RegionCode, Uscc};
use catalog::store::Table;
use catalog::{Actor, Catalog, CatalogError, EditionLineRequest, EditionRequest, Role};
use chrono::{Datelike, Months, NaiveDate};
use importers::corpus::{self, CorpusRecord};
use uuid::Uuid;

type Result<T> = std::result::Result<T, CatalogError>;

/// Resources per import transaction.
const BATCH: usize = 1000;
/// Corpus records held at a time.
const WINDOW: usize = 200_000;
/// Published resources kept for the workflow examples (the rest are only counted).
const KEPT: usize = 61;

/// Resources of the administration's region given data items (the corpus lists none).
const ITEMIZED: usize = 40;

/// (province, city, department): one provider organization each.
type ProviderKey = (String, Option<String>, String);

fn corpus_error(e: corpus::CorpusError) -> CatalogError {
    CatalogError::Config(format!("演示语料读取失败：{e}"))
}

async fn register_provider(catalog: &Catalog, key: &ProviderKey, i: usize) -> Result<Uuid> {
    let (province, city, dept) = key;
    let region = corpus::region_for(province, city.as_deref())
        .map(|r| r.as_str().to_string())
        .unwrap_or_else(|| "510000".to_string());
    let name = joined_name(&[province, city.as_deref().unwrap_or(""), dept]);
    let provider = register(
        catalog,
        &name,
        &region,
        100 + i as u64,
        &[OrgKind::Provider],
    )
    .await?;
    Ok(provider.id)
}

/// Parts of a name joined without doubling a tier: 德阳市 + 市交通局 → 德阳市交通局, 四川省 +
/// 省教育厅 → 四川省教育厅 (portals list departments by their short local names).
fn joined_name(parts: &[&str]) -> String {
    let mut name = String::new();
    for part in parts {
        let mut part = *part;
        if let Some(tier) = name
            .chars()
            .last()
            .filter(|c| matches!(c, '省' | '市' | '区' | '县'))
        {
            part = part.strip_prefix(tier).unwrap_or(part);
        }
        name.push_str(part);
    }
    name
}

/// Load the demo into an empty database; `today` is the service's clock (`MULU_TODAY` when pinned).
pub async fn load(catalog: &Catalog, source: Option<&str>, today: NaiveDate) -> Result<()> {
    if catalog.store().count(Table::Organizations).await? > 0 {
        tracing::info!("数据库已有数据，跳过演示数据加载");
        return Ok(());
    }
    let path = match source {
        Some("builtin") => None,
        Some(path) => Some(std::path::PathBuf::from(path)),
        None => corpus::default_corpus_path(),
    };
    let records: Box<dyn Iterator<Item = Result<CorpusRecord>>> = match path {
        Some(path) => {
            let records = corpus::corpus_records(&path).map_err(corpus_error)?;
            tracing::info!(path = %path.display(), "加载真实开放数据目录语料");
            Box::new(records.map(|r| r.map_err(corpus_error)))
        }
        None => {
            tracing::warn!("未找到 ../shared/corpus，使用内置的小型演示数据");
            Box::new(corpus::builtin_sample().into_iter().map(Ok))
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
    let registrar = register(
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

    // One provider per (province, city, department), as the portals list them. The corpus is
    // read a window at a time and grouped by provider within it, so a million entries load in
    // bounded memory.
    let started = std::time::Instant::now();
    let mut providers: HashMap<ProviderKey, Uuid> = HashMap::new();
    let mut published: Vec<Resource> = Vec::with_capacity(KEPT);
    let mut loaded = 0usize;
    let mut itemized = 0usize;
    let mut records = records.peekable();
    while records.peek().is_some() {
        let window = records
            .by_ref()
            .take(WINDOW)
            .collect::<Result<Vec<CorpusRecord>>>()?;
        let mut by_provider: BTreeMap<ProviderKey, Vec<&CorpusRecord>> = BTreeMap::new();
        for r in &window {
            let dept = r
                .department
                .clone()
                .unwrap_or_else(|| "未注明部门".to_string());
            by_provider
                .entry((r.province.clone(), r.city.clone(), dept))
                .or_default()
                .push(r);
        }
        for (key, rows) in by_provider {
            let local = corpus::region_for(&key.0, key.1.as_deref())
                .is_some_and(|r| r.is_within(&admin.region));
            let provider = match providers.get(&key) {
                Some(id) => *id,
                None => {
                    let id = register_provider(catalog, &key, providers.len()).await?;
                    providers.insert(key, id);
                    id
                }
            };
            for chunk in rows.chunks(BATCH) {
                let contents = chunk
                    .iter()
                    .map(|r| {
                        let mut content = corpus::map_record(r).content;
                        // Some of the examples' resources describe their columns (信息项).
                        if local && itemized < ITEMIZED {
                            content.data_items = demo_items();
                            itemized += 1;
                        }
                        content
                    })
                    .collect();
                let stored = catalog
                    .import_published_resources(&system, provider, contents)
                    .await?;
                loaded += stored.len();
                // Only the first few of the administration's region serve the examples below
                // (its directory lists its own region's resources).
                let room = KEPT - published.len();
                published.extend(
                    stored
                        .into_iter()
                        .filter(|r| r.code.region().is_within(&admin.region))
                        .take(room),
                );
            }
        }
    }
    tracing::info!(
        resources = loaded,
        providers = providers.len(),
        seconds = started.elapsed().as_secs_f64(),
        "演示资源已导入"
    );

    let admin_actor = Actor::new(Role::DataAdmin, admin.id);
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
    // The second edition drops the first `dropped` lines of the first (a diff to show).
    let dropped = (candidates.len() / 4).min(10);
    if candidates.len() >= 4 {
        for (title, from, to) in [
            ("公共数据资源授权运营目录（2026年第1版，演示）", 0, 40),
            ("公共数据资源授权运营目录（2026年第2版，演示）", dropped, 60),
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
        // Drawn from the current (second) edition: C 6.2.
        let scope = candidates
            .iter()
            .skip(dropped)
            .take(20)
            .map(|r| r.id)
            .collect();
        // Back-dated so the product registered below has been through its whole publicity by today.
        let policy = catalog.policy().for_region(&admin.region);
        let days = Timeline::ending(
            catalog.calendar(),
            today,
            policy.operator_publicity_working_days,
            policy.registration_publicity_working_days,
        );
        let auth = catalog
            .announce_authorization(
                &admin_actor,
                NewAuthorization {
                    plan_name: "公共数据资源授权运营实施方案（演示）".to_string(),
                    implementing_body_id: admin.id,
                    mode: AuthorizationMode::ByDomain,
                    operator_type: OperatorType::Domain,
                    scope_description: "统计、交通领域公共数据（演示）".to_string(),
                    resource_ids: scope,
                    term_start: days.signed,
                    term_end: days.signed + Months::new(36),
                    planned_products: vec!["区域经济运行分析报告".to_string()],
                    platform: "省公共数据授权运营平台（演示）".to_string(),
                    plan_approved_on: None,
                    announcement: Some(Announcement {
                        selection_method: SelectionMethod::Selection,
                        application_conditions: "符合《实施规范》7.2 运营机构资格条件（演示）"
                            .to_string(),
                        review_process: "材料审查、专家评审、结果公示（演示）".to_string(),
                        review_criteria: "安全保障能力、技术能力、运营方案（演示）".to_string(),
                        applications_close_on: days.selection_publicized,
                        special_qualification: None,
                    }),
                },
            )
            .await?;
        let op_actor = Actor::new(Role::Operator, operator.id);
        catalog
            .apply_for_authorization(
                &op_actor,
                auth.id,
                operator.id,
                OperatorApplication {
                    declarations: Qualification::REQUIRED.to_vec(),
                    materials: vec![
                        "授权运营申请书（演示）".to_string(),
                        "网络安全等级保护三级测评报告（演示）".to_string(),
                    ],
                },
                days.selection_publicized,
            )
            .await?;
        catalog
            .select_operator(&admin_actor, auth.id, operator.id, None)
            .await?;
        catalog
            .publicize_selection(&admin_actor, auth.id, days.selection_publicized, None)
            .await?;
        catalog
            .sign_agreement(
                &admin_actor,
                auth.id,
                days.signed,
                agreement_terms(&auth.plan.plan_name),
                None,
            )
            .await?;
        let auth = catalog
            .activate_authorization(&admin_actor, auth.id, days.signed, None)
            .await?
            .value;
        let sources = [candidates[dropped], candidates[dropped + 1]];
        let coded = register_product(
            catalog,
            &days,
            &auth,
            &operator,
            Actor::new(Role::Registrar, registrar.id),
            &sources,
            "区域经济运行分析报告（演示）",
        )
        .await?;
        // The implementing body's annual statement (N 18), published.
        let statement = catalog
            .draft_disclosure(
                &admin_actor,
                NewDisclosure {
                    year: today.year() - 1,
                    content: DisclosureContent::ImplementingBody {
                        authorized_parties: format!("{}（演示）", operator.name),
                        content_and_scope: format!(
                            "《{}》：{}，共 {} 项数据资源",
                            auth.plan.plan_name,
                            auth.plan.scope_description,
                            auth.plan.resource_ids.len()
                        ),
                        term: format!("{} 至 {}", auth.plan.term_start, auth.plan.term_end),
                        fee_ceilings: "公共治理、公益事业场景免费；产业发展、行业发展场景按政府指导价上限收费（演示）"
                            .to_string(),
                    },
                },
                today,
            )
            .await?;
        catalog
            .publish_disclosure(&admin_actor, statement.id, None)
            .await?;
        // A second product whose registration is in publicity today, open to objections.
        let in_publicity = register_product(
            catalog,
            &days.in_publicity(catalog.calendar()),
            &auth,
            &operator,
            Actor::new(Role::Registrar, registrar.id),
            &[candidates[dropped + 2]],
            "公共交通出行热力图服务（演示）",
        )
        .await?;
        tracing::info!(product = %in_publicity.subject_name, "演示登记公示中");
        tracing::info!(
            product = %coded.subject_name,
            query_code = coded.query_code.as_ref().map(|c| c.as_str()).unwrap_or_default(),
            "演示产品已登记"
        );
    }
    let platform = register(
        catalog,
        "演示数据交易所（演示）",
        "510100",
        3,
        &[OrgKind::Exchange],
    )
    .await?;
    let developer = register(
        catalog,
        "演示开发利用科技有限公司（演示）",
        "510500",
        4,
        &[OrgKind::Developer],
    )
    .await?;
    let overseer = register(
        catalog,
        "演示审计监督局（演示）",
        "510000",
        5,
        &[OrgKind::Auditor],
    )
    .await?;
    let orgs = crate::demo_people::DemoOrgs {
        admin: &admin,
        registrar: &registrar,
        operator: &operator,
        exchange: &platform,
        developer: &developer,
        auditor: &overseer,
    };
    crate::demo_people::create(catalog, &orgs).await?;
    tracing::info!("演示数据加载完成");
    Ok(())
}

/// The working days of the demo's authorization and product registration, counted back from the
/// last working day up to `today` so that the registration's publicity has ended and its code is
/// issued on that day. Each step leaves the next one inside its legal deadline.
#[derive(Clone, Copy)]
struct Timeline {
    selection_publicized: NaiveDate,
    /// Agreement signed, authorization active, term starts.
    signed: NaiveDate,
    product_created: NaiveDate,
    reviewed: NaiveDate,
    evidence: NaiveDate,
    submitted: NaiveDate,
    /// Within the 3 working days of acceptance (R 10).
    accepted: NaiveDate,
    /// Formal review done (R 11): publicity runs from the next working day.
    publicized: NaiveDate,
    /// The query code's day; `None` leaves the registration in its publicity.
    coded: Option<NaiveDate>,
}

impl Timeline {
    fn ending(
        calendar: &WorkingCalendar,
        today: NaiveDate,
        selection_publicity_days: u32,
        registration_publicity_days: u32,
    ) -> Timeline {
        let back = |from: NaiveDate, n: u32| working_days_before(calendar, from, n);
        let coded = if calendar.is_working_day(today) {
            today
        } else {
            back(today, 1)
        };
        // Publicity starts the working day after this and ends the working day before `coded`.
        let publicized = back(coded, registration_publicity_days.max(1) + 1);
        let accepted = back(publicized, 5);
        let submitted = back(accepted, 1);
        let reviewed = back(submitted, 3);
        let product_created = back(reviewed, 5);
        let signed = back(product_created, 5);
        Timeline {
            selection_publicized: back(signed, selection_publicity_days.max(1) + 1),
            signed,
            product_created,
            reviewed,
            evidence: back(submitted, 2),
            submitted,
            accepted,
            publicized,
            coded: Some(coded),
        }
    }

    /// The same product steps, but the registration publicized the working day before the
    /// last one up to today, so that its publicity runs today.
    fn in_publicity(&self, calendar: &WorkingCalendar) -> Timeline {
        let back = |from: NaiveDate, n: u32| working_days_before(calendar, from, n);
        let last = self.coded.expect("the demo's first product is coded");
        let publicized = back(last, 1);
        let accepted = back(publicized, 1);
        let submitted = back(accepted, 1);
        Timeline {
            evidence: back(submitted, 1),
            submitted,
            accepted,
            publicized,
            coded: None,
            ..*self
        }
    }
}

/// The `n`th working day before `from` (the mirror of `WorkingCalendar::add_working_days`).
fn working_days_before(calendar: &WorkingCalendar, from: NaiveDate, n: u32) -> NaiveDate {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day = day.pred_opt().expect("dates stay far from chrono's limits");
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    day
}

/// The operator's product from two resources of its authorization, through compliance review and
/// the whole registration (R 8–13) to its query code, each step by the body that takes it.
async fn register_product(
    catalog: &Catalog,
    days: &Timeline,
    auth: &Authorization,
    operator: &Organization,
    registrar: Actor,
    sources: &[&Resource],
    name: &str,
) -> Result<Registration> {
    let op_actor = Actor::new(Role::Operator, operator.id);
    let admin_actor = Actor::new(Role::DataAdmin, auth.plan.implementing_body_id);
    // Corpus titles can be long; the summary only needs to name the sources.
    let source_names: Vec<String> = sources
        .iter()
        .map(|r| r.content.name.chars().take(60).collect())
        .collect();
    let scenarios = vec!["区域经济运行监测".to_string(), "政府决策参考".to_string()];
    let product = catalog
        .create_product(
            &op_actor,
            operator.id,
            NewProduct {
                name: name.to_string(),
                summary: format!(
                    "以授权范围内的“{}”等公共数据加工形成的分析报告，只含汇总统计结果，不含原始数据（演示）",
                    source_names.join("”“")
                ),
                delivery_form: DeliveryForm::Report,
                authorization_id: auth.id,
                source_resource_ids: sources.iter().map(|r| r.id).collect(),
                applicable_scenarios: scenarios.clone(),
                forbidden_scenarios: vec!["识别或追踪特定个人".to_string()],
                // Public-good scenes are free: no price, no ceiling.
                scene_category: SceneCategory::PublicGood,
                price_fen: None,
                ceiling_fen: None,
            },
            days.product_created,
        )
        .await?;
    catalog
        .review_product(
            &admin_actor,
            product.id,
            ReviewFinding {
                passed: true,
                report_ref: "合规审核意见书（演示）第1号".to_string(),
                notes: Some("来源数据均在授权范围内，产品只输出汇总结果（演示）".to_string()),
            },
            days.reviewed,
            None,
        )
        .await?;
    let registration = catalog
        .submit_registration(
            &op_actor,
            NewRegistration {
                subject: RegistrationSubject::Product {
                    product_id: product.id,
                },
                kind: RegistrationType::Initial,
                amends: None,
                materials: Materials {
                    registrant_info: format!(
                        "{}，统一社会信用代码 {}",
                        operator.name,
                        operator.uscc.as_str()
                    ),
                    legal_source: format!("依《{}》签订的授权运营协议", auth.plan.plan_name),
                    resource_info: source_names.join("、"),
                    evidence_ref: "存证-演示-0001".to_string(),
                    evidence_on: days.evidence,
                    product_info: Some(format!("{}（数据报告）", product.details.name)),
                    scenario_info: Some(scenarios.join("、")),
                    risk_assessment: "只输出汇总统计结果，经数据安全风险评估风险可控（演示）"
                        .to_string(),
                },
            },
            days.submitted,
        )
        .await?;
    catalog
        .accept_registration(&registrar, registration.id, days.accepted, None)
        .await?;
    let publicized = catalog
        .publicize_registration(&registrar, registration.id, days.publicized, None)
        .await?
        .value;
    match days.coded {
        Some(on) => Ok(catalog
            .issue_query_code(&registrar, registration.id, None, on, None)
            .await?
            .value),
        None => Ok(publicized),
    }
}

/// The columns of a statistical table, as the demo's itemized resources describe them.
fn demo_items() -> Vec<DataItem> {
    let item =
        |name: &str, english: &str, data_type: &str, length: &str, description: &str| DataItem {
            name: name.to_string(),
            english_name: Some(english.to_string()),
            data_type: data_type.to_string(),
            length_format: Some(length.to_string()),
            value_domain: None,
            sensitivity: None,
            description: Some(description.to_string()),
        };
    vec![
        item("统计年度", "TJND", "字符型", "4", "四位年份"),
        item(
            "行政区划代码",
            "XZQHDM",
            "字符型",
            "12",
            "GB/T 2260 行政区划代码",
        ),
        item(
            "行政区划名称",
            "XZQHMC",
            "字符型",
            "50",
            "县级及以上行政区划名称",
        ),
        item("指标名称", "ZBMC", "字符型", "100", "统计指标的名称"),
        item("指标值", "ZBZ", "数值型", "18,2", "保留两位小数"),
        item("计量单位", "JLDW", "字符型", "20", "指标值的计量单位"),
        item(
            "更新日期",
            "GXRQ",
            "日期型",
            "YYYY-MM-DD",
            "本条数据的更新日期",
        ),
    ]
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

/// What the demo agreement says (N 14), with a hash of its (demo) text.
fn agreement_terms(plan_name: &str) -> AgreementTerms {
    let clause = |what: &str| format!("{what}按《{plan_name}》及本协议约定执行（演示）");
    AgreementTerms {
        number: format!(
            "授权运营协议（演示）{}",
            &plan_name.chars().take(8).collect::<String>()
        ),
        products_and_standards: clause("产品和服务清单、技术标准与审核要求"),
        asset_ownership: clause("软硬件设备及产品权属"),
        disclosure_duties: clause("信息披露；运营机构不得直接或间接参与再开发"),
        accounting_and_revenue: clause("成本收入核算与收益分配"),
        security_duties: clause("数据安全、个人信息保护、风险监测与应急处置"),
        evaluation_and_exit: clause("年度成效评价、续约与退出"),
        liability: clause("违约责任"),
        dispute_resolution: clause("争议解决"),
        change_and_termination: clause("协议变更与终止条件"),
        other_matters: None,
        document: DocumentRef {
            name: "授权运营协议（演示）.pdf".to_string(),
            // A placeholder digest: no signed paper stands behind the demo agreement.
            sha256: "5c3bd3c5b5e2d0d4c0f5d1d3e6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use catalog::domain::product::ProductStatus;
    use catalog::domain::registration::RegistrationStatus;
    use catalog::store::RecordFilter;

    use super::*;

    #[test]
    fn names_do_not_double_their_tier() {
        assert_eq!(
            joined_name(&["四川省", "德阳市", "市交通局"]),
            "四川省德阳市交通局"
        );
        assert_eq!(joined_name(&["安徽省", "", "省教育厅"]), "安徽省教育厅");
        assert_eq!(
            joined_name(&["安徽省", "合肥市", "自然资源和规划局"]),
            "安徽省合肥市自然资源和规划局"
        );
    }

    /// The back-dated registration fits every clock whatever day the demo starts on: a working
    /// day, a weekend, the days after National Day and Spring Festival, a year the calendar file
    /// does not list. A second start leaves the database as it is.
    #[tokio::test]
    async fn the_demo_product_is_registered_by_any_start_day() {
        for today in [
            "2026-11-24",
            "2026-11-29",
            "2026-10-06",
            "2026-02-24",
            "2028-06-05",
        ] {
            let today: NaiveDate = today.parse().unwrap();
            let dir = tempfile::tempdir().unwrap();
            let db = dir.path().join("mulu.db");
            let store = catalog::store::open(db.to_str().unwrap()).await.unwrap();
            let catalog = Catalog::with_builtin_config(store);
            load(&catalog, Some("builtin"), today).await.unwrap();
            load(&catalog, Some("builtin"), today).await.unwrap();

            let all = RecordFilter::default();
            let products = catalog.products(&all).await.unwrap();
            assert_eq!(products.len(), 2, "{today}");
            let registrations = catalog.registrations(&all).await.unwrap();
            assert_eq!(registrations.len(), 2, "{today}");
            let (coded, publicized): (Vec<_>, Vec<_>) = registrations
                .iter()
                .partition(|r| r.status == RegistrationStatus::Coded);
            let (r, p) = (coded[0], publicized[0]);
            // The second one's publicity runs today: anyone may object now.
            assert_eq!(p.status, RegistrationStatus::Publicized, "{today}");
            assert_eq!(
                p.publicity_outcome(today),
                Some(catalog::domain::registration::PublicityOutcome::Running),
                "{today}"
            );
            let registered = products
                .iter()
                .find(|x| x.status == ProductStatus::Registered);
            assert!(registered.is_some(), "{today}");
            assert!(r.query_code.is_some(), "{today}");
            let coded = r.valid_from.unwrap();
            // Coded on the last working day up to today.
            assert!(coded <= today, "{today}");
            assert!(
                coded
                    .iter_days()
                    .skip(1)
                    .take_while(|d| *d <= today)
                    .all(|d| !catalog.calendar().is_working_day(d)),
                "{today}: coded {coded}"
            );
            let statements = catalog
                .public_disclosures(RecordFilter::default())
                .await
                .unwrap();
            assert_eq!(statements.len(), 1, "{today}: a published annual statement");
            assert!(r.publicity_end.unwrap() < coded, "{today}");
        }
    }
}
