//! Date-driven transitions nobody clicks: authorizations whose term ended expire (closing access,
//! rule 5), coded registrations past their validity are cancelled (R 15), and objectors'
//! identities past their retention are erased (rule 10). Run at start and then hourly; each pass
//! re-reads state, so several nodes running it do no harm.

use std::time::Duration;

use catalog::Catalog;

use crate::clock::Clock;

const EVERY: Duration = Duration::from_secs(3600);

pub fn spawn(catalog: Catalog, clock: Clock) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            pass(&catalog, clock).await;
            tokio::time::sleep(EVERY).await;
        }
    })
}

async fn pass(catalog: &Catalog, clock: Clock) {
    let today = clock.today();
    match catalog.expire_due_authorizations(today).await {
        Ok(ids) if !ids.is_empty() => tracing::info!(count = ids.len(), "授权运营期满，已关闭"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "授权到期处理失败，下次重试"),
    }
    match catalog.expire_due_registrations(today).await {
        Ok(ids) if !ids.is_empty() => tracing::info!(count = ids.len(), "登记有效期届满，已注销"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "登记到期处理失败，下次重试"),
    }
    // Rule 10: objectors' identities leave the database when their retention ends.
    match catalog
        .erase_expired_personal_data(chrono::Utc::now())
        .await
    {
        Ok(n) if n > 0 => tracing::info!(count = n, "异议人个人信息保存期满，已删除"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "个人信息到期删除失败，下次重试"),
    }
}
