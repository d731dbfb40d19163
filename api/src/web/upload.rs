//! A workbench form with one file (`multipart/form-data`): the CSRF token must come before the
//! file; the file is hashed as it streams in and kept only up to a limit, so no upload is held
//! whole unless the page needs its bytes (a product's sample) and it fits.

use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::response::Response;
use catalog::SignedIn;
use sha2::{Digest, Sha256};

use super::pages::{FormError, FormFields};
use super::session::{check_csrf, csrf_refused};

/// The file part of an upload.
pub struct UploadedFile {
    pub name: String,
    pub content_type: Option<String>,
    /// Lower-case hex SHA-256 of the whole file.
    pub sha256: String,
    /// The bytes, when they were asked for (and fit).
    pub bytes: Vec<u8>,
}

pub struct Upload {
    pub fields: FormFields,
    /// `None` when no file was chosen (or it was empty).
    pub file: Option<UploadedFile>,
}

pub enum UploadRefusal {
    /// The CSRF token was missing or wrong: the answer to give.
    Csrf(Response),
    /// The form could not be read, or the file is over `keep`: the message for the page.
    Form(FormError),
}

/// Read the form; the part named `file_field` is the file. With `keep`, its bytes are kept and
/// a file over `keep` bytes is refused with `too_large`.
pub async fn read(
    s: &SignedIn,
    form: Result<Multipart, MultipartRejection>,
    file_field: &str,
    keep: Option<(usize, &str)>,
) -> Result<Upload, UploadRefusal> {
    let unreadable =
        |e: String| UploadRefusal::Form(FormError::message(format!("表单无法读取：{e}")));
    let mut form = form.map_err(|e| unreadable(e.body_text()))?;
    let mut fields = Vec::new();
    let mut csrf_ok = false;
    let mut file = None;
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|e| unreadable(e.body_text()))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == file_field {
            if !csrf_ok {
                break;
            }
            let file_name = field.file_name().unwrap_or("").trim().to_string();
            let content_type = field.content_type().map(str::to_string);
            let mut hash = Sha256::new();
            let mut bytes = Vec::new();
            let mut size = 0usize;
            while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(e.body_text()))? {
                size += chunk.len();
                hash.update(&chunk);
                if let Some((limit, too_large)) = keep {
                    if size > limit {
                        return Err(UploadRefusal::Form(FormError {
                            field: Some(file_field.to_string()),
                            ..FormError::message(too_large)
                        }));
                    }
                    bytes.extend_from_slice(&chunk);
                }
            }
            if size > 0 && !file_name.is_empty() {
                file = Some(UploadedFile {
                    name: file_name,
                    content_type,
                    sha256: hex::encode(hash.finalize()),
                    bytes,
                });
            }
            continue;
        }
        let value = field.text().await.map_err(|e| unreadable(e.body_text()))?;
        if name == "csrf" {
            if let Some(r) = check_csrf(s, &value) {
                return Err(UploadRefusal::Csrf(r));
            }
            csrf_ok = true;
        }
        fields.push((name, value));
    }
    if !csrf_ok {
        return Err(UploadRefusal::Csrf(
            check_csrf(s, "").unwrap_or_else(csrf_refused),
        ));
    }
    Ok(Upload {
        fields: FormFields(fields),
        file,
    })
}
