//! `mulu org create`, and finding a registered organization by the code given on the command line.

use std::process::ExitCode;

use catalog::domain::organization::{NewOrganization, OrgKind, Organization};
use catalog::domain::{RegionCode, Uscc};
use catalog::error::AtField;
use catalog::{Actor, Catalog, CatalogError};

use super::CliError;
use super::args::{DbArgs, parse_enum};

pub async fn create(
    db: DbArgs,
    uscc: &str,
    name: &str,
    region: &str,
    kinds: &[String],
) -> Result<ExitCode, CliError> {
    let catalog = Catalog::with_builtin_config(db.open().await?);
    let input = NewOrganization {
        uscc: Uscc::parse(uscc).at("uscc")?,
        name: name.to_string(),
        region: RegionCode::parse(region).at("region")?,
        kinds: kinds
            .iter()
            .map(|k| parse_enum::<OrgKind>("kind", k))
            .collect::<Result<_, _>>()?,
        contact: None,
    };
    let org = catalog
        .register_organization(&Actor::system(), input)
        .await?;
    println!("{}", org.id);
    Ok(ExitCode::SUCCESS)
}

/// The organization whose 统一社会信用代码 is `uscc`, given on the command line as `field`: a
/// malformed code or one not registered is that argument's error.
pub async fn registered_org(
    catalog: &Catalog,
    uscc: &str,
    field: &str,
) -> Result<Organization, CatalogError> {
    let uscc = Uscc::parse(uscc).at(field)?;
    catalog
        .organization_by_uscc(&uscc)
        .await?
        .ok_or_else(|| CatalogError::invalid(field, format!("机构 {uscc} 未登记")))
}
