//! Pieces of a registration's page that its registrant and its registrar both see.

use catalog::CatalogError;
use catalog::domain::registration::{Materials, Registration};
use maud::{Markup, html};

use super::pages::{FormError, FormFields};

/// Every step the application went through, oldest first.
pub fn history(r: &Registration) -> Markup {
    html! {
        section #history {
            h2 { "办理记录" }
            table {
                thead { tr { th scope="col" { "日期" } th scope="col" { "状态" } th scope="col" { "说明" } } }
                tbody {
                    @for e in &r.history {
                        tr { td { (e.on) } td { (e.status.label()) } td { (e.note.as_deref().unwrap_or("")) } }
                    }
                }
            }
        }
    }
}

/// The R 9 (一) materials' inputs: the values posted when the form came back, else `current`.
pub fn materials_inputs(
    current: Option<&Materials>,
    fields: Option<&FormFields>,
    product: bool,
    error: Option<&FormError>,
) -> Markup {
    let value = |name: &str, stored: Option<&str>| match fields {
        Some(f) => f.get(name).to_string(),
        None => stored.unwrap_or("").to_string(),
    };
    let m = current;
    let area = |name: &str, label: &str, stored: Option<&str>| {
        html! {
            label for=(name) { (label) }
            textarea id=(name) name=(name) rows="3" { (value(name, stored)) }
            @if let Some(m) = error.and_then(|e| e.at(name)) { (m) }
        }
    };
    let evidence_on = m.map(|m| m.evidence_on.to_string());
    html! {
        (area("materials.registrant_info", "主体信息", m.map(|m| m.registrant_info.as_str())))
        (area("materials.legal_source", "数据合法合规性来源", m.map(|m| m.legal_source.as_str())))
        (area("materials.resource_info", "数据资源情况", m.map(|m| m.resource_info.as_str())))
        label for="materials.evidence_ref" { "存证编号" }
        input id="materials.evidence_ref" name="materials.evidence_ref" type="text"
            value=(value("materials.evidence_ref", m.map(|m| m.evidence_ref.as_str())));
        @if let Some(m) = error.and_then(|e| e.at("materials.evidence_ref")) { (m) }
        label for="materials.evidence_on" { "存证日期" }
        input id="materials.evidence_on" name="materials.evidence_on" type="date"
            value=(value("materials.evidence_on", evidence_on.as_deref()));
        @if let Some(m) = error.and_then(|e| e.at("materials.evidence_on")) { (m) }
        @if product {
            (area("materials.product_info", "产品和服务信息", m.and_then(|m| m.product_info.as_deref())))
            (area("materials.scenario_info", "应用场景信息", m.and_then(|m| m.scenario_info.as_deref())))
        }
        (area("materials.risk_assessment", "数据安全风险评估", m.map(|m| m.risk_assessment.as_str())))
    }
}

/// The materials a form posted.
pub fn materials_from(fields: &FormFields) -> Result<Materials, CatalogError> {
    Ok(Materials {
        registrant_info: fields.get("materials.registrant_info").to_string(),
        legal_source: fields.get("materials.legal_source").to_string(),
        resource_info: fields.get("materials.resource_info").to_string(),
        evidence_ref: fields.get("materials.evidence_ref").to_string(),
        evidence_on: fields.date("materials.evidence_on")?,
        product_info: fields.optional("materials.product_info"),
        scenario_info: fields.optional("materials.scenario_info"),
        risk_assessment: fields.get("materials.risk_assessment").to_string(),
    })
}
