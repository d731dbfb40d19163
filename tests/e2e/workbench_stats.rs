//! A data administration's home page shows statistics of its region's entries: SVG charts drawn
//! on the server, each with the table of its numbers; a provider sees none.

use reqwest::StatusCode;
use serde_json::Value;

use crate::people::{DEMO_PASSWORD, browser_client, sign_in};
use crate::server::{Server, mulu};

/// Entries the data administration's token sees in every state, page after page.
async fn entries_in_region(server: &Server, token: &str) -> usize {
    let http = reqwest::Client::new();
    let mut total = 0;
    let mut after: Option<String> = None;
    loop {
        let mut url = server.url("/api/v1/workspace/resources?limit=500");
        if let Some(a) = &after {
            url.push_str(&format!("&after={a}"));
        }
        let r = http.get(url).bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let page: Value = r.json().await.unwrap();
        total += page["items"].as_array().unwrap().len();
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_string()),
            None => return total,
        }
    }
}

/// The HTML of the element with `id` up to its closing `tag`.
fn element<'a>(html: &'a str, tag: &str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<{tag} id=\"{id}\""))
        .or_else(|| html.find(&format!("id=\"{id}\"")))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let rest = &html[start..];
    let end = rest.find(&format!("</{tag}>")).unwrap();
    &rest[..end]
}

/// The numbers in a table's 合计 row.
fn total_of(table: &str) -> Vec<usize> {
    let foot = &table[table.find("<tfoot>").expect("a total row")..];
    foot.split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn a_data_administration_sees_its_regions_statistics_and_a_provider_none() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_demo(dir.path());
    let token = mulu(
        dir.path(),
        &[
            "token",
            "create",
            "--user",
            "shenhe",
            "--role",
            "data_admin",
            "--name",
            "t",
        ],
    );
    let in_region = entries_in_region(&server, &token).await;
    assert!(in_region > 0, "the demo region has entries");

    let admin = browser_client();
    let r = sign_in(&admin, &server, "shenhe", DEMO_PASSWORD).await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let r = admin.get(server.url("/workbench")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert_eq!(html.matches("<h1").count(), 1, "{html}");

    for group in [
        "stats-status",
        "stats-grade",
        "stats-domain",
        "stats-provider",
        "stats-month",
    ] {
        assert!(html.contains(&format!("<h2 id=\"{group}-h\"")), "{group}");
        let svg = element(&html, "svg", &format!("{group}-chart"));
        assert!(svg.contains("role=\"img\""), "{svg}");
        assert!(
            svg.contains(&format!("aria-labelledby=\"{group}-chart-title\"")),
            "{svg}"
        );
        assert!(
            svg.contains(&format!("<title id=\"{group}-chart-title\">")),
            "{svg}"
        );
        assert!(svg.contains("class=\"bar\""), "{svg}");
        let table = element(&html, "table", &format!("{group}-table"));
        assert!(table.contains("<caption>"), "{table}");
        assert!(table.contains("scope=\"col\""), "{table}");
        assert!(table.contains("scope=\"row\""), "{table}");
    }

    // The by-state table adds up to every entry in the region; so do grades and domains.
    let states = element(&html, "table", "stats-status-table");
    assert_eq!(total_of(states), [in_region], "{states}");
    for group in ["stats-grade", "stats-domain"] {
        let table = element(&html, "table", &format!("{group}-table"));
        assert_eq!(total_of(table), [in_region], "{table}");
    }
    assert!(html.contains(&format!("共 {in_region} 条")), "{html}");
    // Every entry was created in some month shown (the demo loads them all at once).
    let months = element(&html, "table", "stats-month-table");
    assert_eq!(total_of(months)[0], in_region, "{months}");
    // The providers are named, never shown as ids.
    let providers = element(&html, "table", "stats-provider-table");
    assert!(providers.contains("<th scope=\"row\">"), "{providers}");
    // Nothing from outside, no script in the charts.
    assert!(!element(&html, "svg", "stats-status-chart").contains("<script"));
    assert!(!html.contains("<img src=\"http"));

    // A provider's home page has no statistics.
    let clerk = browser_client();
    let r = sign_in(&clerk, &server, "tianbao", DEMO_PASSWORD).await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let html = clerk
        .get(server.url("/workbench"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<h1>待办</h1>"), "{html}");
    assert!(!html.contains("stats-"), "{html}");
    assert!(!html.contains("<svg"), "{html}");
}
