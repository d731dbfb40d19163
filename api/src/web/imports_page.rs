//! A provider uploads the directory template (xlsx/csv) from a plain form: a dry run shows the
//! row-by-row report as a table before anything is written; an import writes every row as a
//! draft of the person's organization, or nothing and the report. The upload goes through the
//! same importer and catalog calls as `POST /api/v1/imports`, with the person as actor.
//!
//! A file larger than [`JOB_THRESHOLD`] is handed to a background job (`import_jobs`) and the
//! browser sent to the job's page, which refreshes itself (no script needed) with the phase and
//! the rows written, and shows the same report or notice as a small file's answer at the end.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, Request, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, FixedOffset, Utc};
use importers::report::{ImportMode, ImportReport, SourceFormat, import_prepared, prepare};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use uuid::Uuid;

use super::import_jobs::{JobView, Outcome as JobOutcome, Phase, Upload};
use super::pages::{FormError, respond, workbench_page};
use super::session::org_of;
use super::session::{Session, check_csrf, csrf_field};
use crate::portal::layout::thousands;
use crate::state::AppState;
use catalog::SignedIn;

const TITLE: &str = "表格导入";

/// The largest upload, in MiB (the import routes' body limit).
const LIMIT_MIB: usize = crate::routes::IMPORT_BODY_LIMIT / 1024 / 1024;

/// Uploads larger than this (in bytes) run as a background job with a progress page; smaller
/// ones are read, checked and written within their POST.
const JOB_THRESHOLD: usize = 256 * 1024;

/// The job page's title and only heading.
const JOB_TITLE: &str = "导入任务";

/// Seconds between the job page's reloads while the job runs.
const REFRESH_SECS: u32 = 2;

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    /// Drafts created by the import that redirected here.
    #[serde(default)]
    created: Option<String>,
}

/// What the page shows below the form.
enum Outcome {
    None,
    /// The import just written (after POST → 303 → GET).
    Created(usize),
    /// A report: a dry run's, or that of a refused import.
    Report {
        report: ImportReport,
        file: String,
    },
    /// The form itself was wrong (no file, unreadable form).
    Error(FormError),
}

pub async fn form(
    State(state): State<AppState>,
    Session(s): Session,
    Query(q): Query<DoneQuery>,
) -> Response {
    let outcome = match q.created.as_deref().and_then(|n| n.parse::<usize>().ok()) {
        Some(n) => Outcome::Created(n),
        None => Outcome::None,
    };
    render(&state, &s, outcome, StatusCode::OK).await
}

/// The upload: read past the default 2 MiB extractor limit (the server's body limit gives this
/// path the import limit of 64 MiB).
pub async fn upload(State(state): State<AppState>, request: Request) -> Response {
    Handler::call(receive.layer(DefaultBodyLimit::disable()), request, state).await
}

/// One posted form: the CSRF token first, then the file and the button pressed.
struct Posted {
    bytes: axum::body::Bytes,
    file_name: String,
    format: Option<SourceFormat>,
    import: bool,
}

async fn receive(
    State(state): State<AppState>,
    Session(s): Session,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let posted = match read_form(&s, form).await {
        Ok(p) => p,
        Err(Refusal::Csrf(r)) => return r,
        Err(Refusal::Form(e)) => {
            let status = e.status;
            return render(&state, &s, Outcome::Error(e), status).await;
        }
    };
    let Posted {
        bytes,
        file_name,
        format,
        import,
    } = posted;
    let format = format.unwrap_or_else(|| SourceFormat::sniff(&bytes));
    if bytes.len() > JOB_THRESHOLD {
        let upload = Upload {
            catalog: state.catalog.clone(),
            actor: s.actor(),
            provider_id: s.person.org_id,
            bytes,
            format,
            file_name,
            mode: ImportMode {
                partial: false,
                dry_run: !import,
            },
        };
        return match state.import_jobs.start(s.person.id, upload) {
            Ok(id) => Redirect::to(&job_path(id)).into_response(),
            Err(refused) => {
                let e = form_error(StatusCode::TOO_MANY_REQUESTS, refused.message());
                render(&state, &s, Outcome::Error(e), StatusCode::TOO_MANY_REQUESTS).await
            }
        };
    }
    let Ok(permit) = crate::import_gate::IMPORTS.acquire().await else {
        let e = form_error(StatusCode::SERVICE_UNAVAILABLE, "导入暂不可用，请重试");
        return render(
            &state,
            &s,
            Outcome::Error(e),
            StatusCode::SERVICE_UNAVAILABLE,
        )
        .await;
    };
    // Reading a large workbook is CPU work: keep it off the async workers.
    let prepared = tokio::task::spawn_blocking(move || {
        let prepared = prepare(&bytes, format, "上传文件");
        drop(bytes);
        (prepared, permit)
    })
    .await;
    let Ok((prepared, _permit)) = prepared else {
        let e = form_error(StatusCode::SERVICE_UNAVAILABLE, "文件解析中断，请重试");
        return render(
            &state,
            &s,
            Outcome::Error(e),
            StatusCode::SERVICE_UNAVAILABLE,
        )
        .await;
    };
    let too_large = prepared.parsed.too_large.is_some();
    let mode = ImportMode {
        partial: false,
        dry_run: !import,
    };
    let provider_id = s.person.org_id;
    let report = match import_prepared(
        &state.catalog,
        &s.actor(),
        provider_id,
        prepared,
        mode,
        |_| {},
    )
    .await
    {
        Ok(r) => r,
        Err(e) => {
            let e = FormError::from(e);
            let status = e.status;
            return render(&state, &s, Outcome::Error(e), status).await;
        }
    };
    if report.imported > 0 {
        return Redirect::to(&format!("/workbench/imports?created={}", report.imported))
            .into_response();
    }
    let status = if too_large {
        StatusCode::PAYLOAD_TOO_LARGE
    } else if report.problem_count > 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        &state,
        &s,
        Outcome::Report {
            report,
            file: file_name,
        },
        status,
    )
    .await
}

enum Refusal {
    Csrf(Response),
    Form(FormError),
}

fn form_error(status: StatusCode, message: impl Into<String>) -> FormError {
    FormError {
        field: Some("file".to_string()),
        message: message.into(),
        status,
    }
}

fn too_large() -> FormError {
    form_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("导入文件不能超过 {} MiB；请拆分后分批导入", LIMIT_MIB),
    )
}

/// The parts of the form, in the page's order: `csrf` must come before the file is read.
async fn read_form(
    s: &SignedIn,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Posted, Refusal> {
    let bad = |detail: String| Refusal::Form(form_error(StatusCode::BAD_REQUEST, detail));
    let mut form = form.map_err(|e| bad(format!("表单无法读取：{}", e.body_text())))?;
    let mut csrf_ok = false;
    let mut file: Option<(axum::body::Bytes, String, Option<SourceFormat>)> = None;
    let mut import = false;
    loop {
        let field = form.next_field().await.map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Refusal::Form(too_large()),
            _ => bad(format!("表单无法读取：{}", e.body_text())),
        })?;
        let Some(field) = field else { break };
        match field.name().unwrap_or("") {
            "csrf" => {
                let token = field.text().await.unwrap_or_default();
                if let Some(r) = check_csrf(s, &token) {
                    return Err(Refusal::Csrf(r));
                }
                csrf_ok = true;
            }
            "file" => {
                if !csrf_ok {
                    break;
                }
                let file_name = field.file_name().unwrap_or("").to_string();
                let by_name = SourceFormat::from_name(&file_name);
                let by_type = field
                    .content_type()
                    .and_then(|m| SourceFormat::from_media_type(m).ok().flatten());
                let bytes = field.bytes().await.map_err(|e| match e.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => Refusal::Form(too_large()),
                    _ => bad(format!("文件无法读取：{}", e.body_text())),
                })?;
                file = Some((bytes, file_name, by_name.or(by_type)));
            }
            "action" => import = field.text().await.unwrap_or_default() == "import",
            _ => {}
        }
    }
    if !csrf_ok {
        return Err(Refusal::Csrf(
            check_csrf(s, "").unwrap_or_else(|| StatusCode::FORBIDDEN.into_response()),
        ));
    }
    match file {
        Some((bytes, file_name, format)) if !bytes.is_empty() => Ok(Posted {
            bytes,
            file_name,
            format,
            import,
        }),
        Some((_, name, _)) if !name.is_empty() => Err(Refusal::Form(form_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "所选文件是空的，请选择填好的模板",
        ))),
        _ => Err(Refusal::Form(form_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "请选择要导入的文件（.xlsx 或 .csv）",
        ))),
    }
}

async fn render(state: &AppState, s: &SignedIn, outcome: Outcome, status: StatusCode) -> Response {
    let org = org_of(state, s).await;
    let jobs = state.import_jobs.of_person(s.person.id);
    let error = match &outcome {
        Outcome::Error(e) => Some(e),
        _ => None,
    };
    let body = html! {
        h1 { (TITLE) }
        @if let Some(e) = error {
            div.error-summary role="alert" tabindex="-1" {
                h2 { "上传未成功" }
                p { a href="#file" { (e.message) } }
            }
        }
        @if let Outcome::Created(n) = &outcome {
            (created_notice(*n))
        }
        @if let Outcome::Report { report, file } = &outcome {
            (report_section(report, file))
        }
        p {
            "按目录模板填写资源目录（每行一个资源；信息项写在“信息项”工作表），上传后先"
            strong { "试导入" } "：逐行检查并列出问题，不写入任何数据。没有问题时再点击"
            strong { "导入" } "，全部行成为本单位的草稿；文件中任何一行有问题时不写入任何数据。"
        }
        h2 { "下载空白模板" }
        ul {
            li { a href="/api/v1/import-templates/directory.xlsx" download { "资源目录导入模板（Excel，.xlsx）" } }
            li { a href="/api/v1/import-templates/directory.csv" download { "资源目录导入模板（CSV，.csv，仅资源目录表）" } }
        }
        h2 { "上传文件" }
        form.stack #import-form method="post" action="/workbench/imports" enctype="multipart/form-data" {
            (csrf_field(s))
            label for="file" { "目录文件（.xlsx 或 .csv，不超过 " (LIMIT_MIB) " MiB）" }
            p.hint #file-hint {
                "每次提交都需重新选择文件。超过 " (JOB_THRESHOLD / 1024) " KiB 的文件在后台处理，页面显示进度。"
            }
            input #file type="file" name="file" required
                accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                aria-describedby="file-hint";
            @if let Some(m) = error.and_then(|e| e.at("file")) { (m) }
            div {
                button type="submit" name="action" value="dry_run" { "试导入（只检查，不写入）" }
                " "
                button type="submit" name="action" value="import" { "导入" }
            }
        }
        (jobs_section(&jobs))
    };
    respond(status, workbench_page(TITLE, s, org.as_ref(), body))
}

/// An import just written.
fn created_notice(n: usize) -> Markup {
    html! {
        div.notice #import-result role="status" {
            h2 { "导入完成" }
            p { "已导入 " strong { (n) } " 条目录条目，均为本单位的草稿，尚未提交审核。" }
            p { a href="/workbench/resources?status=draft" { "查看本单位草稿" } }
        }
    }
}

/// The uploaded file's name as shown ("上传文件" when the browser sent none).
fn file_label(name: &str) -> &str {
    if name.is_empty() {
        "上传文件"
    } else {
        name
    }
}

fn job_path(id: Uuid) -> String {
    format!("/workbench/imports/jobs/{id}")
}

#[derive(Debug, Default, Deserialize)]
pub struct JobQuery {
    /// `off`: the page does not reload itself (a link refreshes it instead).
    #[serde(default)]
    refresh: Option<String>,
}

/// A background import's page, for the person who started it only: anyone else gets the same
/// 404 page as for an unknown or forgotten job. While the job runs, the page reloads itself every
/// `REFRESH_SECS` seconds (`<meta http-equiv="refresh">`, no script) unless that is turned off;
/// at the end it shows what a small file's answer would, and stops.
pub async fn job(
    State(state): State<AppState>,
    Session(s): Session,
    Path(id): Path<String>,
    Query(q): Query<JobQuery>,
) -> Response {
    let org = org_of(&state, &s).await;
    let view = Uuid::parse_str(&id)
        .ok()
        .and_then(|id| state.import_jobs.view(id, s.person.id));
    let Some(job) = view else {
        let title = "导入任务不存在或已过期";
        let body = html! {
            h1 { (title) }
            p {
                "任务不存在或已过期：导入任务只保存在服务器内存中，结束 1 小时后或服务器重启后无法再查看，"
                "且只有上传文件的本人可以查看。"
            }
            p {
                "每次导入在一个事务中写入，中断的导入不会留下部分数据。已完成的导入可在本单位草稿中查看；"
                "未写入的导入需要重新上传。"
            }
            ul {
                li { a href="/workbench/resources?status=draft" { "查看本单位草稿" } }
                li { a href="/workbench/imports" { "返回表格导入" } }
            }
        };
        return respond(
            StatusCode::NOT_FOUND,
            workbench_page(title, &s, org.as_ref(), body),
        );
    };
    let auto = !job.phase.finished() && q.refresh.as_deref() != Some("off");
    let page = workbench_page(JOB_TITLE, &s, org.as_ref(), job_body(&job, auto));
    if auto {
        with_refresh(page).into_response()
    } else {
        page.into_response()
    }
}

/// `page` with `<meta http-equiv="refresh">` in its head (the shared shell has no slot for it).
fn with_refresh(page: Markup) -> Markup {
    let head = format!(r#"<head><meta http-equiv="refresh" content="{REFRESH_SECS}">"#);
    PreEscaped(page.into_string().replacen("<head>", &head, 1))
}

fn job_body(job: &JobView, auto: bool) -> Markup {
    let here = job_path(job.id);
    let manual = format!("{here}?refresh=off");
    html! {
        h1 { (JOB_TITLE) }
        dl.fields #job {
            dt { "文件" } dd { (file_label(&job.file_name)) }
            dt { "方式" } dd { (mode_label(job.dry_run)) }
            dt { "开始时间" } dd { (time(job.started)) }
            dt { "阶段" } dd #job-phase { (phase_label(&job.phase)) }
        }
        @match &job.phase {
            Phase::Done(JobOutcome::Created(n)) => { (created_notice(*n)) }
            Phase::Done(JobOutcome::Report(report)) => { (report_section(report, &job.file_name)) }
            Phase::Failed(message) => {
                div.error-summary #job-failed role="alert" tabindex="-1" {
                    h2 { "导入未完成，未写入任何数据" }
                    p { (message) }
                }
            }
            running => {
                (job_progress(running, job.dry_run))
                p.hint {
                    @if auto {
                        "本页每 " (REFRESH_SECS) " 秒自动刷新，导入结束后停止。"
                        a href=(manual) { "停止自动刷新" }
                    } @else {
                        "自动刷新已停止。" a href=(manual) { "刷新进度" }
                        " · " a href=(here) { "恢复自动刷新" }
                    }
                }
                p {
                    "离开本页不会中断导入；本任务也列在"
                    a href="/workbench/imports" { "表格导入" }
                    "页面上，结束后保留 1 小时。"
                }
            }
        }
        @if job.phase.finished() {
            p { a href="/workbench/imports" { "返回表格导入" } }
        }
    }
}

/// A running job's progress bar and its text: indeterminate until the rows are being written.
fn job_progress(phase: &Phase, dry_run: bool) -> Markup {
    let (value, text) = match phase {
        Phase::Writing { written, total } => (
            Some((*written, *total)),
            format!(
                "已写入 {} / {} 行",
                thousands(*written as u64),
                thousands(*total as u64)
            ),
        ),
        Phase::Waiting => (None, "排队中：另一个导入结束后开始读取本文件。".to_string()),
        _ if dry_run => (
            None,
            "正在读取并逐行检查文件；试导入不写入任何数据。".to_string(),
        ),
        _ => (
            None,
            "正在读取并逐行检查文件，检查通过后开始写入。".to_string(),
        ),
    };
    html! {
        div #job-progress-box {
            label for="job-progress" { "进度" }
            " "
            @if let Some((written, total)) = value {
                progress #job-progress value=(written) max=(total) aria-describedby="job-progress-text" { (text) }
            } @else {
                progress #job-progress aria-describedby="job-progress-text" { (text) }
            }
            p #job-progress-text { (text) }
            @if value.is_some() {
                p.hint { "全部行在一个事务中写入：完成前不会出现在草稿中，中途中断也不会留下部分数据。" }
            }
        }
    }
}

/// The person's jobs still known, on the upload page: the way back to a job's page.
fn jobs_section(jobs: &[JobView]) -> Markup {
    html! {
        @if !jobs.is_empty() {
            section #import-jobs aria-labelledby="import-jobs-title" {
                h2 #import-jobs-title { "近期的导入任务" }
                p.hint { "任务结束后保留 1 小时；服务器重启后不再显示（未完成的导入未写入任何数据）。" }
                ul {
                    @for j in jobs {
                        li {
                            a href=(job_path(j.id)) { (file_label(&j.file_name)) }
                            "：" (mode_label(j.dry_run)) " · " (phase_label(&j.phase))
                            " · 开始于 " (time(j.started))
                        }
                    }
                }
            }
        }
    }
}

fn mode_label(dry_run: bool) -> &'static str {
    if dry_run {
        "试导入（只检查，不写入）"
    } else {
        "导入"
    }
}

fn phase_label(phase: &Phase) -> String {
    match phase {
        Phase::Waiting => "排队等待".to_string(),
        Phase::Checking => "读取与检查".to_string(),
        Phase::Writing { written, total } => {
            format!(
                "写入 {}/{}",
                thousands(*written as u64),
                thousands(*total as u64)
            )
        }
        Phase::Done(_) => "完成".to_string(),
        Phase::Failed(_) => "失败".to_string(),
    }
}

/// A moment in Beijing time.
fn time(t: DateTime<Utc>) -> Markup {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is valid");
    html! {
        time datetime=(t.to_rfc3339()) { (t.with_timezone(&china).format("%Y-%m-%d %H:%M:%S")) }
    }
}

/// The importer's report: what was found, the problems counted by kind, then row by row.
fn report_section(r: &ImportReport, file: &str) -> Markup {
    let file = file_label(file);
    let clean = r.problem_count == 0;
    html! {
        section #import-report aria-labelledby="report-title" {
            h2 #report-title {
                @if r.dry_run { "试导入结果：" } @else { "导入结果：" }
                (file)
            }
            @if clean && r.total_rows > 0 {
                div.notice role="status" {
                    p {
                        "检查通过：共 " (r.total_rows) " 行，均无问题。"
                        @if r.dry_run { "未写入任何数据；确认无误后，请重新选择该文件并点击“导入”。" }
                    }
                }
            } @else if clean {
                div.error-summary role="alert" {
                    p { "文件中没有可导入的资源行，未写入任何数据。" }
                }
            } @else {
                div.error-summary role="alert" tabindex="-1" {
                    h2 { "文件有问题，未写入任何数据" }
                    p {
                        "共 " (r.total_rows) " 行，其中 " (r.valid_rows) " 行无问题，"
                        (r.rejected) " 行有问题；共 " (r.problem_count) " 个问题"
                        @if r.problems.len() < r.problem_count { "，下表列出前 " (r.problems.len()) " 个" }
                        "。请按下表逐项修改后重新上传。"
                    }
                }
            }
            @if !r.problem_kinds.is_empty() {
                div.scroll role="region" aria-label="问题按列统计" tabindex="0" { table #problem-kinds {
                    caption { "问题按列统计" }
                    thead { tr {
                        th scope="col" { "工作表" } th scope="col" { "列" }
                        th scope="col" { "问题数" } th scope="col" { "示例" }
                    } }
                    tbody {
                        @for k in &r.problem_kinds {
                            tr {
                                td { (k.sheet) }
                                td { @if k.column.is_empty() { "（整行或整个文件）" } @else { (k.column) } }
                                td.num { (k.count) }
                                td { (k.example) }
                            }
                        }
                    }
                } }
            }
            @if !r.problems.is_empty() {
                div.scroll role="region" aria-label="逐行问题" tabindex="0" { table #problems {
                    caption {
                        "逐行问题"
                        @if r.problems.len() < r.problem_count { "（前 " (r.problems.len()) " 个，共 " (r.problem_count) " 个）" }
                    }
                    thead { tr {
                        th scope="col" { "工作表" } th scope="col" { "行" } th scope="col" { "列" }
                        th scope="col" { "单元格" } th scope="col" { "填写的值" } th scope="col" { "说明" }
                    } }
                    tbody {
                        @for p in &r.problems {
                            tr {
                                td { (p.sheet) }
                                td.num { @if p.row == 0 { "整个文件" } @else { (p.row) } }
                                td { (p.column) }
                                td { (p.cell.as_deref().unwrap_or("")) }
                                td { (p.value.as_deref().unwrap_or("")) }
                                td { (p.message) }
                            }
                        }
                    }
                } }
            }
            @if !r.normalized.is_empty() {
                div.scroll role="region" aria-label="统一写法的值" tabindex="0" { table #normalized {
                    caption { "导入时将统一写法的值" }
                    thead { tr {
                        th scope="col" { "字段" } th scope="col" { "填写的值" }
                        th scope="col" { "将写为" } th scope="col" { "行数" }
                    } }
                    tbody {
                        @for n in &r.normalized {
                            tr {
                                td { (crate::portal::labels::label(&n.field)) }
                                td { (n.raw) }
                                td { (n.normalized) }
                                td.num { (n.count) }
                            }
                        }
                    }
                } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn counts_are_grouped_by_thousands() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1200, "1,200"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(thousands(n as u64), text);
        }
    }
}
