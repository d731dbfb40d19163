//! Drives the development login pages of the test OpenID provider (tests/oidc/provider.mjs)
//! the way a browser would, over plain HTTP: only reqwest, url and std.
//!
//! Include it with `#[path = ".../tests/oidc/drive.rs"] mod drive;`.

use url::Url;

/// Signs `login` in at the provider, starting from Mulu's authorization URL, and returns the
/// `code` and `state` of the redirect back to `redirect_prefix` (Mulu's callback URL).
///
/// `http` must keep cookies and must not follow redirects:
/// `reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none())`.
/// Every redirect is followed by hand; every HTML page met on the way must hold one form
/// (the login form, then the consent form if the provider shows one), which is posted with
/// its hidden fields, `login` in the text field and any password. Panics on anything else.
pub async fn sign_in_at_provider(
    http: &reqwest::Client,
    authorize_url: &str,
    redirect_prefix: &str,
    login: &str,
) -> (String, String) {
    let mut url = Url::parse(authorize_url).expect("authorize URL");
    let mut form: Option<Vec<(String, String)>> = None;
    let mut trail = Vec::new(); // for the panic messages
    for _ in 0..20 {
        trail.push(format!(
            "{} {url}",
            if form.is_some() { "POST" } else { "GET" }
        ));
        let request = match form.take() {
            Some(fields) => http.post(url.clone()).form(&fields),
            None => http.get(url.clone()),
        };
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}; after {trail:#?}"));
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{status} without Location; after {trail:#?}"));
            let next = url.join(location).expect("Location is a URL");
            if next.as_str().starts_with(redirect_prefix) {
                return code_and_state(&next);
            }
            url = next;
            continue;
        }
        let body = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "{status}: {body}\nafter {trail:#?}");
        let (action, fields) = parse_form(&body, login)
            .unwrap_or_else(|| panic!("no form on the page:\n{body}\nafter {trail:#?}"));
        url = url.join(&action).expect("form action is a URL");
        form = Some(fields);
    }
    panic!("no redirect to {redirect_prefix} after {trail:#?}");
}

/// The `code` and `state` of the redirect back; panics on an OAuth error response.
fn code_and_state(callback: &Url) -> (String, String) {
    let param = |name: &str| {
        callback
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    if let Some(error) = param("error") {
        panic!(
            "the provider answered {error}: {:?} ({callback})",
            param("error_description")
        );
    }
    let code = param("code").unwrap_or_else(|| panic!("no code in {callback}"));
    let state = param("state").unwrap_or_else(|| panic!("no state in {callback}"));
    (code, state)
}

/// The first POST form of the page: its action and the fields to send.
fn parse_form(html: &str, login: &str) -> Option<(String, Vec<(String, String)>)> {
    let start = html.find("<form")?;
    let end = html[start..]
        .find("</form>")
        .map_or(html.len(), |i| start + i);
    let form = &html[start..end];
    let form_tag = &form[..form.find('>')?];
    let method = attr(form_tag, "method").unwrap_or_default();
    assert!(
        method.eq_ignore_ascii_case("post"),
        "form method {method:?}: {form}"
    );
    let action = attr(form_tag, "action")?;

    let mut fields = Vec::new();
    for piece in form.split("<input").skip(1) {
        let tag = &piece[..piece.find('>').unwrap_or(piece.len())];
        let Some(name) = attr(tag, "name") else {
            continue;
        };
        let value = match attr(tag, "type")
            .unwrap_or_default()
            .to_ascii_lowercase()
            .as_str()
        {
            "password" => "any password".to_owned(),
            "hidden" => attr(tag, "value").unwrap_or_default(),
            "submit" | "button" | "checkbox" | "radio" | "image" | "reset" => continue,
            _ if name == "login" || name == "username" => login.to_owned(),
            _ => attr(tag, "value").unwrap_or_default(),
        };
        fields.push((name, value));
    }
    Some((action, fields))
}

/// The value of the double-quoted attribute `name` in a tag, HTML entities decoded.
fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!("{name}=\"");
    let (at, _) = tag.match_indices(&needle).find(|&(i, _)| {
        tag[..i].ends_with(|c: char| c.is_ascii_whitespace()) // not `data-name=`
    })?;
    let start = at + needle.len();
    let len = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + len]))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&#x3D;", "=")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
