//! The agreement half of an authorization: what the signed agreement says (N 14), its versions
//! (renewal, scope changes), filing with the higher administration (N 11, N 13; SD 12; LY),
//! suspension for rectification and resumption (SD 38), the destruction record when access closes
//! (C 8.6; GZ 30; LY), and the yearly evaluation (C 12.1; GZ 23; SD 35) and operator report
//! (SD 24; LY 七(二)2).

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Authorization, AuthorizationStatus, ScopeLine};
use crate::domain::organization::require_text;
use crate::error::{CatalogError, Result};

/// N 14 (一)–(十三): what the agreement says. Scope (一), term (二) and platform (四) come from the
/// authorization itself; the rest is stated here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgreementTerms {
    /// 协议编号
    pub number: String,
    /// (三) 拟提供的产品和服务清单及其技术标准、安全审核要求、业务规范性审核要求
    pub products_and_standards: String,
    /// (五) 资产权属
    pub asset_ownership: String,
    /// (六) 信息披露要求，运营机构不得直接或间接参与再开发
    pub disclosure_duties: String,
    /// (七) 经营成本和收入核算要求、收益分配机制
    pub accounting_and_revenue: String,
    /// (八) 数据安全、个人信息保护要求和风险监测、应急处置措施
    pub security_duties: String,
    /// (九) 运营成效评价，续约或退出机制
    pub evaluation_and_exit: String,
    /// (十) 违约责任
    pub liability: String,
    /// (十一) 争议解决方式
    pub dispute_resolution: String,
    /// (十二) 协议变更、终止条件
    pub change_and_termination: String,
    /// (十三) 需要明确的其他事项
    #[serde(default)]
    pub other_matters: Option<String>,
    /// The signed document: its file name and SHA-256, so the stored record can be matched to
    /// the paper.
    pub document: DocumentRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentRef {
    pub name: String,
    /// Lower-case hex SHA-256 of the document.
    pub sha256: String,
}

impl AgreementTerms {
    pub fn check(&self) -> Result<()> {
        require_text("number", &self.number, 100)?;
        for (field, value) in [
            ("products_and_standards", &self.products_and_standards),
            ("asset_ownership", &self.asset_ownership),
            ("disclosure_duties", &self.disclosure_duties),
            ("accounting_and_revenue", &self.accounting_and_revenue),
            ("security_duties", &self.security_duties),
            ("evaluation_and_exit", &self.evaluation_and_exit),
            ("liability", &self.liability),
            ("dispute_resolution", &self.dispute_resolution),
            ("change_and_termination", &self.change_and_termination),
        ] {
            require_text(field, value, 4000)?;
        }
        if let Some(other) = &self.other_matters {
            require_text("other_matters", other, 4000)?;
        }
        self.document.check("document")
    }
}

impl DocumentRef {
    /// A named file with a well-formed SHA-256; `field` is its path in the request.
    pub fn check(&self, field: &str) -> Result<()> {
        require_text(&format!("{field}.name"), &self.name, 200)?;
        let hash = self.sha256.trim();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CatalogError::invalid(
                format!("{field}.sha256"),
                "文件的 SHA-256 应为 64 位十六进制数",
            ));
        }
        Ok(())
    }
}

/// Why a version of the agreement was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementChange {
    /// 首次签订
    Signed,
    /// 续约 (N 14(九))
    Renewed,
    /// 授权范围变更 (N 14(十二))
    ScopeChanged,
}

impl AgreementChange {
    pub fn label(self) -> &'static str {
        match self {
            AgreementChange::Signed => "首次签订",
            AgreementChange::Renewed => "续约",
            AgreementChange::ScopeChanged => "范围变更",
        }
    }
}

/// One version of the agreement: what was signed, when, for which term and resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Agreement {
    pub version: u32,
    pub change: AgreementChange,
    pub terms: AgreementTerms,
    pub signed_on: NaiveDate,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    pub resource_ids: Vec<Uuid>,
}

/// What is filed with the higher data administration (备案).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilingKind {
    /// 实施方案 (N 11; SD 12)
    Plan,
    /// 授权运营协议, each version (N 13; LY)
    Agreement,
    /// 协议终止 (LY)
    Termination,
}

impl FilingKind {
    pub fn label(self) -> &'static str {
        match self {
            FilingKind::Plan => "实施方案备案",
            FilingKind::Agreement => "授权运营协议备案",
            FilingKind::Termination => "协议终止备案",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewFiling {
    pub kind: FilingKind,
    /// The administration it was filed with (e.g. 省数据管理部门).
    pub filed_with: String,
    /// Its filing number or letter reference.
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Filing {
    pub kind: FilingKind,
    /// The agreement version filed (agreement filings).
    #[serde(default)]
    pub agreement_version: Option<u32>,
    pub filed_with: String,
    pub reference: String,
    pub filed_on: NaiveDate,
}

/// SD 38 (一)–(三): grounds for suspending access pending rectification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum SuspensionGround {
    /// (一) 损害国家利益、社会公共利益和他人合法权益
    #[serde(rename = "损害公共利益或他人权益")]
    HarmsInterests,
    /// (二) 未按照数据安全有关要求采取数据安全保障措施
    #[serde(rename = "未落实数据安全措施")]
    SecurityMeasuresMissing,
    /// (三) 其他违反授权运营管理要求
    #[serde(rename = "其他违反管理要求")]
    OtherBreach,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewSuspension {
    pub ground: SuspensionGround,
    pub detail: String,
    /// 限期改正: the day rectification is due.
    pub rectify_by: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Suspension {
    pub ground: SuspensionGround,
    pub detail: String,
    pub rectify_by: NaiveDate,
    pub suspended_on: NaiveDate,
    /// What was rectified, when resumed.
    #[serde(default)]
    pub rectification: Option<String>,
    #[serde(default)]
    pub resumed_on: Option<NaiveDate>,
}

/// The operator's application to renew before the term ends (N 14(九); LY: within the last
/// three months).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RenewalRequest {
    pub proposed_end: NaiveDate,
    pub filed_on: NaiveDate,
    pub status: RenewalStatus,
    #[serde(default)]
    pub answer: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RenewalStatus {
    Pending,
    Approved,
    Refused,
}

/// C 8.6; GZ 30; LY: the destruction of the data and derived products once access closed,
/// supervised by the implementing body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewDestruction {
    pub completed_on: NaiveDate,
    /// How it was destroyed (不可逆方式).
    pub method: String,
    /// Who supervised it.
    pub supervised_by: String,
    /// Until when the logs of the destruction are kept.
    pub logs_kept_until: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DestructionRecord {
    #[serde(flatten)]
    pub record: NewDestruction,
    pub recorded_on: NaiveDate,
}

/// The yearly evaluation's finding (C 12.1: 评价结果作为续约、终止的依据).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum EvaluationGrade {
    #[serde(rename = "优秀")]
    Excellent,
    #[serde(rename = "合格")]
    Passed,
    #[serde(rename = "基本合格")]
    BarelyPassed,
    #[serde(rename = "不合格")]
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewEvaluation {
    pub year: i32,
    pub grade: EvaluationGrade,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evaluation {
    #[serde(flatten)]
    pub evaluation: NewEvaluation,
    pub evaluated_on: NaiveDate,
}

/// The operator's yearly report to the implementing body (SD 24; LY 七(二)2). Not public: the
/// public reads the disclosures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewOperatorReport {
    pub year: i32,
    pub content: String,
    /// References of attached materials.
    #[serde(default)]
    pub attachments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OperatorReport {
    #[serde(flatten)]
    pub report: NewOperatorReport,
    pub submitted_on: NaiveDate,
}

/// The years an authorization operated in, up to `today`: from activation to the term's end
/// (or the day access closed).
pub fn years_of_operation(a: &Authorization, today: NaiveDate) -> std::ops::RangeInclusive<i32> {
    let Some(start) = a.activated_on else {
        #[allow(clippy::reversed_empty_ranges)]
        return 1..=0;
    };
    let closed = a
        .history
        .iter()
        .rev()
        .find(|c| c.status.is_final())
        .map(|c| c.at.date_naive());
    let end = [Some(a.plan.term_end), closed, Some(today)]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(today);
    start.year()..=end.year()
}

/// Whether a yearly filing waits for its year to end (a report does, an evaluation not).
#[derive(Clone, Copy, PartialEq, Eq)]
enum YearEnded {
    Needed,
    NotNeeded,
}

impl Authorization {
    /// The current agreement's version number (0 before signing).
    pub fn agreement_version(&self) -> u32 {
        self.agreements.last().map_or(0, |a| a.version)
    }

    pub(super) fn push_agreement(
        &mut self,
        change: AgreementChange,
        terms: AgreementTerms,
        signed_on: NaiveDate,
        term_start: NaiveDate,
    ) {
        let version = self.agreement_version() + 1;
        self.agreements.push(Agreement {
            version,
            change,
            terms,
            signed_on,
            term_start,
            term_end: self.plan.term_end,
            resource_ids: self.plan.resource_ids.clone(),
        });
    }

    /// 备案: the plan once announced, each agreement version once signed, a termination once
    /// access closed; each once.
    pub fn record_filing(
        &mut self,
        filing: NewFiling,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        require_text("filed_with", &filing.filed_with, 200)?;
        require_text("reference", &filing.reference, 200)?;
        let agreement_version = match filing.kind {
            FilingKind::Plan => None,
            FilingKind::Agreement if self.agreements.is_empty() => {
                return Err(CatalogError::InvalidTransition(
                    "协议尚未签订，不能备案".to_string(),
                ));
            }
            FilingKind::Agreement => Some(self.agreement_version()),
            FilingKind::Termination if !self.status.is_final() => {
                return Err(CatalogError::InvalidTransition(
                    "授权尚未终止或到期，不能办理终止备案".to_string(),
                ));
            }
            FilingKind::Termination => None,
        };
        if self
            .filings
            .iter()
            .any(|f| f.kind == filing.kind && f.agreement_version == agreement_version)
        {
            return Err(CatalogError::Conflict(format!(
                "{}已办理",
                filing.kind.label()
            )));
        }
        self.filings.push(Filing {
            kind: filing.kind,
            agreement_version,
            filed_with: filing.filed_with.trim().to_string(),
            reference: filing.reference.trim().to_string(),
            filed_on: today,
        });
        self.updated_at = now;
        Ok(())
    }

    /// SD 38: access is closed while the operator rectifies by the given day.
    pub fn suspend(
        &mut self,
        suspension: NewSuspension,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[AuthorizationStatus::Active], "暂停运营")?;
        require_text("detail", &suspension.detail, 2000)?;
        if suspension.rectify_by <= today {
            return Err(CatalogError::invalid("rectify_by", "整改期限应晚于今天"));
        }
        let note = format!(
            "责令限期整改至{}，暂停获取数据：{}",
            suspension.rectify_by,
            suspension.detail.trim()
        );
        self.suspensions.push(Suspension {
            ground: suspension.ground,
            detail: suspension.detail.trim().to_string(),
            rectify_by: suspension.rectify_by,
            suspended_on: today,
            rectification: None,
            resumed_on: None,
        });
        self.move_to(AuthorizationStatus::Suspended, Some(note), now);
        Ok(())
    }

    /// Rectified: access opens again (within the term).
    pub fn resume(
        &mut self,
        rectification: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[AuthorizationStatus::Suspended], "恢复运营")?;
        require_text("rectification", rectification, 2000)?;
        if today > self.plan.term_end {
            return Err(CatalogError::InvalidTransition(format!(
                "运营期限已于{}届满，不能恢复运营",
                self.plan.term_end
            )));
        }
        let current = self
            .suspensions
            .last_mut()
            .ok_or_else(|| CatalogError::InvalidTransition("没有暂停记录".to_string()))?;
        current.rectification = Some(rectification.trim().to_string());
        current.resumed_on = Some(today);
        let note = format!("整改完成，恢复运营：{}", rectification.trim());
        self.move_to(AuthorizationStatus::Active, Some(note), now);
        Ok(())
    }

    /// The suspension in force, if suspended.
    pub fn current_suspension(&self) -> Option<&Suspension> {
        (self.status == AuthorizationStatus::Suspended)
            .then(|| self.suspensions.last())
            .flatten()
    }

    /// The operator applies to renew within the policy's window before the term ends.
    pub fn apply_for_renewal(
        &mut self,
        proposed_end: NaiveDate,
        window_months: Option<u32>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[AuthorizationStatus::Active], "申请续约")?;
        if self
            .renewal
            .as_ref()
            .is_some_and(|r| r.status == RenewalStatus::Pending)
        {
            return Err(CatalogError::Conflict("续约申请正在审核".to_string()));
        }
        let end = self.plan.term_end;
        if let Some(months) = window_months {
            let opens = end.checked_sub_months(Months::new(months)).unwrap_or(end);
            if today < opens {
                return Err(CatalogError::invalid(
                    "proposed_end",
                    format!("续约申请应在运营期限届满前 {months} 个月内提出（{opens} 至 {end}）"),
                ));
            }
        }
        if proposed_end <= end {
            return Err(CatalogError::invalid(
                "proposed_end",
                format!("续约后的期限应晚于现行期限（{end}）"),
            ));
        }
        self.renewal = Some(RenewalRequest {
            proposed_end,
            filed_on: today,
            status: RenewalStatus::Pending,
            answer: None,
        });
        self.updated_at = now;
        Ok(())
    }

    /// The implementing body signs the renewal: a new agreement version from the day after the
    /// current term, to the proposed end (whose limit the caller has checked).
    pub fn approve_renewal(
        &mut self,
        terms: AgreementTerms,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(&[AuthorizationStatus::Active], "续约")?;
        terms.check()?;
        let renewal = self.pending_renewal()?;
        renewal.status = RenewalStatus::Approved;
        let proposed_end = renewal.proposed_end;
        let start = self
            .plan
            .term_end
            .succ_opt()
            .ok_or_else(|| CatalogError::invalid("proposed_end", "日期超出范围"))?;
        self.plan.term_end = proposed_end;
        self.push_agreement(AgreementChange::Renewed, terms, today, start);
        let note = format!("续约至{proposed_end}");
        self.move_to(AuthorizationStatus::Active, Some(note), now);
        Ok(())
    }

    /// The renewal request awaiting an answer.
    fn pending_renewal(&mut self) -> Result<&mut RenewalRequest> {
        self.renewal
            .as_mut()
            .filter(|r| r.status == RenewalStatus::Pending)
            .ok_or_else(|| CatalogError::InvalidTransition("没有待审核的续约申请".to_string()))
    }

    pub fn refuse_renewal(&mut self, answer: &str, now: DateTime<Utc>) -> Result<()> {
        require_text("answer", answer, 2000)?;
        let renewal = self.pending_renewal()?;
        renewal.status = RenewalStatus::Refused;
        renewal.answer = Some(answer.trim().to_string());
        self.updated_at = now;
        Ok(())
    }

    /// A change of scope is a new version of the agreement (N 14(十二)); the caller has drawn
    /// the new scope from the current operation directory.
    pub fn change_scope(
        &mut self,
        resource_ids: Vec<Uuid>,
        scope: Vec<ScopeLine>,
        terms: AgreementTerms,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.expect(
            &[AuthorizationStatus::Active, AuthorizationStatus::Signed],
            "变更授权范围",
        )?;
        terms.check()?;
        if resource_ids.is_empty() {
            return Err(CatalogError::invalid(
                "resource_ids",
                "授权范围至少包含一项数据资源",
            ));
        }
        self.plan.resource_ids = resource_ids;
        self.scope = scope;
        let start = self
            .agreements
            .last()
            .map_or(self.plan.term_start, |a| a.term_start);
        self.push_agreement(AgreementChange::ScopeChanged, terms, today, start);
        let note = format!("授权范围变更（协议第 {} 版）", self.agreement_version());
        let status = self.status;
        self.move_to(status, Some(note), now);
        Ok(())
    }

    /// Once access has closed, the destruction of the data is recorded, its logs kept at least
    /// `retention_months`.
    pub fn record_destruction(
        &mut self,
        record: NewDestruction,
        retention_months: u32,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !self.status.is_final() {
            return Err(CatalogError::InvalidTransition(
                "授权尚未终止或到期，不能登记数据销毁".to_string(),
            ));
        }
        if self.destruction.is_some() {
            return Err(CatalogError::Conflict("数据销毁记录已登记".to_string()));
        }
        require_text("method", &record.method, 2000)?;
        require_text("supervised_by", &record.supervised_by, 200)?;
        if record.completed_on > today {
            return Err(CatalogError::invalid(
                "completed_on",
                "销毁完成日期不能晚于今天",
            ));
        }
        let keep_until = record
            .completed_on
            .checked_add_months(Months::new(retention_months))
            .unwrap_or(record.completed_on);
        if record.logs_kept_until < keep_until {
            return Err(CatalogError::invalid(
                "logs_kept_until",
                format!("销毁日志应至少留存 {retention_months} 个月（至 {keep_until}）"),
            ));
        }
        self.destruction = Some(DestructionRecord {
            record,
            recorded_on: today,
        });
        self.updated_at = now;
        Ok(())
    }

    /// A yearly filing (evaluation, report) is for a year of operation — one that has ended,
    /// where `ended` says so — and only one per year.
    fn yearly_filing(
        &self,
        year: i32,
        today: NaiveDate,
        ended: YearEnded,
        on_file: bool,
        filed: &str,
    ) -> Result<()> {
        let must_have_ended = ended == YearEnded::Needed;
        if (must_have_ended && year >= today.year())
            || !years_of_operation(self, today).contains(&year)
        {
            let which = if must_have_ended {
                "已结束的"
            } else {
                "该授权的"
            };
            return Err(CatalogError::invalid(
                "year",
                format!("{year} 年不是{which}运营年度"),
            ));
        }
        if on_file {
            return Err(CatalogError::Conflict(format!("{year} 年度{filed}")));
        }
        Ok(())
    }

    /// The yearly evaluation of a year the authorization operated in; one per year.
    pub fn record_evaluation(
        &mut self,
        evaluation: NewEvaluation,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        require_text("summary", &evaluation.summary, 8000)?;
        let on_file = self
            .evaluations
            .iter()
            .any(|e| e.evaluation.year == evaluation.year);
        self.yearly_filing(
            evaluation.year,
            today,
            YearEnded::NotNeeded,
            on_file,
            "评价已登记",
        )?;
        self.evaluations.push(Evaluation {
            evaluation,
            evaluated_on: today,
        });
        self.updated_at = now;
        Ok(())
    }

    /// The operator's report on a year of operation that has ended; one per year.
    pub fn submit_report(
        &mut self,
        report: NewOperatorReport,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        require_text("content", &report.content, 20_000)?;
        if report.attachments.len() > 50 {
            return Err(CatalogError::invalid("attachments", "附件至多 50 项"));
        }
        let on_file = self.reports.iter().any(|r| r.report.year == report.year);
        self.yearly_filing(
            report.year,
            today,
            YearEnded::Needed,
            on_file,
            "运营报告已报送",
        )?;
        self.reports.push(OperatorReport {
            report,
            submitted_on: today,
        });
        self.updated_at = now;
        Ok(())
    }
}
