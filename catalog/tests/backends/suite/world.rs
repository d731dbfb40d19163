//! The world the suite's tests act in: organizations, plans, products and registrations as the
//! rules expect them, and the assertions they share.

use catalog::domain::agreement::{AgreementTerms, DocumentRef};
use catalog::domain::authorization::{
    Announcement, OperatorApplication, Qualification, SelectionMethod,
};
use catalog::domain::authorization::{
    AuthorizationMode, AuthorizationStatus, NewAuthorization, OperatorType,
};
use catalog::domain::negative_list::{
    NegativeKind, NegativeReason, NegativeScope, NegativeTarget, NewNegativeListEntry,
};
use catalog::domain::organization::{OrgKind, Organization};
use catalog::error::Rule;
use catalog::{Actor, CatalogError, EditionLineRequest, EditionRequest, Role};
use chrono::{Months, NaiveDate};
use uuid::Uuid;

use crate::fixtures::{Env, content};

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn assert_rule<T: std::fmt::Debug>(result: Result<T, CatalogError>, rule: Rule, field: &str) {
    match result {
        Err(CatalogError::RuleViolation {
            rule: r,
            field: f,
            message,
        }) => {
            assert_eq!(r, rule, "{message}");
            assert_eq!(f, field, "{message}");
            assert!(!message.is_empty());
        }
        other => panic!("expected a violation of {rule:?} at {field}, got {other:?}"),
    }
}

pub fn plan(body: &Organization, resources: Vec<Uuid>, start: &str, end: &str) -> NewAuthorization {
    NewAuthorization {
        plan_name: "授权运营实施方案".to_string(),
        implementing_body_id: body.id,
        mode: AuthorizationMode::ByScenario,
        operator_type: OperatorType::Scenario,
        scope_description: "交通出行场景".to_string(),
        resource_ids: resources,
        term_start: d(start),
        term_end: d(end),
        planned_products: vec!["出行指数".to_string()],
        platform: "授权运营平台".to_string(),
        plan_approved_on: None,
        announcement: Some(announcement()),
    }
}

/// What C 8.1 asks an announcement to state; applications close at the end of 2026.
pub fn announcement() -> Announcement {
    Announcement {
        selection_method: SelectionMethod::Selection,
        application_conditions: "符合 C 7.2 运营机构资格条件".to_string(),
        review_process: "材料审查、专家评审、结果公示".to_string(),
        review_criteria: "安全能力 40%，技术能力 30%，运营方案 30%".to_string(),
        applications_close_on: d("2026-12-31"),
        special_qualification: None,
    }
}

/// An application declaring every C 7.2 condition, with its materials.
pub fn qualified() -> OperatorApplication {
    OperatorApplication {
        declarations: Qualification::REQUIRED.to_vec(),
        materials: vec!["授权运营申请书".to_string(), "等保三级测评报告".to_string()],
    }
}

/// What N 14 asks an agreement to state.
pub fn terms() -> AgreementTerms {
    let clause = || "按协议约定执行".to_string();
    AgreementTerms {
        number: "授权协议〔2026〕1号".to_string(),
        products_and_standards: clause(),
        asset_ownership: clause(),
        disclosure_duties: clause(),
        accounting_and_revenue: clause(),
        security_duties: clause(),
        evaluation_and_exit: clause(),
        liability: clause(),
        dispute_resolution: clause(),
        change_and_termination: clause(),
        other_matters: None,
        document: DocumentRef {
            name: "授权运营协议.pdf".to_string(),
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_string(),
        },
    }
}

pub fn lines(ids: &[Uuid]) -> EditionRequest {
    EditionRequest {
        title: "运营目录".to_string(),
        note: None,
        lines: ids
            .iter()
            .map(|id| EditionLineRequest {
                resource_id: *id,
                condition: None,
            })
            .collect(),
    }
}

/// Publish an operation-directory edition of `ids` (C 6.2: a scope is drawn from it).
pub async fn listed(env: &Env, w: &World, ids: &[Uuid]) {
    env.catalog
        .publish_edition(&w.a(), w.admin.id, lines(ids))
        .await
        .unwrap();
}

pub fn negative(target: NegativeTarget, scope: NegativeScope) -> NewNegativeListEntry {
    NewNegativeListEntry {
        target,
        scope,
        kind: NegativeKind::Prohibited,
        conditions: None,
        reason: NegativeReason::NationalSecurity,
        legal_basis: "《数据安全法》第二十一条".to_string(),
        approved_by: "省人民政府".to_string(),
        approved_on: d("2026-01-10"),
        next_review_on: d("2027-01-10"),
        confidential: false,
    }
}

pub async fn active_authorization(
    env: &Env,
    w: &World,
    resources: Vec<Uuid>,
    start: &str,
    end: &str,
) -> Uuid {
    listed(env, w, &resources).await;
    let sign_on = d(start) + Months::new(1);
    let auth = signed_authorization(env, w, resources, (start, end), d(start), sign_on).await;
    let active = env
        .catalog
        .activate_authorization(&w.a(), auth, sign_on, None)
        .await
        .unwrap();
    assert_eq!(active.value.status, AuthorizationStatus::Active);
    auth
}

/// An authorization over listed `resources` for the term `(start, end)`, its operator selected,
/// publicized on `publicized` and signed on `signed` (not yet active).
pub async fn signed_authorization(
    env: &Env,
    w: &World,
    resources: Vec<Uuid>,
    (start, end): (&str, &str),
    publicized: NaiveDate,
    signed: NaiveDate,
) -> Uuid {
    let c = &env.catalog;
    let auth = c
        .announce_authorization(&w.a(), plan(&w.admin, resources, start, end))
        .await
        .unwrap()
        .id;
    c.apply_for_authorization(&w.o(), auth, w.operator.id, qualified(), d("2026-02-01"))
        .await
        .unwrap();
    c.select_operator(&w.a(), auth, w.operator.id, None)
        .await
        .unwrap();
    c.publicize_selection(&w.a(), auth, publicized, None)
        .await
        .unwrap();
    c.sign_agreement(&w.a(), auth, signed, terms(), None)
        .await
        .unwrap();
    auth
}

/// An operator with an active authorization over two resources (term 2026-01-05 – 2028-12-31),
/// and a compliance-reviewed product built on the first.
pub async fn reviewed_product(env: &Env, w: &World) -> (Uuid, Uuid, Uuid) {
    let r1 = env
        .published(&w.provider, &w.admin, content("公交刷卡"))
        .await;
    let r2 = env
        .published(&w.provider, &w.admin, content("出租车轨迹"))
        .await;
    let auth = active_authorization(env, w, vec![r1.id, r2.id], "2026-01-05", "2028-12-31").await;
    let c = &env.catalog;
    let p = c
        .create_product(
            &w.o(),
            w.operator.id,
            product(auth, vec![r1.id]),
            d("2026-09-01"),
        )
        .await
        .unwrap();
    c.review_product(&w.a(), p.id, review(true), d("2026-09-10"), None)
        .await
        .unwrap();
    (auth, p.id, r1.id)
}

/// Another reviewed product of `source` under the authorization `auth`.
pub async fn reviewed_product_in(
    env: &Env,
    w: &World,
    auth: Uuid,
    source: Uuid,
    name: &str,
) -> Uuid {
    let c = &env.catalog;
    let mut input = product(auth, vec![source]);
    input.name = name.to_string();
    let p = c
        .create_product(&w.o(), w.operator.id, input, d("2026-09-01"))
        .await
        .unwrap();
    c.review_product(&w.a(), p.id, review(true), d("2026-09-10"), None)
        .await
        .unwrap();
    p.id
}

pub fn demand(ids: Vec<Uuid>) -> catalog::domain::demand::NewDemand {
    catalog::domain::demand::NewDemand {
        scenario: "普惠金融授信".to_string(),
        scenario_description: "为小微企业授信核验纳税状态".to_string(),
        resource_ids: ids,
        justification: "只需缴纳状态".to_string(),
    }
}

pub struct World {
    pub admin: Organization,
    pub provider: Organization,
    pub operator: Organization,
}

impl World {
    pub async fn new(env: &Env) -> World {
        World {
            admin: env.org("数据局", "510000", &[OrgKind::DataAdmin]).await,
            provider: env.org("统计局", "510500", &[OrgKind::Provider]).await,
            operator: env.org("运营公司", "510500", &[OrgKind::Operator]).await,
        }
    }
    /// An administration, a provider and an operator all in `region` (whose policy applies).
    pub async fn in_region(env: &Env, region: &str) -> World {
        World {
            admin: env
                .org(&format!("{region}数据局"), region, &[OrgKind::DataAdmin])
                .await,
            provider: env
                .org(&format!("{region}统计局"), region, &[OrgKind::Provider])
                .await,
            operator: env
                .org(&format!("{region}运营公司"), region, &[OrgKind::Operator])
                .await,
        }
    }
    pub fn a(&self) -> Actor {
        Actor::new(Role::DataAdmin, self.admin.id)
    }
    pub fn p(&self) -> Actor {
        Actor::new(Role::Provider, self.provider.id)
    }
    pub fn o(&self) -> Actor {
        Actor::new(Role::Operator, self.operator.id)
    }
}

pub mod registration_support {
    use super::*;
    use catalog::domain::product::{DeliveryForm, NewProduct, ReviewFinding, SceneCategory};
    use catalog::domain::registration::{
        Materials, NewRegistration, RegistrationSubject, RegistrationType,
    };

    pub fn product(authorization_id: Uuid, sources: Vec<Uuid>) -> NewProduct {
        NewProduct {
            name: "城市出行指数".to_string(),
            summary: "基于公交刷卡与出租车轨迹的出行指数".to_string(),
            delivery_form: DeliveryForm::Api,
            authorization_id,
            source_resource_ids: sources,
            applicable_scenarios: vec!["交通规划".to_string()],
            forbidden_scenarios: vec!["个人行踪追踪".to_string()],
            scene_category: SceneCategory::Industry,
            price_fen: Some(50_000),
            ceiling_fen: Some(80_000),
        }
    }

    pub fn materials() -> Materials {
        Materials {
            registrant_info: "运营公司，统一社会信用代码见主体信息".to_string(),
            legal_source: "授权运营协议（2026）第1号".to_string(),
            resource_info: "公交刷卡数据，按日汇总".to_string(),
            evidence_ref: "存证-2026-0001".to_string(),
            evidence_on: d("2026-09-01"),
            product_info: Some("出行指数接口".to_string()),
            scenario_info: Some("交通规划".to_string()),
            risk_assessment: "已完成数据安全风险评估，风险可控".to_string(),
        }
    }

    pub fn review(passed: bool) -> ReviewFinding {
        ReviewFinding {
            passed,
            report_ref: "合规审核报告-2026-07".to_string(),
            notes: None,
        }
    }

    pub fn application(product_id: Uuid) -> NewRegistration {
        NewRegistration {
            subject: RegistrationSubject::Product { product_id },
            kind: RegistrationType::Initial,
            amends: None,
            materials: materials(),
        }
    }

    pub fn objection() -> catalog::domain::registration::NewObjection {
        catalog::domain::registration::NewObjection {
            objector_name: "张三".to_string(),
            objector_id_number: "510502199001010018".to_string(),
            contact: "13800000000".to_string(),
            grounds: "来源数据包含未授权的个人信息".to_string(),
            evidence: vec!["截图-1".to_string()],
        }
    }
}

pub use registration_support::*;

/// A product's registration in publicity: applied for on 2026-09-21, accepted the next day and
/// publicized on 09-29; as publicized.
pub async fn publicized_registration(
    env: &Env,
    w: &World,
    reg: &Actor,
    product_id: Uuid,
) -> catalog::domain::registration::Registration {
    let c = &env.catalog;
    let id = c
        .submit_registration(&w.o(), application(product_id), d("2026-09-21"))
        .await
        .unwrap()
        .id;
    c.accept_registration(reg, id, d("2026-09-22"), None)
        .await
        .unwrap();
    c.publicize_registration(reg, id, d("2026-09-29"), None)
        .await
        .unwrap()
        .value
}

/// A product's registration taken to its query code: [`publicized_registration`], then coded
/// on 2026-10-20 (after its ten working days); its id.
pub async fn code_registration(env: &Env, w: &World, reg: &Actor, product_id: Uuid) -> Uuid {
    let id = publicized_registration(env, w, reg, product_id).await.id;
    env.catalog
        .issue_query_code(reg, id, None, d("2026-10-20"), None)
        .await
        .unwrap();
    id
}
