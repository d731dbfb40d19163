//! The committed `openapi/openapi.json` is exactly what the code generates. When this fails,
//! regenerate it: `cargo run -p api --bin mulu -- openapi > openapi/openapi.json`.

#[test]
fn committed_document_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).expect("openapi/openapi.json is committed");
    let generated = api::routes::document_json();
    if committed != generated {
        let first_difference = committed
            .lines()
            .zip(generated.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(n, (a, b))| format!("line {}: committed `{a}`, generated `{b}`", n + 1))
            .unwrap_or_else(|| "the documents differ in length".into());
        panic!(
            "openapi/openapi.json is stale ({first_difference}); regenerate with \
             `cargo run -p api --bin mulu -- openapi > openapi/openapi.json`"
        );
    }
}

#[test]
fn every_operation_documents_its_problems_and_writes_their_security() {
    let doc: serde_json::Value = serde_json::from_str(&api::routes::document_json()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 40, "only {} paths documented", paths.len());
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            if path != "/healthz" {
                for code in ["400", "401", "403", "404", "409", "422", "429"] {
                    assert!(
                        responses.contains_key(code),
                        "{method} {path} does not document {code}"
                    );
                }
            }
            // Every write needs a token except the public's: objections, developer self-registration.
            let public_write =
                path.ends_with("/objections") || path == "/api/v1/developers/applications";
            if method != "get" && !public_write {
                assert!(
                    op.get("security").is_some(),
                    "{method} {path} does not declare bearer security"
                );
            }
        }
    }
}

/// OpenAPI requires unique operationIds and a description on every response; client generators
/// (openapi-python-client in `.ci/run`) refuse documents without them.
#[test]
fn operation_ids_are_unique_and_responses_described() {
    let doc: serde_json::Value = serde_json::from_str(&api::routes::document_json()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path}: no operationId"));
            if let Some(other) = seen.insert(id.to_string(), format!("{method} {path}")) {
                panic!("operationId `{id}` is used by {other} and {method} {path}");
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                assert!(
                    response["description"]
                        .as_str()
                        .is_some_and(|d| !d.is_empty()),
                    "{method} {path} {status}: no description"
                );
            }
        }
    }
}

/// Every `$ref` names a schema the document defines: a dangling one (a parameter's enum that
/// utoipa did not collect) makes validators refuse the document and generators drop operations.
#[test]
fn every_reference_resolves() {
    fn walk(value: &serde_json::Value, doc: &serde_json::Value, at: &str) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(target) = map.get("$ref").and_then(|r| r.as_str()) {
                    let pointer = target.trim_start_matches('#');
                    assert!(
                        doc.pointer(pointer).is_some(),
                        "{at}: `$ref` {target} does not exist"
                    );
                }
                for (key, child) in map {
                    walk(child, doc, &format!("{at}/{key}"));
                }
            }
            serde_json::Value::Array(items) => {
                for (n, child) in items.iter().enumerate() {
                    walk(child, doc, &format!("{at}/{n}"));
                }
            }
            _ => {}
        }
    }
    let doc: serde_json::Value = serde_json::from_str(&api::routes::document_json()).unwrap();
    walk(&doc, &doc, "");
}

/// Names a client generator turns into classes and functions say what they are: no operation
/// called `list`, `step` or `object`, no parameter enum named after its operation.
#[test]
fn operation_ids_say_what_they_do() {
    let doc: serde_json::Value = serde_json::from_str(&api::routes::document_json()).unwrap();
    let vague = [
        "list", "create", "current", "update", "step", "object", "get_one", "draft", "publish",
        "revise", "own", "decide", "reject", "events", "export", "verify", "feed", "file",
        "report", "download", "upload", "select", "sign", "cancel", "refuse", "revoke", "submit",
    ];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            assert!(
                !vague.contains(&id),
                "{method} {path}: operationId `{id}` is vague"
            );
            for param in op["parameters"].as_array().into_iter().flatten() {
                assert!(
                    param["schema"].get("enum").is_none(),
                    "{method} {path}: parameter `{}` has an inline enum (generators name it \
                     after the operation); give it a named schema",
                    param["name"]
                );
            }
        }
    }
}
