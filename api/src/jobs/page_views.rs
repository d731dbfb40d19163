//! Adds the page views this node counted to the database once a minute.

use std::time::Duration;

use catalog::Catalog;

use crate::page_views::ViewCounter;

const EVERY: Duration = Duration::from_secs(60);

pub fn spawn(catalog: Catalog, views: ViewCounter) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = views.flush(&catalog).await {
                tracing::warn!(error = %e, "浏览次数写入失败，下次重试");
            }
        }
    })
}
