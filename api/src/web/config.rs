//! How the signed-in web is deployed (cookies, the public address, single sign-on): settings
//! every handler reads through `AppState`, kept apart from the pages so the state does not
//! depend on them.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use tokio::sync::OnceCell;

use super::oidc;

/// How the web side is deployed; from `mulu serve` flags.
#[derive(Default)]
pub struct WebConfig {
    /// Cookies get `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// The absolute URL every link Mulu writes (Atom, DCAT, CKAN) starts with, without a trailing
    /// slash: `--public-url`, else `http://<listening address>` once the server is bound. Never
    /// taken from a request's `Host`.
    pub public_base: OnceLock<String>,
    /// Single sign-on at the province's identity platform, when configured.
    pub oidc: Option<oidc::OidcSettings>,
    /// The provider's metadata and keys, discovered at the first sign-in that needs them (a
    /// provider down at start-up does not stop the service; a failed discovery is retried).
    pub oidc_client: OnceCell<oidc::OidcClient>,
}

pub type SharedWebConfig = Arc<WebConfig>;

impl WebConfig {
    /// The public base URL (see `public_base`); `http://localhost` before the server is bound.
    pub fn public_base(&self) -> &str {
        self.public_base
            .get()
            .map_or("http://localhost", String::as_str)
    }

    /// Without `--public-url`, links start with the address the server listens on (fine on a
    /// developer's machine; behind a proxy, people would follow them to the wrong place).
    pub fn listening_on(&self, address: SocketAddr) {
        if self.public_base.set(format!("http://{address}")).is_err() {
            return;
        }
        let base = self.public_base();
        let note =
            "未设置 --public-url（MULU_PUBLIC_URL）：Atom、DCAT、CKAN 中的链接以监听地址开头";
        if address.ip().is_loopback() {
            tracing::info!(base, "{note}");
        } else {
            tracing::warn!(base, "{note}");
        }
    }
}
