//! Single sign-on with OpenID Connect: the authorization code flow with PKCE (S256).
//!
//! Self-contained on purpose (no other Mulu code): the web layer calls
//! [`OidcClient::discover`] once at start-up, [`OidcClient::authorize_url`] when a person
//! clicks "sign in" (the [`PendingLogin`] goes into one short-lived HttpOnly cookie, the
//! person is redirected to the URL), and [`OidcClient::finish`] on the redirect back,
//! which yields the value of the configured claim: the login name in Mulu.
//!
//! Errors display in Chinese for the person who is signing in; the technical cause is
//! kept as the error's `source()` for the logs.

use std::collections::HashMap;
use std::time::Duration;

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl,
    Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};

/// What an administrator configures.
#[derive(Clone, Debug)]
pub struct OidcSettings {
    /// The provider's issuer identifier, exactly as its discovery document spells it.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Mulu's callback URL, registered at the provider.
    pub redirect_url: String,
    /// The ID token claim that is the login name: `sub`, `preferred_username`, `email`
    /// or any other string claim the provider puts in the ID token.
    pub claim: String,
}

/// Every claim of the ID token, so that any of them can be the login name.
#[derive(Clone, Debug, Deserialize, Serialize)]
struct AllClaims {
    #[serde(flatten)]
    claims: HashMap<String, serde_json::Value>,
}
impl AdditionalClaims for AllClaims {}

type IdFields = IdTokenFields<
    AllClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type TokenResp = StandardTokenResponse<IdFields, CoreTokenType>;
/// A client with its authorization and token endpoints set (from discovery).
type Client = openidconnect::Client<
    AllClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResp,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
    EndpointMaybeSet,
>;

type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a sign-in failed. `Display` is for the person; `source()` is for the logs.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The settings cannot be right (a URL that does not parse).
    #[error("统一身份认证配置有误：{0}")]
    Config(String),
    /// The provider could not be reached, or answered with something that is not OpenID Connect.
    #[error("统一身份认证服务不可用")]
    Unavailable(#[source] Cause),
    /// The `state` that came back is not the one this browser was sent away with.
    #[error("登录状态不匹配，请重新登录")]
    StateMismatch,
    /// The provider refused the code: already used, expired, or the PKCE verifier does not match.
    #[error("登录已失效，请重新登录")]
    CodeRejected(#[source] Cause),
    /// No ID token, or one that fails verification (signature, issuer, audience, nonce, expiry).
    #[error("身份令牌无效")]
    InvalidIdToken(#[source] Cause),
    /// The ID token is valid but lacks the configured claim (or it is not a non-empty string).
    #[error("身份令牌缺少声明 {0}")]
    MissingClaim(String),
    /// The login name would be an e-mail address that the provider says is not verified.
    #[error("身份令牌中的邮箱地址未经验证")]
    EmailNotVerified,
}

fn cause(e: impl std::error::Error + Send + Sync + 'static) -> Cause {
    Box::new(e)
}

fn invalid(e: impl std::error::Error + Send + Sync + 'static) -> OidcError {
    OidcError::InvalidIdToken(cause(e))
}

/// What one sign-in must remember between [`OidcClient::authorize_url`] and
/// [`OidcClient::finish`]: kept in the browser in one HttpOnly cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingLogin {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

impl PendingLogin {
    /// `state.nonce.verifier`: the three are base64url, so `.` separates them and the
    /// whole is a valid cookie value without quoting.
    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.state, self.nonce, self.pkce_verifier)
    }

    /// The inverse of [`encode`](Self::encode); `None` for anything it did not make.
    pub fn decode(s: &str) -> Option<Self> {
        // A part is what the random generators make: base64url, of a sane length
        // (PKCE verifiers are 43 to 128 characters).
        fn part(p: &str) -> Option<String> {
            let ok = (16..=128).contains(&p.len())
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            ok.then(|| p.to_owned())
        }
        let mut parts = s.split('.');
        let pending = PendingLogin {
            state: part(parts.next()?)?,
            nonce: part(parts.next()?)?,
            pkce_verifier: part(parts.next()?)?,
        };
        (parts.next().is_none() && pending.pkce_verifier.len() >= 43).then_some(pending)
    }
}

/// Compares without stopping at the first difference (the state is a secret).
fn same_secret(a: &str, b: &str) -> bool {
    let diff = a
        .bytes()
        .zip(b.bytes())
        .fold(0, |acc, (x, y)| acc | (x ^ y));
    a.len() == b.len() && diff == 0
}

/// One provider and Mulu's client registration at it.
pub struct OidcClient {
    metadata: CoreProviderMetadata,
    client: Client,
    /// Never follows redirects (openidconnect's advice against SSRF).
    http: reqwest::Client,
    claim: String,
}

impl OidcClient {
    /// Fetches the provider's discovery document and signing keys and sets up the client.
    pub async fn discover(settings: OidcSettings) -> Result<Self, OidcError> {
        let issuer = IssuerUrl::new(settings.issuer.clone())
            .map_err(|e| OidcError::Config(format!("issuer {:?}: {e}", settings.issuer)))?;
        let redirect = RedirectUrl::new(settings.redirect_url.clone()).map_err(|e| {
            OidcError::Config(format!("redirect_url {:?}: {e}", settings.redirect_url))
        })?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| OidcError::Unavailable(cause(e)))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(|e| OidcError::Unavailable(cause(e)))?;
        let token_url = metadata.token_endpoint().cloned().ok_or_else(|| {
            OidcError::Unavailable("the discovery document has no token_endpoint".into())
        })?;
        let client: Client = openidconnect::Client::from_provider_metadata(
            metadata.clone(),
            ClientId::new(settings.client_id),
            Some(ClientSecret::new(settings.client_secret)),
        )
        .set_token_uri(token_url)
        .set_redirect_uri(redirect);
        Ok(OidcClient {
            metadata,
            client,
            http,
            claim: settings.claim,
        })
    }

    /// The provider's discovery document.
    pub fn provider_metadata(&self) -> &CoreProviderMetadata {
        &self.metadata
    }

    /// Where to send the browser, and what to remember until it comes back.
    pub fn authorize_url(&self) -> (url::Url, PendingLogin) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".to_owned())) // `openid` is always added
            .set_pkce_challenge(challenge)
            .url();
        let pending = PendingLogin {
            state: state.into_secret(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.into_secret(),
        };
        (url, pending)
    }

    /// Exchange the code (after checking `returned_state` against `pending.state`), verify the
    /// ID token (signature, issuer, audience, nonce, expiry) and return the value of the
    /// configured claim (string claims: `sub`, `preferred_username`, `email`, or any additional
    /// claim present in the ID token).
    pub async fn finish(
        &self,
        pending: &PendingLogin,
        returned_state: &str,
        code: &str,
    ) -> Result<String, OidcError> {
        if !same_secret(&pending.state, returned_state) {
            return Err(OidcError::StateMismatch);
        }
        let tokens = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                // The provider answered with an OAuth error (invalid_grant, ...).
                RequestTokenError::ServerResponse(_) => OidcError::CodeRejected(cause(e)),
                _ => OidcError::Unavailable(cause(e)),
            })?;
        let id_token = tokens.id_token().ok_or_else(|| {
            OidcError::InvalidIdToken("the token response has no id_token".into())
        })?;
        let verifier = self.client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(pending.nonce.clone()))
            .map_err(invalid)?;
        // at_hash, when present, binds the access token to this ID token.
        if let Some(expected) = claims.access_token_hash() {
            let alg = id_token.signing_alg().map_err(invalid)?;
            let key = id_token.signing_key(&verifier).map_err(invalid)?;
            let actual =
                AccessTokenHash::from_token(tokens.access_token(), alg, key).map_err(invalid)?;
            if actual != *expected {
                return Err(OidcError::InvalidIdToken(
                    "at_hash does not match the access token".into(),
                ));
            }
        }

        let value = match self.claim.as_str() {
            "sub" => Some(claims.subject().to_string()),
            "preferred_username" => claims.preferred_username().map(|u| u.to_string()),
            "email" => {
                if claims.email_verified() == Some(false) {
                    return Err(OidcError::EmailNotVerified);
                }
                claims.email().map(|e| e.to_string())
            }
            other => claims
                .additional_claims()
                .claims
                .get(other)
                .and_then(|v| v.as_str())
                .map(str::to_owned),
        };
        value
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| OidcError::MissingClaim(self.claim.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PendingLogin {
        PendingLogin {
            state: CsrfToken::new_random().into_secret(),
            nonce: Nonce::new_random().secret().clone(),
            pkce_verifier: PkceCodeChallenge::new_random_sha256().1.into_secret(),
        }
    }

    #[test]
    fn pending_login_round_trips_through_a_cookie_value() {
        let pending = sample();
        let encoded = pending.encode();
        // Cookie-safe: RFC 6265 cookie-octets, no quoting needed.
        assert!(
            encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
            "{encoded}"
        );
        assert_eq!(PendingLogin::decode(&encoded), Some(pending));
    }

    #[test]
    fn pending_login_rejects_garbage() {
        let good = sample().encode();
        let parts: Vec<&str> = good.split('.').collect();
        for bad in [
            String::new(),
            "garbage".to_owned(),
            "a.b.c".to_owned(),
            "...".to_owned(),
            format!("{good}."),
            format!("{good}.{}", parts[0]),
            format!("{}.{}", parts[0], parts[1]),
            format!("{}.{}.{}", parts[0], parts[1], &parts[2][..20]), // verifier too short
            good.replacen('.', ";", 1),
            format!("{}=.{}.{}", parts[0], parts[1], parts[2]),
            format!("{} .{}.{}", parts[0], parts[1], parts[2]),
            format!("{}.{}.{}", parts[0], parts[1], "é".repeat(50)),
            format!("{}.{}.{}", parts[0], parts[1], "x".repeat(129)),
        ] {
            assert_eq!(PendingLogin::decode(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn state_comparison() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "a"));
    }
}
