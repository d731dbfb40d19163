//! Deadlines whose date the working-day calendar cannot vouch for: in a year whose holiday
//! notice is not out (provisional) or past the last year it knows. They are reported as such,
//! never silently counted as Monday to Friday.

use chrono::NaiveDate;
use serde::Serialize;

use super::Catalog;
use crate::calendar::DateCertainty;
use crate::domain::registration::Registration;

/// A running deadline whose date may still move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UncertainDeadline {
    /// Which deadline: `acceptance`, `formal_review`, `publicity` or `cancellation`.
    pub deadline: String,
    pub due: NaiveDate,
    pub certainty: DateCertainty,
    /// Why the date may move, in Chinese.
    pub note: String,
}

impl Catalog {
    /// The registration's running deadlines that fall in a provisional or unknown year.
    pub fn uncertain_deadlines(&self, registration: &Registration) -> Vec<UncertainDeadline> {
        registration
            .running_deadlines()
            .into_iter()
            .filter_map(|(deadline, due)| {
                let certainty = self.calendar().certainty(due);
                (certainty != DateCertainty::Official).then(|| UncertainDeadline {
                    deadline: deadline.to_string(),
                    due,
                    certainty,
                    note: certainty.label().to_string(),
                })
            })
            .collect()
    }
}
