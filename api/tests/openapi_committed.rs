//! The committed `openapi/openapi.json` is exactly what the code generates. When this fails,
//! regenerate it: `cargo run -p api --bin mulu -- openapi > openapi/openapi.json`.

#[test]
fn committed_document_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).expect("openapi/openapi.json is committed");
    let generated = api::openapi::document_json();
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
    let doc: serde_json::Value = serde_json::from_str(&api::openapi::document_json()).unwrap();
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
    let doc: serde_json::Value = serde_json::from_str(&api::openapi::document_json()).unwrap();
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
