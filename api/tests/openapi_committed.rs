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
