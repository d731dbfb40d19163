//! One test app: a data directory with the organizations a test needs and their API tokens,
//! then the real server on it (in the zero2prod / crates.io style):
//!
//! ```ignore
//! let app = TestApp::new().with_orgs(&[ADMIN, PROVIDER]);
//! let (admin, provider) = (app.token(&ADMIN), app.token(&PROVIDER));
//! let api = app.serve();
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use std::process::Command;

use crate::server::{Api, MULU, Server, mulu};

/// An organization as `mulu org create` takes it.
#[derive(Clone, Copy, Debug)]
pub struct Org {
    pub uscc: &'static str,
    pub name: &'static str,
    pub region: &'static str,
    /// Its kind, which is also the role its tokens get unless a test asks for another.
    pub kind: &'static str,
    /// A second kind (a data administration that is also the auditor).
    pub also: Option<&'static str>,
}

impl Org {
    pub const fn new(
        uscc: &'static str,
        name: &'static str,
        region: &'static str,
        kind: &'static str,
    ) -> Org {
        Org {
            uscc,
            name,
            region,
            kind,
            also: None,
        }
    }

    /// The same organization with a second kind.
    pub const fn also(self, kind: &'static str) -> Org {
        Org {
            also: Some(kind),
            ..self
        }
    }

    /// The same organization under another name (pages show it).
    pub const fn named(self, name: &'static str) -> Org {
        Org { name, ..self }
    }

    /// Another organization like this one.
    pub const fn with_uscc(self, uscc: &'static str) -> Org {
        Org { uscc, ..self }
    }

    /// The same organization of another kind.
    pub const fn with_kind(self, kind: &'static str) -> Org {
        Org { kind, ..self }
    }

    /// The same organization in another region.
    pub const fn in_region(self, region: &'static str) -> Org {
        Org { region, ..self }
    }
}

/// The provincial data administration of Sichuan.
pub const ADMIN: Org = Org::new("11510000000000001L", "省数据局", "510000", "data_admin");
/// A city bureau that provides data.
pub const PROVIDER: Org = Org::new("11510500000000002H", "市交通局", "510500", "provider");
/// An operator in the same city.
pub const OPERATOR: Org = Org::new("91510500000000003C", "出行数据公司", "510500", "operator");
/// The provincial registration body.
pub const REGISTRAR: Org = Org::new("12510000000000004T", "省登记中心", "510000", "registrar");
/// A data exchange.
pub const EXCHANGE: Org = Org::new("91510000000000005Q", "甲数据交易所", "510000", "exchange");

/// A data directory with organizations and tokens, before and while the server runs on it.
pub struct TestApp {
    dir: tempfile::TempDir,
    /// PostgreSQL instead of the SQLite database in `dir`.
    database_url: Option<String>,
    ids: BTreeMap<&'static str, String>,
}

impl TestApp {
    /// An empty data directory.
    pub fn new() -> TestApp {
        TestApp {
            dir: tempfile::tempdir().unwrap(),
            database_url: None,
            ids: BTreeMap::new(),
        }
    }

    /// An empty schema on PostgreSQL at `database_url` (see `server::fresh_database`).
    pub fn on_postgres(database_url: String) -> TestApp {
        TestApp {
            database_url: Some(database_url),
            ..TestApp::new()
        }
    }

    /// Registers `org` (through the CLI, as an operator of the service would).
    pub fn with_org(mut self, org: Org) -> TestApp {
        let mut args = vec![
            "org", "create", "--uscc", org.uscc, "--name", org.name, "--region", org.region,
            "--kind", org.kind,
        ];
        if let Some(kind) = org.also {
            args.extend(["--kind", kind]);
        }
        let id = self.mulu(&args);
        self.ids.insert(org.uscc, id);
        self
    }

    pub fn with_orgs(self, orgs: &[Org]) -> TestApp {
        orgs.iter().fold(self, |app, org| app.with_org(*org))
    }

    /// The id the service gave `org`.
    pub fn org_id(&self, org: &Org) -> &str {
        self.ids
            .get(org.uscc)
            .unwrap_or_else(|| panic!("{} was not registered", org.name))
    }

    /// An API token for `org` in the role of its kind.
    pub fn token(&self, org: &Org) -> String {
        self.token_as(org, org.kind)
    }

    /// An API token for `org` in `role`.
    pub fn token_as(&self, org: &Org, role: &str) -> String {
        self.mulu(&[
            "token", "create", "--org", org.uscc, "--role", role, "--name", role,
        ])
    }

    /// Tokens for each of `orgs`, in order, in the role of its kind.
    pub fn tokens<const N: usize>(&self, orgs: [&Org; N]) -> [String; N] {
        orgs.map(|org| self.token(org))
    }

    /// Runs a `mulu` subcommand on this data directory; its stdout, trimmed.
    pub fn mulu(&self, args: &[&str]) -> String {
        match &self.database_url {
            None => mulu(self.dir(), args),
            Some(url) => {
                let out = Command::new(MULU)
                    .args(args)
                    .args(["--database-url", url])
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "mulu {args:?} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                String::from_utf8(out.stdout).unwrap().trim().to_string()
            }
        }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server on this data directory.
    pub fn serve(&self) -> Api {
        Api::over(Server::start_empty(self.dir()))
    }

    /// The server on this data directory with "today" pinned (restart later to walk clocks).
    pub fn serve_on(&self, today: &str) -> Api {
        Api::over(Server::start_on(self.dir(), today))
    }

    /// The server with extra `serve` flags.
    pub fn serve_with(&self, extra: &[&str]) -> Api {
        Api::over(self.server_with(extra))
    }

    /// The server process alone (for tests that speak raw HTTP or TCP), with extra flags.
    pub fn server_with(&self, extra: &[&str]) -> Server {
        let mut args = vec!["--data-dir", self.dir().to_str().unwrap()];
        args.extend_from_slice(extra);
        Server::start(&args)
    }
}
