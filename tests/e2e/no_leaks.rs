//! No endpoint reveals another organization's unpublished entries. For random data (seeded:
//! several providers, each with drafts, submitted, returned and published entries carrying unique
//! marker words) every documented GET operation is called by every kind of caller, with every
//! entry's id in its path; a marker may appear only where its owner or an overseer reads it, or once
//! published.

use std::collections::{BTreeMap, BTreeSet};

use catalog::domain::uscc::Uscc;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::server::{Api, Server, mulu};

/// A tiny deterministic generator (no extra dependency): xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn uscc(n: u32) -> String {
    let first17 = format!("1151050000000{n:04}");
    let check = Uscc::compute_check_char(&first17).unwrap();
    format!("{first17}{check}")
}

struct Party {
    role: &'static str,
    org_id: String,
    token: String,
}

#[derive(Debug, Clone)]
struct Entry {
    id: String,
    owner: String,
    marker: String,
    published: bool,
}

fn content(marker: &str) -> Value {
    json!({
        "name": format!("{marker}资源"),
        "summary": format!("{marker} 的摘要"),
        "grade": {"level": "一般数据"},
        "share_type": "无条件共享",
        "open_type": "无条件开放",
        "update_frequency": "每月",
        "tags": [marker],
    })
}

/// GET operations of the committed document whose path parameters we can fill.
fn get_paths() -> Vec<String> {
    let doc: Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json")).expect("openapi.json");
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, item)| item.get("get").is_some())
        .map(|(path, _)| path.clone())
        .filter(|p| {
            let params: Vec<&str> = p.split('/').filter(|s| s.starts_with('{')).collect();
            params.iter().all(|s| *s == "{id}" || *s == "{kind}")
        })
        .collect()
}

#[tokio::test]
async fn no_endpoint_shows_another_organizations_unpublished_entries() {
    for seed in [7u64, 1_000_003] {
        check_seed(seed).await;
    }
}

async fn check_seed(seed: u64) {
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let roles = [
        ("data_admin", "data_admin"),
        ("provider", "provider"),
        ("provider", "provider"),
        ("provider", "provider"),
        ("operator", "operator"),
        ("exchange", "exchange"),
        ("registrar", "registrar"),
        ("developer", "developer"),
    ];
    let mut parties = Vec::new();
    for (i, (kind, role)) in roles.iter().enumerate() {
        let code = uscc(i as u32 + 1);
        let org_id = mulu(
            d,
            &[
                "org",
                "create",
                "--uscc",
                &code,
                "--name",
                &format!("测试机构{i}"),
                "--region",
                "510500",
                "--kind",
                kind,
            ],
        );
        let token = mulu(
            d,
            &[
                "token", "create", "--org", &code, "--role", role, "--name", "t",
            ],
        );
        parties.push(Party {
            role,
            org_id,
            token,
        });
    }
    let api = Api {
        http: Client::new(),
        server: Server::start(&[
            "--data-dir",
            d.to_str().unwrap(),
            "--public-rate",
            "100000",
            "--public-burst",
            "100000",
        ]),
    };
    let admin = &parties[0].token;
    let ws = "/api/v1/workspace/resources";

    // Random entries in random states.
    let mut entries = Vec::new();
    for p in parties.iter().filter(|p| p.role == "provider") {
        for _ in 0..(2 + rng.below(3)) {
            let marker = format!("泄露检查{:012x}", rng.next() & 0xffff_ffff_ffff);
            let (s, created, _) = api
                .call(
                    Method::POST,
                    ws,
                    Some(&p.token),
                    Some(json!({"content": content(&marker)})),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{created}");
            let id = created["id"].as_str().unwrap().to_owned();
            let steps: &[(&str, &str)] = match rng.below(4) {
                0 => &[],
                1 => &[("submit", "p")],
                2 => &[("submit", "p"), ("return", "a")],
                _ => &[("submit", "p"), ("approve", "a"), ("publish", "a")],
            };
            for (step, who) in steps {
                let token = if *who == "p" { &p.token } else { admin };
                let body = (*step == "return").then(|| json!({"reasons": ["请补充字段说明"]}));
                let (s, r, _) = api
                    .call(
                        Method::POST,
                        &format!("{ws}/{id}/{step}"),
                        Some(token),
                        body,
                    )
                    .await;
                assert_eq!(s, StatusCode::OK, "{step}: {r}");
            }
            entries.push(Entry {
                id,
                owner: p.org_id.clone(),
                marker,
                published: steps.len() == 3,
            });
        }
    }
    // The index has caught up before anything is read.
    api.server.search_current().await;

    let paths = get_paths();
    assert!(paths.len() >= 20, "too few GET operations: {paths:?}");
    let mut urls: BTreeSet<String> = BTreeSet::new();
    for path in &paths {
        if path.contains("{id}") {
            for e in &entries {
                urls.insert(path.replace("{id}", &e.id).replace("{kind}", "resource"));
            }
        } else {
            urls.insert(path.replace("{kind}", "resource"));
        }
    }
    for e in &entries {
        urls.insert(format!("/api/v1/search?q={}", e.marker));
        urls.insert(format!("/api/v1/search/suggest?q={}", e.marker));
    }

    let mut viewers: Vec<(String, Option<&str>, Option<&str>)> =
        vec![("anonymous".into(), None, None)];
    for p in parties.iter().filter(|p| p.role != "data_admin") {
        viewers.push((p.role.to_owned(), Some(&p.token), Some(&p.org_id)));
    }
    let mut checked = BTreeMap::<&str, usize>::new();
    let mut seen_by_owner = BTreeSet::new();
    for url in &urls {
        let sep = if url.contains('?') { '&' } else { '?' };
        let url = format!("{url}{sep}limit=100");
        for (who, token, org) in &viewers {
            let (status, body, _) = api.call(Method::GET, &url, *token, None).await;
            assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "{who} {url}");
            if !status.is_success() {
                continue;
            }
            let text = body.to_string();
            for e in &entries {
                if *org == Some(e.owner.as_str()) && text.contains(&e.marker) {
                    seen_by_owner.insert(e.marker.clone());
                }
                let allowed = e.published || *org == Some(e.owner.as_str());
                assert!(
                    allowed || !text.contains(&e.marker),
                    "seed {seed}: {who} sees {}'s unpublished {} at {url}",
                    e.owner,
                    e.marker
                );
            }
            *checked.entry("responses").or_default() += 1;
        }
    }
    // The check can see a marker: every owner found each of its own entries somewhere.
    assert_eq!(
        seen_by_owner.len(),
        entries.len(),
        "the markers are not detectable"
    );
    println!(
        "seed {seed}: {} entries, {} GET operations, {} URLs × {} callers, {} successful responses checked",
        entries.len(),
        paths.len(),
        urls.len(),
        viewers.len(),
        checked["responses"]
    );
}
