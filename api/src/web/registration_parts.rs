//! Pieces of a registration's page that its registrant and its registrar both see.

use catalog::domain::registration::Registration;
use maud::{Markup, html};

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
