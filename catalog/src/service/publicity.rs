//! Registration publicity notices as the public reads them (R 12): the current ones, open to
//! objections, and the past ones with their outcomes. One list for the API, portal, feeds and
//! downloads.

use chrono::NaiveDate;
use uuid::Uuid;

use super::Catalog;
use crate::domain::registration::{PublicRegistration, RegistrationStatus};
use crate::error::Result;
use crate::store::RecordFilter;

/// Which notices: those still in publicity, or those whose publicity has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notices {
    /// In publicity, or paused while an objection is reviewed.
    Current,
    /// Registered (and perhaps ended since), terminated on an objection, or withdrawn.
    Past,
}

impl Notices {
    pub fn statuses(self) -> &'static [RegistrationStatus] {
        match self {
            Notices::Current => &[
                RegistrationStatus::Publicized,
                RegistrationStatus::UnderObjection,
            ],
            Notices::Past => &[
                RegistrationStatus::Coded,
                RegistrationStatus::Cancelled,
                RegistrationStatus::Revoked,
                RegistrationStatus::Completed,
                RegistrationStatus::Terminated,
                RegistrationStatus::Withdrawn,
            ],
        }
    }

    /// The store filter for one page of these notices, in publicity order.
    pub fn filter(self, after: Option<Uuid>, limit: Option<i64>) -> RecordFilter {
        RecordFilter {
            statuses: self
                .statuses()
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
            public_only: true,
            after_id: after.map(|id| id.to_string()),
            limit,
            ..RecordFilter::default()
        }
    }
}

impl Catalog {
    /// One page of notices (keyset after `after`), each as the public sees it on `today`.
    pub async fn publicity_notices(
        &self,
        which: Notices,
        after: Option<Uuid>,
        limit: i64,
        today: NaiveDate,
    ) -> Result<Vec<PublicRegistration>> {
        let rows = self
            .registrations(&which.filter(after, Some(limit)))
            .await?;
        Ok(rows.iter().filter_map(|r| r.public_view(today)).collect())
    }
}
