//! The one error enum of the search layer.

/// What can go wrong in the index. `InvalidRequest` and `InvalidCursor` are the caller's mistakes
/// (HTTP 422); everything else is ours (HTTP 500/503).
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{field}：{message}")]
    InvalidRequest { field: String, message: String },
    #[error("游标无效或已过期，请从第一页重新查询")]
    InvalidCursor,
    #[error("搜索索引目录 {path} 不可用：{message}")]
    Directory { path: String, message: String },
    #[error("搜索索引写入任务已停止")]
    WriterClosed,
    #[error("搜索索引出错：{0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("搜索索引读写文件出错：{0}")]
    Io(#[from] std::io::Error),
}

impl SearchError {
    /// True when the request itself was wrong (the API answers 422 with the field path).
    pub fn is_client_error(&self) -> bool {
        matches!(
            self,
            SearchError::InvalidRequest { .. } | SearchError::InvalidCursor
        )
    }

    /// The request field at fault, for problem+json.
    pub fn field(&self) -> Option<&str> {
        match self {
            SearchError::InvalidRequest { field, .. } => Some(field),
            SearchError::InvalidCursor => Some("cursor"),
            _ => None,
        }
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        SearchError::Tantivy(e.into())
    }
}
