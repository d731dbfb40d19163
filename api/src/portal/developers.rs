//! 开放接口说明: a Chinese page in front of the API's reference (the Swagger UI at `/docs` reads
//! the OpenAPI document, whose summaries are English): how to call it, what needs a token, the
//! public operations by area, and the interoperable exports.

use maud::{Markup, html};

use super::layout::page;

/// One operation: method, path (with an example query where it helps), what it answers.
type Operation = (&'static str, &'static str, &'static str);

/// The public operations, by area.
const AREAS: [(&str, &[Operation]); 6] = [
    (
        "检索",
        &[
            (
                "GET",
                "/api/v1/search?q=不动产",
                "检索全部已公开的条目：中文、拼音、首字母、繁体、代码均可；facets=true 返回分面计数，places 为查询中的地名",
            ),
            (
                "GET",
                "/api/v1/search/resource?q=公交",
                "只检索一类条目（resource、product、registration 等）",
            ),
            ("GET", "/api/v1/search/suggest?q=bdc", "输入提示：补全标题"),
        ],
    ),
    (
        "数据资源与目录",
        &[
            (
                "GET",
                "/api/v1/resources",
                "已发布的数据资源（各资源的现行版本），按游标分页",
            ),
            ("GET", "/api/v1/resources/{id}", "一个数据资源"),
            (
                "GET",
                "/api/v1/directory/editions",
                "授权运营目录的各个版本",
            ),
            (
                "GET",
                "/api/v1/directory/editions/{number}",
                "一个版本的全部条目",
            ),
            (
                "GET",
                "/api/v1/directory/diff?from=1&to=2",
                "两个版本之间新增、删除和变更的条目",
            ),
            ("GET", "/api/v1/negative-list", "负面清单（不含保密条目）"),
        ],
    ),
    (
        "登记与产品",
        &[
            (
                "GET",
                "/api/v1/verify/{code}",
                "核验登记结果查询码：今日是否有效",
            ),
            ("GET", "/api/v1/publicity", "公示中的登记"),
            ("GET", "/api/v1/registrations/{id}", "一项登记的公开信息"),
            (
                "POST",
                "/api/v1/registrations/{id}/objections",
                "公示期内实名提出异议（附证据）",
            ),
            ("GET", "/api/v1/products", "已登记的数据产品及其登记结果"),
            (
                "GET",
                "/api/v1/products/{id}/listings",
                "数据产品在各交易场所的挂牌",
            ),
        ],
    ),
    (
        "授权运营与披露",
        &[
            (
                "GET",
                "/api/v1/authorizations",
                "已公开的授权运营信息（对象、内容、范围、时限）",
            ),
            (
                "POST",
                "/api/v1/authorizations/{id}/objections",
                "运营机构遴选公示期内提出异议",
            ),
            ("GET", "/api/v1/developers", "公示中或已准入的开发利用机构"),
            ("GET", "/api/v1/disclosures", "已发布的年度信息披露"),
            ("GET", "/api/v1/organizations", "在册机构"),
        ],
    ),
    (
        "数据交换格式",
        &[
            (
                "GET",
                "/catalog.ttl",
                "DCAT-AP 3 目录（Turtle；/catalog.jsonld 为 JSON-LD），分页",
            ),
            (
                "GET",
                "/api/3/action/package_search?q=交通",
                "CKAN 动作接口（只读），可用 ckanapi 等工具读取",
            ),
            (
                "GET",
                "/feeds/publicity.atom",
                "公示公告订阅（另有 editions.atom、registrations.atom）",
            ),
        ],
    ),
    (
        "模板",
        &[(
            "GET",
            "/api/v1/import-templates/directory.xlsx",
            "资源目录导入模板（Excel；.csv 为 CSV 版）",
        )],
    ),
];

pub async fn developers() -> Markup {
    page(
        "开放接口",
        html! {
            h1 { "开放接口" }
            p { "本站的公开信息均可通过接口读取，格式为 JSON（错误为 RFC 9457 problem+json，含出错字段和中文说明）。接口以 OpenAPI 3.1 描述："
                a href="/api/v1/openapi.json" { "接口文档（JSON）" } "，"
                a href="/docs/" { "交互式接口文档（Swagger UI，英文界面）" } "。" }
            h2 { "调用方式" }
            ul {
                li { "读取公开信息无需令牌；匿名调用按来源地址限速（超出时返回 429 及 Retry-After）。" }
                li { "写入与工作台数据需要令牌：登录工作台后在“我的令牌”中签发，请求时携带 "
                    code { "Authorization: Bearer mulu_…" } "。令牌属于个人，以其一个角色办理。" }
                li { "列表按游标分页：响应的 " code { "Link: <…>; rel=\"next\"" } " 指向下一页。" }
                li { "时间为 RFC 3339（UTC）；日期为 YYYY-MM-DD；期限按工作日计算（依本地法定节假日）。" }
            }
            @for (area, operations) in AREAS {
                h2 { (area) }
                div.scroll { table {
                    thead { tr { th scope="col" { "方法" } th scope="col" { "地址" } th scope="col" { "说明" } } }
                    tbody {
                        @for (method, path, what) in operations.iter() {
                            tr { td { code { (method) } } td { code { (path) } } td { (what) } }
                        }
                    }
                } }
            }
            p.muted { "工作台各角色的接口（填报、审核、登记办理、授权运营、交易所上报等）见接口文档中的相应分组。" }
        },
    )
}
