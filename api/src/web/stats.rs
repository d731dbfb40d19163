//! Statistics on a data administration's home page: charts drawn on the server as SVG, each with
//! the table of its numbers. (Being built.)

use catalog::SignedIn;
use maud::{Markup, html};

use crate::state::AppState;

pub async fn section(_state: &AppState, _s: &SignedIn) -> Markup {
    html! {}
}
