//! Statistics on a data administration's home page: charts drawn on the server as SVG, each with
//! the table of its numbers (for screen readers and export). Nothing is loaded from outside and
//! no script runs: every chart is a horizontal bar chart in inline SVG.
//!
//! The counting functions are pure (entries in, `(label, counts)` rows out); the one renderer
//! draws any of them.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use catalog::SignedIn;
use catalog::domain::GradeLevel;
use catalog::domain::industry::GBT4754_SECTIONS;
use catalog::domain::resource::{Resource, ResourceStatus};
use chrono::{DateTime, Datelike, FixedOffset, Utc};
use maud::{Markup, html};
use uuid::Uuid;

use crate::state::AppState;

/// Entries read for the statistics, at most (the first ones by id, i.e. the oldest created).
const LIMIT: usize = 10_000;
/// Providers shown by name.
const TOP_PROVIDERS: usize = 10;
/// Months shown in the chart over time, ending with the latest month that has data.
const MONTHS: usize = 12;

/// One row of a chart: its label and one count per series.
pub(crate) type Row = (String, Vec<usize>);

/// Every state, in the lifecycle's order, zeros included.
const STATUSES: [ResourceStatus; 6] = [
    ResourceStatus::Draft,
    ResourceStatus::Submitted,
    ResourceStatus::Returned,
    ResourceStatus::Approved,
    ResourceStatus::Published,
    ResourceStatus::Withdrawn,
];

pub(super) fn single(rows: Vec<(String, usize)>) -> Vec<Row> {
    rows.into_iter().map(|(l, n)| (l, vec![n])).collect()
}

/// Entries by their current state.
pub fn by_status(entries: &[Resource]) -> Vec<(String, usize)> {
    STATUSES
        .iter()
        .map(|s| {
            let n = entries.iter().filter(|r| r.status == *s).count();
            (s.label().to_string(), n)
        })
        .collect()
}

/// Entries by grade (数据级别), most severe first; only the grades that occur.
pub fn by_grade(entries: &[Resource]) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<(Reverse<GradeLevel>, Option<u8>), (String, usize)> = BTreeMap::new();
    for r in entries {
        let g = r.content.grade;
        counts
            .entry((Reverse(g.level), g.sub_level))
            .or_insert_with(|| (g.to_string(), 0))
            .1 += 1;
    }
    counts.into_values().collect()
}

/// Entries by GB/T 4754-2017 section, in the standard's order; only the sections that occur,
/// then the entries without one.
pub fn by_domain(entries: &[Resource]) -> Vec<(String, usize)> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut none = 0;
    for r in entries {
        match r.content.domain.as_deref() {
            Some(d) => *counts.entry(d).or_default() += 1,
            None => none += 1,
        }
    }
    let mut rows: Vec<(String, usize)> = GBT4754_SECTIONS
        .iter()
        .filter_map(|(code, name)| counts.get(code).map(|n| (format!("{code} {name}"), *n)))
        .collect();
    if none > 0 {
        rows.push(("未填写行业分类".to_string(), none));
    }
    rows
}

/// The `n` providers with the most entries (most first, ties by id), and how many providers
/// there are in all.
pub fn top_providers(entries: &[Resource], n: usize) -> (Vec<(Uuid, usize)>, usize) {
    let mut counts: HashMap<Uuid, usize> = HashMap::new();
    for r in entries {
        *counts.entry(r.provider_id).or_default() += 1;
    }
    let all = counts.len();
    let mut rows: Vec<(Uuid, usize)> = counts.into_iter().collect();
    rows.sort_by_key(|(id, n)| (Reverse(*n), *id));
    rows.truncate(n);
    (rows, all)
}

/// The series of the chart over time; each entry counts once, in its current state.
pub const MONTH_SERIES: [&str; 3] = [
    "新建（按创建月份）",
    "当前待审核（按提交月份）",
    "当前被退回（按退回月份）",
];

/// (year, month) in Beijing time.
fn month_of(t: &DateTime<Utc>) -> (i32, u32) {
    let t = t.with_timezone(&FixedOffset::east_opt(8 * 3600).expect("UTC+8 is valid"));
    (t.year(), t.month())
}

fn previous((y, m): (i32, u32)) -> (i32, u32) {
    if m == 1 { (y - 1, 12) } else { (y, m - 1) }
}

/// Per month (Beijing time), at most `months` consecutive months ending with the latest month
/// that has data: entries created, entries now waiting for review by the month they were
/// submitted, entries now returned by the month they were returned. A submitted or returned
/// entry's last change is its submission or return, so `updated_at` is that moment; entries that
/// moved on (approved, edited again) no longer count as submitted or returned.
pub fn by_month(entries: &[Resource], months: usize) -> Vec<Row> {
    let mut counts: BTreeMap<(i32, u32), Vec<usize>> = BTreeMap::new();
    for r in entries {
        counts
            .entry(month_of(&r.created_at))
            .or_insert_with(|| vec![0; 3])[0] += 1;
        let series = match r.status {
            ResourceStatus::Submitted => Some(1),
            ResourceStatus::Returned => Some(2),
            _ => None,
        };
        if let Some(i) = series {
            counts
                .entry(month_of(&r.updated_at))
                .or_insert_with(|| vec![0; 3])[i] += 1;
        }
    }
    month_rows(&counts, 3, months)
}

/// At most `months` consecutive months ending with the latest that has data, each with its
/// `series` counts (zeros for months without data).
pub(crate) fn month_rows(
    counts: &BTreeMap<(i32, u32), Vec<usize>>,
    series: usize,
    months: usize,
) -> Vec<Row> {
    let (Some(first), Some(last)) = (
        counts.keys().next().copied(),
        counts.keys().next_back().copied(),
    ) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    let mut month = last;
    while rows.len() < months {
        let n = counts
            .get(&month)
            .cloned()
            .unwrap_or_else(|| vec![0; series]);
        rows.push((format!("{}年{:02}月", month.0, month.1), n));
        if month == first {
            break;
        }
        month = previous(month);
    }
    rows.reverse();
    rows
}

/// Width of the drawing, in SVG units (scaled to the page by `viewBox`).
const WIDTH: f64 = 360.0;
/// The longest bar; room is left after it for the number.
const BAR_MAX: f64 = WIDTH - 50.0;
const LABEL_LINE: f64 = 20.0;
const BAR_HEIGHT: f64 = 14.0;
const BAR_GAP: f64 = 3.0;
const ROW_GAP: f64 = 10.0;
const LEGEND_LINE: f64 = 20.0;
/// Text (≥ 4.5:1 on white).
const INK: &str = "#1d2733";
/// One colour per series, each ≥ 4.5:1 on white.
const COLOURS: [&str; 3] = ["#0b57a4", "#b3261e", "#2f7d32"];
/// Characters of a label drawn in the chart (the table and the bar's title keep all of it).
const LABEL_CHARS: usize = 24;

/// Each value's bar length: proportional to the largest value, which gets `max_width`.
pub fn bar_widths(values: &[usize], max_width: f64) -> Vec<f64> {
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| {
            if max == 0 {
                0.0
            } else {
                v as f64 * max_width / max as f64
            }
        })
        .collect()
}

fn short(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(LABEL_CHARS - 1).collect();
        s.push('…');
        s
    }
}

fn num(x: f64) -> String {
    format!("{x:.1}")
}

/// A horizontal bar chart: each row's label on its own line, then one bar per series with its
/// number. `id` must be unique on the page (it names the title for `aria-labelledby`).
pub fn bar_chart(id: &str, title: &str, series: &[&str], rows: &[Row]) -> Markup {
    let all: Vec<usize> = rows.iter().flat_map(|(_, v)| v.iter().copied()).collect();
    let widths = bar_widths(&all, BAR_MAX);
    let legend = if series.len() > 1 {
        series.len() as f64 * LEGEND_LINE + 6.0
    } else {
        0.0
    };
    let row_height = LABEL_LINE + series.len() as f64 * (BAR_HEIGHT + BAR_GAP) + ROW_GAP;
    let height = legend + rows.len() as f64 * row_height + 4.0;
    let title_id = format!("{id}-title");
    html! {
        svg.chart id=(id) role="img" aria-labelledby=(title_id)
            viewBox={ "0 0 " (num(WIDTH)) " " (num(height)) } width="100%"
            font-size="14" {
            title id=(title_id) { (title) "，数字见下表" }
            @if series.len() > 1 {
                @for (i, name) in series.iter().enumerate() {
                    @let y = i as f64 * LEGEND_LINE;
                    rect x="2" y=(num(y + 4.0)) width="12" height="12" fill=(COLOURS[i % COLOURS.len()]) {}
                    text x="20" y=(num(y + 15.0)) fill=(INK) { (name) }
                }
            }
            @for (r, (label, values)) in rows.iter().enumerate() {
                @let top = legend + r as f64 * row_height;
                g {
                    title { (label) "：" (values.iter().map(ToString::to_string).collect::<Vec<_>>().join(" / ")) }
                    text x="2" y=(num(top + 15.0)) fill=(INK) { (short(label)) }
                    @for (i, value) in values.iter().enumerate() {
                        @let w = widths[r * series.len() + i];
                        @let y = top + LABEL_LINE + i as f64 * (BAR_HEIGHT + BAR_GAP);
                        rect.bar x="2" y=(num(y)) width=(num(w)) height=(num(BAR_HEIGHT))
                            fill=(COLOURS[i % COLOURS.len()]) {}
                        text x=(num(w + 8.0)) y=(num(y + BAR_HEIGHT - 2.0)) font-size="13" fill=(INK) { (value) }
                    }
                }
            }
        }
    }
}

/// The chart's numbers as a table; with `total`, a 合计 row.
pub fn table(
    id: &str,
    caption: &str,
    head: &str,
    series: &[&str],
    rows: &[Row],
    total: bool,
) -> Markup {
    html! {
        table id=(id) {
            caption { (caption) }
            thead { tr {
                th scope="col" { (head) }
                @for s in series { th scope="col" { (s) } }
            } }
            tbody {
                @for (label, values) in rows {
                    tr {
                        th scope="row" { (label) }
                        @for v in values { td.num { (v) } }
                    }
                }
            }
            @if total {
                tfoot { tr {
                    th scope="row" { "合计" }
                    @for i in 0..series.len() {
                        td.num { (rows.iter().map(|(_, v)| v[i]).sum::<usize>()) }
                    }
                } }
            }
        }
    }
}

/// One chart group: its heading, a note, the chart and its table.
pub(super) fn group(
    id: &str,
    heading: &str,
    note: Option<Markup>,
    series: &[&str],
    head: &str,
    rows: &[Row],
    total: bool,
) -> Markup {
    html! {
        section.stats aria-labelledby={ (id) "-h" } {
            h2 id={ (id) "-h" } { (heading) }
            @if let Some(note) = note { (note) }
            @if rows.is_empty() {
                p.muted { "暂无数据。" }
            } @else {
                (bar_chart(&format!("{id}-chart"), heading, series, rows))
                (table(&format!("{id}-table"), heading, head, series, rows, total))
            }
        }
    }
}

pub async fn section(state: &AppState, s: &SignedIn) -> Markup {
    let loaded = state
        .catalog
        .resources_as(&s.actor(), None, vec![], None, LIMIT as i64 + 1)
        .await;
    let mut entries: Vec<Resource> = match loaded {
        Ok(v) => v.into_iter().map(|v| v.value).collect(),
        Err(e) => {
            return html! {
                h2 { "本辖区目录统计" }
                p.muted { "统计暂不可用：" (e.to_string()) }
            };
        }
    };
    let capped = entries.len() > LIMIT;
    entries.truncate(LIMIT);

    let (top, providers) = top_providers(&entries, TOP_PROVIDERS);
    let mut provider_rows = Vec::with_capacity(top.len());
    for (id, n) in top {
        let name = state
            .catalog
            .organization(id)
            .await
            .map(|o| o.value.name)
            .unwrap_or_else(|_| id.to_string());
        provider_rows.push((name, vec![n]));
    }

    let one = ["条目数"];
    let scope = html! {
        p.muted.stats-scope {
            "本节及以下各图统计本辖区数源单位的全部目录条目（各状态），共 " (entries.len()) " 条"
            @if capped {
                strong { "；条目超过 " (LIMIT) " 条，仅统计最早创建的 " (LIMIT) " 条，各项数字均偏少" }
            }
            "。"
        }
    };
    html! {
        (group("stats-status", "目录条目按状态", Some(scope), &one, "状态", &single(by_status(&entries)), true))
        (group("stats-grade", "目录条目按数据级别", None, &one, "数据级别", &single(by_grade(&entries)), true))
        (group("stats-domain", "目录条目按行业分类（GB/T 4754-2017 门类）", None, &one, "行业门类", &single(by_domain(&entries)), true))
        (group("stats-provider",
            &format!("条目最多的数源单位（前 {TOP_PROVIDERS} 家）"),
            Some(html! { p.muted { "本辖区共 " (providers) " 家数源单位有目录条目" @if providers > TOP_PROVIDERS { "，此处列出条目最多的 " (TOP_PROVIDERS) " 家" } "。" } }),
            &one, "数源单位", &provider_rows, false))
        (group("stats-month", "按月的新建、提交与退回",
            Some(html! { p.muted {
                "按北京时间月份，最多 " (MONTHS) " 个月。每个条目按其当前状态只计一次："
                "“待审核”为现处于已提交状态的条目，按提交月份；“被退回”为现处于已退回状态的条目，按退回月份；"
                "已审核、已发布或重新编辑的条目不再计入。完整的提交与退回经过见审计记录。"
            } }),
            &MONTH_SERIES, "月份", &by_month(&entries, MONTHS), true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use catalog::domain::resource::ResourceContent;
    use catalog::domain::{Grade, OpenType, RegionCode, ResourceCode, ShareType, UpdateFrequency};
    use chrono::TimeZone;

    fn entry(
        status: ResourceStatus,
        grade: Grade,
        domain: Option<&str>,
        provider: Uuid,
        created: (i32, u32),
        updated: (i32, u32),
    ) -> Resource {
        let at = |(y, m): (i32, u32)| Utc.with_ymd_and_hms(y, m, 10, 0, 0, 0).unwrap();
        Resource {
            id: Uuid::now_v7(),
            code: ResourceCode::new(&RegionCode::parse("510000").unwrap(), 1).unwrap(),
            provider_id: provider,
            version: 1,
            status,
            published_version: None,
            published_at: None,
            content: ResourceContent {
                name: "n".into(),
                summary: "s".into(),
                tags: vec![],
                domain: domain.map(String::from),
                theme: None,
                category_path: vec![],
                grade,
                share_type: ShareType::ALL[0],
                share_condition: None,
                share_method: None,
                open_type: OpenType::ALL[0],
                open_condition: None,
                update_frequency: UpdateFrequency::ALL[0],
                formats: vec![],
                record_count: None,
                storage_size: None,
                coverage_time: None,
                coverage_region: None,
                usage_restrictions: None,
                quality_notes: None,
                release_date: None,
                related_codes: vec![],
                data_items: vec![],
                source_url: None,
            },
            return_reasons: vec![],
            withdrawal_reason: None,
            created_at: at(created),
            updated_at: at(updated),
        }
    }

    fn a() -> Uuid {
        Uuid::from_u128(1)
    }

    fn b() -> Uuid {
        Uuid::from_u128(2)
    }

    fn sample() -> Vec<Resource> {
        use ResourceStatus::*;
        let g3 = Grade::new(GradeLevel::General, Some(3)).unwrap();
        vec![
            entry(Draft, Grade::GENERAL, Some("S"), a(), (2026, 1), (2026, 1)),
            entry(
                Submitted,
                Grade::IMPORTANT,
                Some("S"),
                a(),
                (2025, 11),
                (2026, 2),
            ),
            entry(Submitted, g3, Some("A"), b(), (2026, 2), (2026, 2)),
            entry(Returned, Grade::CORE, None, a(), (2026, 2), (2026, 3)),
            entry(
                Published,
                Grade::GENERAL,
                Some("S"),
                b(),
                (2026, 3),
                (2026, 3),
            ),
        ]
    }

    #[test]
    fn states_in_lifecycle_order_with_zeros() {
        let rows = by_status(&sample());
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[0], ("草稿".to_string(), 1));
        assert_eq!(rows[1], ("已提交".to_string(), 2));
        assert_eq!(rows[2], ("已退回".to_string(), 1));
        assert_eq!(rows[3], ("已审核".to_string(), 0));
        assert_eq!(rows.iter().map(|r| r.1).sum::<usize>(), 5);
    }

    #[test]
    fn grades_most_severe_first() {
        let rows = by_grade(&sample());
        let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(labels, ["核心数据", "重要数据", "一般数据", "一般数据3级"]);
        assert_eq!(rows[2].1, 2);
    }

    #[test]
    fn domains_in_the_standards_order_then_the_missing() {
        let rows = by_domain(&sample());
        assert_eq!(
            rows,
            [
                ("A 农、林、牧、渔业".to_string(), 1),
                ("S 公共管理、社会保障和社会组织".to_string(), 3),
                ("未填写行业分类".to_string(), 1),
            ]
        );
    }

    #[test]
    fn top_providers_most_first_and_capped() {
        let (rows, all) = top_providers(&sample(), 10);
        assert_eq!(rows, [(a(), 3), (b(), 2)]);
        assert_eq!(all, 2);
        let (rows, all) = top_providers(&sample(), 1);
        assert_eq!(rows, [(a(), 3)]);
        assert_eq!(all, 2);
    }

    #[test]
    fn months_are_consecutive_and_count_current_states() {
        let rows = by_month(&sample(), 12);
        let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            labels,
            [
                "2025年11月",
                "2025年12月",
                "2026年01月",
                "2026年02月",
                "2026年03月"
            ]
        );
        assert_eq!(rows[1].1, [0, 0, 0]);
        assert_eq!(rows[3].1, [2, 2, 0]);
        assert_eq!(rows[4].1, [1, 0, 1]);
        // Only the latest months are kept.
        let rows = by_month(&sample(), 2);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, "2026年02月");
        assert!(by_month(&[], 12).is_empty());
    }

    #[test]
    fn bars_are_proportional() {
        assert_eq!(bar_widths(&[1, 2, 4], 100.0), [25.0, 50.0, 100.0]);
        assert_eq!(bar_widths(&[0, 0], 100.0), [0.0, 0.0]);
        assert!(bar_widths(&[], 100.0).is_empty());
    }

    fn attr(tag: &str, name: &str) -> String {
        let marker = format!(" {name}=\"");
        let start = tag.find(&marker).unwrap() + marker.len();
        tag[start..].split('"').next().unwrap().to_string()
    }

    #[test]
    fn one_bar_per_value_with_proportional_widths_and_escaped_labels() {
        let rows: Vec<Row> = vec![
            ("<script>alert(1)</script>".to_string(), vec![2]),
            ("乙".to_string(), vec![4]),
            ("丙".to_string(), vec![1]),
        ];
        let svg = bar_chart("c", "标题 & 说明", &["条目数"], &rows).into_string();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-labelledby="c-title""#));
        assert!(svg.contains(r#"<title id="c-title">标题 &amp; 说明"#));
        assert!(svg.contains(r#"width="100%""#));
        assert!(svg.contains("viewBox=\"0 0 360.0 "));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        let bars: Vec<&str> = svg
            .split("<rect")
            .skip(1)
            .filter(|t| t.contains(r#"class="bar""#))
            .collect();
        assert_eq!(bars.len(), 3);
        let widths: Vec<f64> = bars
            .iter()
            .map(|t| attr(t, "width").parse().unwrap())
            .collect();
        assert_eq!(widths, [BAR_MAX / 2.0, BAR_MAX, BAR_MAX / 4.0]);
        // Every element is closed (inline SVG in HTML does not self-close `<rect>`).
        assert_eq!(svg.matches("<rect").count(), svg.matches("</rect>").count());
    }

    #[test]
    fn several_series_get_a_legend_and_a_bar_each() {
        let rows: Vec<Row> = vec![
            ("一月".to_string(), vec![1, 2, 3]),
            ("二月".to_string(), vec![0, 6, 0]),
        ];
        let svg = bar_chart("m", "按月", &MONTH_SERIES, &rows).into_string();
        assert_eq!(svg.matches(r#"class="bar""#).count(), 6);
        for name in MONTH_SERIES {
            assert!(svg.contains(name));
        }
        let t = table("t", "按月", "月份", &MONTH_SERIES, &rows, true).into_string();
        assert!(t.contains("<caption>按月</caption>"));
        assert!(t.contains(r#"<th scope="col">月份</th>"#));
        assert!(t.contains(r#"<th scope="row">一月</th>"#));
        assert!(t.contains(r#"<th scope="row">合计</th><td class="num">1</td><td class="num">8</td><td class="num">3</td>"#), "{t}");
    }

    #[test]
    fn long_labels_are_shortened_in_the_chart_only() {
        let long = "很".repeat(40);
        let rows: Vec<Row> = vec![(long.clone(), vec![1])];
        let svg = bar_chart("l", "t", &["n"], &rows).into_string();
        assert!(svg.contains(&format!("{}…", "很".repeat(LABEL_CHARS - 1))));
        assert!(svg.contains(&format!("<title>{long}：1</title>")));
    }
}
