//! Every documented operation × every caller, generated from the committed OpenAPI document:
//! the roles an operation admits are its `bearer` scopes. A caller outside them gets 403 (401
//! without a token); a caller inside them is never refused for its role; nobody ever gets a 5xx.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::server::{Server, mulu};

/// The organization kinds; every one is also a role.
const KINDS: [&str; 7] = [
    "provider",
    "data_admin",
    "registrar",
    "operator",
    "developer",
    "exchange",
    "auditor",
];
/// Every role a person can hold: the kinds and the three separated duties.
const ROLES: [&str; 10] = [
    "provider",
    "data_admin",
    "registrar",
    "operator",
    "developer",
    "exchange",
    "auditor",
    "system_admin",
    "security_admin",
    "audit_admin",
];

/// A concrete URL for a templated path: unknown ids, the first value of enum parameters.
fn concrete(path: &str, op: &Value) -> String {
    let mut url = path.to_string();
    for p in op["parameters"].as_array().into_iter().flatten() {
        if p["in"] != "path" {
            continue;
        }
        let name = p["name"].as_str().unwrap();
        let value = if let Some(first) = p["schema"]["enum"].get(0) {
            first.as_str().unwrap().to_string()
        } else {
            match name {
                "number" => "1".to_string(),
                "code" => "DJ-2026-510500-0000001-7".to_string(),
                _ => "01a2057f-57a0-7790-9ed4-c2498fb87046".to_string(),
            }
        };
        url = url.replace(&format!("{{{name}}}"), &value);
    }
    url
}

fn required_query(op: &Value) -> bool {
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|p| p["in"] == "query" && p["required"] == true)
}

#[tokio::test]
async fn every_operation_admits_exactly_its_documented_roles() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut create = vec![
        "org",
        "create",
        "--uscc",
        "11510000000000001L",
        "--name",
        "全角色测试机构",
        "--region",
        "510000",
    ];
    for kind in KINDS {
        create.extend(["--kind", kind]);
    }
    mulu(d, &create);
    let tokens: Vec<(&str, String)> = ROLES
        .iter()
        .map(|role| {
            let out = mulu(
                d,
                &[
                    "token",
                    "create",
                    "--org",
                    "11510000000000001L",
                    "--role",
                    role,
                    "--name",
                    "matrix",
                ],
            );
            let secret = out
                .split_whitespace()
                .find(|w| w.starts_with("mulu_"))
                .unwrap_or_else(|| panic!("no token in {out}"))
                .to_string();
            (*role, secret)
        })
        .collect();
    let server = Server::start_empty(d);
    let client = reqwest::Client::new();
    let doc: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/openapi.json"
    )))
    .unwrap();

    let mut checked = 0;
    let mut failures = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let url = server.url(&concrete(path, op));
            let scopes: Option<Vec<&str>> = op["security"].as_array().map(|reqs| {
                reqs.iter()
                    .filter_map(|r| r["bearer"].as_array())
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect()
            });
            let callers = std::iter::once(("anonymous", None))
                .chain(tokens.iter().map(|(r, t)| (*r, Some(t.as_str()))));
            for (caller, token) in callers {
                let method: Method = method.to_uppercase().parse().unwrap();
                let mut request = client.request(method.clone(), &url);
                if let Some(t) = token {
                    request = request.bearer_auth(t);
                }
                if op.get("requestBody").is_some() {
                    request = request.json(&serde_json::json!({}));
                }
                let status = request.send().await.unwrap().status();
                checked += 1;
                let expected = match &scopes {
                    None => "public",
                    Some(_) if token.is_none() => "401",
                    Some(s) if s.contains(&caller) => "admitted",
                    Some(_) => "403",
                };
                let ok = !status.is_server_error()
                    && match expected {
                        "401" => status == StatusCode::UNAUTHORIZED,
                        "403" => status == StatusCode::FORBIDDEN,
                        _ => {
                            status != StatusCode::UNAUTHORIZED
                                && status != StatusCode::FORBIDDEN
                                // Listings without required parameters answer admitted callers.
                                && (method != Method::GET
                                    || path.contains('{')
                                    || required_query(op)
                                    || status.is_success())
                        }
                    };
                if !ok {
                    failures.push(format!(
                        "{method} {path} as {caller}: got {status}, expected {expected}"
                    ));
                }
            }
        }
    }
    assert!(checked >= 40 * 8, "only {checked} combinations checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} combinations wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
