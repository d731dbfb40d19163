//! 样例数据 (GZ 17): the one piece of data Mulu holds on purpose, a small sample an operator
//! uploads with a product. The bytes live in the store's blob table, addressed by their SHA-256;
//! the product records the reference, so the audit chain covers the hash and not the bytes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::InvalidValue;
use crate::error::{CatalogError, Result};

/// A media type such as `text/csv` or `application/json; charset=utf-8` (RFC 9110 §8.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MediaType(String);

super::string_schema!(
    MediaType,
    r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+/[A-Za-z0-9!#$%&'*+.^_`|~-]+",
    "text/csv",
    "媒体类型（RFC 9110），如 text/csv、application/json"
);

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

impl MediaType {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim();
        let essence = s.split(';').next().unwrap_or_default().trim();
        let valid = s.len() <= 200
            && essence
                .split_once('/')
                .is_some_and(|(t, sub)| is_token(t) && is_token(sub));
        if !valid {
            return Err(InvalidValue::new(format!(
                "内容类型“{raw}”无效，应形如 text/csv 或 application/json"
            )));
        }
        Ok(MediaType(s.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MediaType {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<MediaType> for String {
    fn from(m: MediaType) -> String {
        m.0
    }
}

/// What a product records about its sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SampleRef {
    /// Lower-case hex SHA-256 of the bytes; also the download's ETag.
    pub sha256: String,
    pub content_type: MediaType,
    pub size: u64,
    #[serde(default)]
    pub file_name: Option<String>,
    pub uploaded_at: DateTime<Utc>,
}

impl SampleRef {
    /// Check the size against the policy's limit and hash the bytes.
    pub fn new(
        bytes: &[u8],
        content_type: MediaType,
        file_name: Option<String>,
        max_bytes: u64,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        if bytes.is_empty() {
            return Err(CatalogError::invalid("body", "样例数据不能为空"));
        }
        if bytes.len() as u64 > max_bytes {
            return Err(CatalogError::invalid(
                "body",
                too_large_message(bytes.len() as u64, max_bytes),
            ));
        }
        let file_name = file_name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        if let Some(name) = &file_name
            && (name.chars().count() > 200
                || name.contains(['/', '\\', '"'])
                || name.contains(char::is_control))
        {
            return Err(CatalogError::invalid(
                "file_name",
                "文件名不能超过 200 字，且不能含路径分隔符、引号或控制字符",
            ));
        }
        Ok(SampleRef {
            sha256: hex::encode(Sha256::digest(bytes)),
            content_type,
            size: bytes.len() as u64,
            file_name,
            uploaded_at: now,
        })
    }

    /// Where the bytes are kept: the same content is stored once.
    pub fn blob_key(&self) -> String {
        format!("sample:sha256:{}", self.sha256)
    }
}

/// The Chinese refusal for an oversize sample (shared by the API's early check).
pub fn too_large_message(size: u64, max_bytes: u64) -> String {
    format!("样例数据超过大小上限：上限 {max_bytes} 字节，收到 {size} 字节以上")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_parse_and_samples_are_hashed_and_limited() {
        assert_eq!(
            MediaType::parse(" Text/CSV; charset=UTF-8 ")
                .unwrap()
                .as_str(),
            "text/csv; charset=utf-8"
        );
        for bad in ["", "csv", "text/", "text/c sv", "/json"] {
            assert!(MediaType::parse(bad).is_err(), "{bad}");
        }
        let csv = MediaType::parse("text/csv").unwrap();
        let s =
            SampleRef::new(b"abc", csv.clone(), Some("样例.csv".into()), 3, Utc::now()).unwrap();
        assert_eq!(
            s.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(s.blob_key(), format!("sample:sha256:{}", s.sha256));
        let err = SampleRef::new(b"abcd", csv.clone(), None, 3, Utc::now()).unwrap_err();
        assert!(err.to_string().contains("超过大小上限"), "{err}");
        assert!(SampleRef::new(b"", csv.clone(), None, 3, Utc::now()).is_err());
        assert!(SampleRef::new(b"a", csv, Some("../x".into()), 3, Utc::now()).is_err());
    }
}
