//! The OpenAPI 3.1 document's parts: its header (`ApiDoc`), the problems every operation may
//! answer, binary bodies, parameter schemas, and `finish`, which fills what utoipa leaves out.
//! The routes use these; the document itself is assembled from the routes (`routes::document`),
//! committed as `openapi/openapi.json` and served at `/api/v1/openapi.json`.

use std::collections::BTreeMap;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

use crate::error::Problem;

/// Name of the bearer-token security scheme operations refer to.
pub const BEARER: &str = "bearer";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mulu 目录 API",
        description = "公共数据资源授权运营目录与登记服务。错误一律以 RFC 9457 problem+json 返回，\
                       `type` 稳定，`field` 指出出错字段，`rule` 指出违反的授权运营规则编号。",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(schemas(Problem)),
    modifiers(&BearerScheme),
    tags(
        (name = "public", description = "公开信息：已发布目录、负面清单、公示、已登记产品"),
        (name = "workspace", description = "数源单位编目与数据管理部门审核"),
        (name = "admin", description = "数据管理部门：机构、负面清单、运营目录、授权、产品合规审查"),
        (name = "people", description = "人员账号与访问令牌：本人信息与令牌；安全管理员开设账号、授予角色、解锁、停用、重置密码"),
        (name = "registration", description = "登记：申请、补正、受理、审查、公示、异议、赋码、续展、注销、撤销"),
        (name = "audit", description = "监管接口：审计记录与哈希链校验"),
        (name = "search", description = "中文全文检索：分面、高亮、游标分页、拼音与联想"),
        (name = "system", description = "健康检查与接口文档"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("mulu_…")
                    .description(Some(
                        "`mulu token create` 或 /api/v1/tokens（本人）签发的访问令牌",
                    ))
                    .build(),
            ),
        );
    }
}

/// The problem+json answers any operation may give; listed on every operation so clients and
/// schema checkers know their shape.
pub struct Problems;

impl IntoResponses for Problems {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        [
            ("400", "请求无效（字段路径见 field）"),
            ("401", "未认证或令牌无效"),
            ("403", "无权操作"),
            ("404", "未找到"),
            ("409", "冲突：版本已变化（If-Match）或当前状态不允许该操作"),
            ("413", "请求体过大"),
            ("415", "不支持的内容类型"),
            (
                "422",
                "字段值无效或违反授权运营规则（rule 字段给出规则编号）",
            ),
            ("429", "请求过于频繁"),
        ]
        .into_iter()
        .map(|(status, description)| {
            let response = ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
    }
}

/// Fill what OpenAPI 3.1 requires but the annotations leave out, and say what the server
/// accepts where utoipa's output is looser than the server (see [`tighten`]).
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> serde_json::Value {
    // Every response needs a `description` (generators such as openapi-python-client reject the
    // document otherwise).
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, response) in operation.responses.responses.iter_mut() {
                if let RefOr::T(response) = response
                    && response.description.is_empty()
                {
                    response.description = success_description(status).to_string();
                }
            }
        }
    }
    let mut value = serde_json::to_value(&doc).expect("an OpenAPI document always serializes");
    tighten(&mut value);
    value
}

/// What the server refuses, the document must not allow (a client generated from it, or a
/// fuzzer, would otherwise send it in good faith):
/// - a parameter is text in a URL or a header: it is absent or a string, never JSON `null`
///   (utoipa writes `Option<T>` as `[T, null]`, and `If-Match: null` was sent and refused);
/// - `format` is only an annotation in JSON Schema 2020-12, so dates, times and UUIDs also get
///   the pattern the server parses (an empty string is not an absent optional date);
/// - a required text of a request body is never blank (the catalog's `require_text`): it gets
///   `minLength: 1` unless a pattern, enum or format already says more.
fn tighten(value: &mut serde_json::Value) {
    use serde_json::Value;
    if let Some(paths) = value.get_mut("paths").and_then(Value::as_object_mut) {
        let parameters = paths
            .values_mut()
            .filter_map(Value::as_object_mut)
            .flat_map(|item| item.values_mut())
            .filter_map(|operation| operation.get_mut("parameters"))
            .filter_map(Value::as_array_mut)
            .flatten();
        for parameter in parameters {
            if let Some(Value::Array(types)) = parameter.pointer_mut("/schema/type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    *parameter.pointer_mut("/schema/type").expect("just read") = only;
                }
            }
        }
    }
    patterns_for_formats(value);
    required_text_is_not_empty(value);
}

fn required_text_is_not_empty(document: &mut serde_json::Value) {
    use serde_json::Value;
    fn references(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                {
                    out.push(name.to_owned());
                }
                map.values().for_each(|v| references(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, out)),
            _ => {}
        }
    }
    let mut pending = Vec::new();
    if let Some(paths) = document.get("paths") {
        let bodies = paths
            .as_object()
            .into_iter()
            .flat_map(|p| p.values())
            .filter_map(Value::as_object)
            .flat_map(|item| item.values())
            .filter_map(|operation| operation.get("requestBody"));
        for body in bodies {
            references(body, &mut pending);
        }
    }
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(schema) = schemas.get_mut(&name) else {
            continue;
        };
        references(schema, &mut pending);
        let required: Vec<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect();
        for field in required {
            let Some(property) = schema
                .pointer_mut(&format!("/properties/{field}"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let plain_text = property.get("type") == Some(&Value::from("string"))
                && !["minLength", "pattern", "enum", "format", "const"]
                    .iter()
                    .any(|k| property.contains_key(*k));
            if plain_text {
                property.insert("minLength".into(), 1.into());
            }
        }
    }
}

fn patterns_for_formats(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(schema) => {
            let pattern = match schema.get("format").and_then(Value::as_str) {
                Some("date") => Some(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                Some("date-time") => Some(
                    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$",
                ),
                Some("uuid") => Some(
                    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
                ),
                _ => None,
            };
            if let Some(pattern) = pattern
                && !schema.contains_key("pattern")
            {
                schema.insert("pattern".into(), pattern.into());
            }
            schema.values_mut().for_each(patterns_for_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(patterns_for_formats),
        _ => {}
    }
}

fn success_description(status: &str) -> &'static str {
    match status {
        "201" => "已创建",
        "202" => "已接受",
        "204" => "已完成，无内容",
        _ => "成功",
    }
}

/// A file in a request or response body (an xlsx workbook, a product's sample): bytes, not JSON.
/// Declared as `type: string, format: binary` so that generators give callers bytes or a file;
/// `Vec<u8>` would document an array of integers.
pub struct Binary;

impl utoipa::PartialSchema for Binary {
    fn schema() -> RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for Binary {}

/// Registers a schema that only a parameter refers to: utoipa collects the schemas of bodies
/// and responses but not of parameters, and a `$ref` to a missing schema makes the document
/// invalid (openapi-spec-validator refuses it; generators drop the operation).
pub trait ParameterSchemas {
    fn parameter_schema<T: utoipa::ToSchema>(self) -> Self;
}

impl<S> ParameterSchemas for utoipa_axum::router::OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn parameter_schema<T: utoipa::ToSchema>(mut self) -> Self {
        self.get_openapi_mut()
            .components
            .get_or_insert_with(Default::default)
            .schemas
            .insert(T::name().into_owned(), T::schema());
        self
    }
}
