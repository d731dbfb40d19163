//! The demo's people: one per role, so a newcomer can sign in as each at once. Their password is
//! printed at start (and in README); the three duties have a second factor enrolled with a
//! printed secret (any authenticator app, or `oathtool --totp -b SECRET`).

use catalog::domain::RegionCode;
use catalog::domain::organization::{OrgKind, Organization};
use catalog::domain::person::{Account, NewPerson};
use catalog::store::RecordFilter;
use catalog::{Actor, Catalog, CatalogError, Role};

/// Every demo person's password (no forced change: this is a demo).
pub const DEMO_PASSWORD: &str = "Mulu-Demo-2026";

/// The second-factor secret of the demo's duty people (base32).
pub const DEMO_TOTP_SECRET: &str = "MULUDEMOMULUDEMOMULUDEMOMULUDEMO";

pub struct DemoOrgs<'a> {
    pub admin: &'a Organization,
    pub registrar: &'a Organization,
    pub operator: &'a Organization,
    pub exchange: &'a Organization,
    pub developer: &'a Organization,
    pub auditor: &'a Organization,
}

/// Account, name, role: the demo's people.
const PEOPLE: [(&str, &str, Role); 10] = [
    ("tianbao", "田宝（数源单位填报员）", Role::Provider),
    ("shenhe", "沈禾（数据管理部门审核员）", Role::DataAdmin),
    ("dengji", "邓济（登记机构经办人）", Role::Registrar),
    ("yunying", "云盈（运营机构）", Role::Operator),
    ("kaifa", "开发（开发利用机构）", Role::Developer),
    ("jiaoyi", "焦易（数据交易所）", Role::Exchange),
    ("jianguan", "简冠（监管部门）", Role::Auditor),
    ("xitong", "席彤（系统管理员）", Role::SystemAdmin),
    ("anquan", "安泉（安全管理员）", Role::SecurityAdmin),
    ("shenji", "沈纪（审计管理员）", Role::AuditAdmin),
];

/// A provider in the administration's region, so its submissions reach the demo reviewer.
async fn provider_in(catalog: &Catalog, region: &RegionCode) -> Result<Organization, CatalogError> {
    let orgs = catalog.organizations(&RecordFilter::default()).await?;
    orgs.iter()
        .find(|o| o.has_kind(OrgKind::Provider) && o.region.is_within(region))
        .or_else(|| orgs.iter().find(|o| o.has_kind(OrgKind::Provider)))
        .cloned()
        .ok_or_else(|| CatalogError::Config("演示数据中没有数源单位".to_string()))
}

pub async fn create(catalog: &Catalog, orgs: &DemoOrgs<'_>) -> Result<(), CatalogError> {
    let provider = provider_in(catalog, &orgs.admin.region).await?;
    let system = Actor::system();
    println!("演示账号（密码均为 {DEMO_PASSWORD}）：");
    for (account, name, role) in PEOPLE {
        let org = match role {
            Role::Provider => &provider,
            Role::Registrar => orgs.registrar,
            Role::Operator => orgs.operator,
            Role::Exchange => orgs.exchange,
            Role::Developer => orgs.developer,
            Role::Auditor => orgs.auditor,
            _ => orgs.admin,
        };
        let person = catalog
            .create_person_with_final_password(
                &system,
                NewPerson {
                    account: Account::parse(account)
                        .map_err(|e| CatalogError::Config(e.message))?,
                    name: name.to_string(),
                    org_id: org.id,
                    roles: [role].into(),
                    password: DEMO_PASSWORD.to_string(),
                    sso_subject: Some(account.to_string()),
                },
            )
            .await?;
        if role.is_duty() {
            catalog
                .enroll_totp_secret(&system, person.id, DEMO_TOTP_SECRET)
                .await?;
        }
        println!(
            "  {account:<10} {}（{}）{}",
            role.label(),
            org.name,
            if role.is_duty() {
                format!("，动态验证码密钥 {DEMO_TOTP_SECRET}")
            } else {
                String::new()
            }
        );
    }
    Ok(())
}
