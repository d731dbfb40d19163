//! One gate for every way a file is imported (the API's upload, the workbench's import page and
//! its background jobs), so the server's peak memory stays bounded however many arrive.

use tokio::sync::Semaphore;

/// Uploads read, validated and written at once. One upload within the importers' limits holds
/// up to ~512 MiB (a 100,000-row workbook measured +376 MB; README "Security"), so the server's
/// peak stays bounded however many arrive; the others wait their turn (within the request
/// timeout). Imports are written one at a time anyway (writes are serialized).
pub const CONCURRENT_IMPORTS: usize = 1;
/// Shared by every way a file is uploaded (this route and the workbench's import page).
pub static IMPORTS: Semaphore = Semaphore::const_new(CONCURRENT_IMPORTS);
