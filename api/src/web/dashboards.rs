//! The registration side's dashboards on the workbench home, drawn like the directory statistics
//! (server-side SVG bars, each with the table of its numbers): registrations by state and by
//! month, the time from application to code against the statutory clocks, products by scene
//! category, listings by exchange. Each role sees what the catalog lets it read: the registrar
//! its region's registrations, an operator its own, an exchange its own listings, 监管 all.

use std::collections::BTreeMap;

use catalog::calendar::WorkingCalendar;
use catalog::domain::listing::{ExchangeListing, ListingStatus};
use catalog::domain::product::{Product, ProductStatus, SceneCategory};
use catalog::domain::registration::{Registration, RegistrationStatus};
use catalog::policy::PolicySet;
use catalog::store::RecordFilter;
use catalog::{Role, SignedIn};
use chrono::{Datelike, NaiveDate};
use maud::{Markup, html};

use super::choices;
use super::stats::{Row, group, month_rows, single};
use crate::state::AppState;

/// Months shown in the chart over time.
const MONTHS: usize = 12;
const MONTH_SERIES: [&str; 2] = ["提出申请", "赋码"];

/// Registrations by their current state, in the lifecycle's order (states with none left out).
pub fn registrations_by_status(rs: &[Registration]) -> Vec<(String, usize)> {
    RegistrationStatus::ALL
        .iter()
        .map(|s| {
            let n = rs.iter().filter(|r| r.status == *s).count();
            (s.label().to_string(), n)
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// Per month: applications made, registrations coded.
pub fn registrations_by_month(rs: &[Registration], months: usize) -> Vec<Row> {
    let mut counts: BTreeMap<(i32, u32), Vec<usize>> = BTreeMap::new();
    let key = |d: NaiveDate| (d.year(), d.month());
    for r in rs {
        counts
            .entry(key(r.submitted_on))
            .or_insert_with(|| vec![0; 2])[0] += 1;
        if let Some(on) = r.coded_on() {
            counts.entry(key(on)).or_insert_with(|| vec![0; 2])[1] += 1;
        }
    }
    month_rows(&counts, 2, months)
}

/// Working days after `from` up to and including `to`.
fn working_days_between(calendar: &WorkingCalendar, from: NaiveDate, to: NaiveDate) -> u32 {
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| calendar.is_working_day(*d))
        .count() as u32
}

/// Coded registrations by the working days from application to code, against the sum of the
/// statutory clocks of their jurisdiction (acceptance + formal review + publicity).
pub fn time_to_code(
    rs: &[Registration],
    calendar: &WorkingCalendar,
    policy: &PolicySet,
) -> Vec<(String, usize)> {
    let mut within = 0;
    let mut late_short = 0;
    let mut late_long = 0;
    for r in rs {
        let Some(on) = r.coded_on() else { continue };
        let p = policy.for_region(&r.jurisdiction);
        let statutory = p.registration_acceptance_working_days
            + p.formal_review_working_days
            + p.registration_publicity_working_days;
        let took = working_days_between(calendar, r.submitted_on, on);
        match took.saturating_sub(statutory) {
            0 => within += 1,
            1..=10 => late_short += 1,
            _ => late_long += 1,
        }
    }
    vec![
        ("在法定时限内".to_string(), within),
        ("超出 1–10 个工作日".to_string(), late_short),
        ("超出 10 个工作日以上".to_string(), late_long),
    ]
}

/// Products by scene category (withdrawn ones left out).
pub fn products_by_scene(products: &[Product]) -> Vec<(String, usize)> {
    SceneCategory::ALL
        .iter()
        .map(|c| {
            let n = products
                .iter()
                .filter(|p| p.status != ProductStatus::Withdrawn && p.details.scene_category == *c)
                .count();
            (choices::label(c), n)
        })
        .collect()
}

/// Listings by state.
pub fn listings_by_status(listings: &[ExchangeListing]) -> Vec<(String, usize)> {
    ListingStatus::ALL
        .iter()
        .map(|s| {
            let n = listings.iter().filter(|l| l.status == *s).count();
            (s.label().to_string(), n)
        })
        .collect()
}

/// Listings per exchange (by name): listed now, and all ever reported.
pub fn listings_by_exchange(
    listings: &[ExchangeListing],
    names: &BTreeMap<uuid::Uuid, String>,
) -> Vec<Row> {
    let mut counts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for l in listings {
        let name = names.get(&l.exchange_id).cloned().unwrap_or_default();
        let row = counts.entry(name).or_insert_with(|| vec![0; 2]);
        row[0] += usize::from(l.status == ListingStatus::Listed);
        row[1] += 1;
    }
    counts.into_iter().collect()
}

/// The registration dashboards for the person's role (empty for roles without them).
pub async fn section(state: &AppState, s: &SignedIn) -> Markup {
    let actor = s.actor();
    let c = &state.catalog;
    let registrations = match s.role {
        Role::Registrar | Role::Auditor => c
            .registrar_worklist(&actor, RecordFilter::default())
            .await
            .unwrap_or_default(),
        Role::Operator => c
            .own_registrations(&actor, Vec::new(), None, 10_000)
            .await
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let products = match s.role {
        Role::Operator | Role::DataAdmin | Role::Auditor => {
            c.products_as(&actor).await.unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let listings = match s.role {
        Role::Exchange => c.own_listings(&actor).await.unwrap_or_default(),
        Role::Auditor => {
            let mut all = Vec::new();
            for p in products
                .iter()
                .filter(|p| p.status == ProductStatus::Registered)
            {
                all.extend(c.product_listings(p.id).await.unwrap_or_default());
            }
            all
        }
        _ => Vec::new(),
    };
    let mut exchanges = BTreeMap::new();
    if s.role == Role::Auditor {
        for l in &listings {
            if let std::collections::btree_map::Entry::Vacant(e) = exchanges.entry(l.exchange_id) {
                let name = c.organization(l.exchange_id).await.ok();
                e.insert(name.map_or_else(|| l.exchange_id.to_string(), |o| o.value.name));
            }
        }
    }
    let shows_registrations = matches!(s.role, Role::Registrar | Role::Auditor | Role::Operator);
    html! {
        @if shows_registrations {
            (group("registrations-by-status", "登记申请按状态", None, &["申请数"], "状态",
                &single(registrations_by_status(&registrations)), true))
            (group("registrations-by-month", "登记申请与赋码按月",
                Some(html! { p.muted { "按申请日与赋码日所在月份，最多 " (MONTHS) " 个月。" } }),
                &MONTH_SERIES, "月份", &registrations_by_month(&registrations, MONTHS), true))
            (group("time-to-code", "自申请至赋码的用时",
                Some(html! { p.muted { "按工作日计，自申请日起，含补正时间；法定时限为受理、形式审查与公示期之和（按登记所属辖区的政策）。" } }),
                &["登记数"], "用时",
                &single(time_to_code(&registrations, c.calendar(), c.policy())), true))
        }
        @if matches!(s.role, Role::Operator | Role::DataAdmin | Role::Auditor) {
            (group("products-by-scene", "产品按场景类别", None, &["产品数"], "场景类别",
                &single(products_by_scene(&products)), true))
        }
        @if s.role == Role::Exchange {
            (group("listings-by-status", "本交易所挂牌按状态", None, &["挂牌数"], "状态",
                &single(listings_by_status(&listings)), true))
        }
        @if s.role == Role::Auditor {
            (group("listings-by-exchange", "挂牌按交易所", None, &["挂牌中", "全部"], "交易所",
                &listings_by_exchange(&listings, &exchanges), true))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_count_the_days_after_the_first_up_to_the_last() {
        let calendar = WorkingCalendar::builtin();
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        // 2026-04-13 is a Monday: Tuesday to Friday, then Monday.
        assert_eq!(
            working_days_between(&calendar, day("2026-04-13"), day("2026-04-20")),
            5
        );
        assert_eq!(
            working_days_between(&calendar, day("2026-04-13"), day("2026-04-13")),
            0
        );
    }
}
