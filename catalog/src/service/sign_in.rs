//! Signing in (GB/T 22239-2019 8.1.4.1): passwords checked against argon2id hashes, a lock after
//! repeated failures, a second factor (TOTP, RFC 6238) for the three duties and whoever enrols
//! one, forced change of an initial password, and web sessions with idle and absolute timeouts
//! kept in the database (a restart or a second node keeps them).

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};
use uuid::Uuid;

use super::entity;
use super::people::{credentials_in, parse_credentials, put_credentials};
use super::{Actor, Catalog, Role, Versioned};
use crate::domain::person::{
    Account, Credentials, Person, PersonStatus, check_password, hash_password, verify_password,
};
use crate::error::{CatalogError, Result};
use crate::store::{SessionRecord, WriteTx};

/// The numbers of signing in; a deployment may set its own.
#[derive(Debug, Clone)]
pub struct SignInPolicy {
    /// Failed password attempts in a row that lock the account.
    pub max_failures: u32,
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however busy.
    pub absolute_timeout: Duration,
}

impl Default for SignInPolicy {
    fn default() -> Self {
        SignInPolicy {
            max_failures: 5,
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
        }
    }
}

/// How far a session has got through sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// The password (or single sign-on) was right; the TOTP code is asked next.
    SecondFactor,
    /// An initial password must be changed before anything else.
    ChangePassword,
    /// A person holding one of the three duties must enrol a second factor first.
    EnrollSecondFactor,
    /// Signed in.
    Active,
}

impl SessionStage {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStage::SecondFactor => "second_factor",
            SessionStage::ChangePassword => "change_password",
            SessionStage::EnrollSecondFactor => "enroll_second_factor",
            SessionStage::Active => "active",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        [
            SessionStage::SecondFactor,
            SessionStage::ChangePassword,
            SessionStage::EnrollSecondFactor,
            SessionStage::Active,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }

    /// The stage after the factors passed so far: TOTP first (when enrolled), then the
    /// password change, then enrolment for the duties.
    fn after(person: &Person, second_factor_passed: bool) -> Self {
        if person.totp_enabled && !second_factor_passed {
            SessionStage::SecondFactor
        } else if person.must_change_password {
            SessionStage::ChangePassword
        } else if person.needs_second_factor() && !person.totp_enabled {
            SessionStage::EnrollSecondFactor
        } else {
            SessionStage::Active
        }
    }
}

/// A live session: who, in which role, how far signed in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub person: Person,
    pub role: Role,
    pub stage: SessionStage,
    /// The token every form of this session carries.
    pub csrf: String,
    pub record: SessionRecord,
}

impl SignedIn {
    /// The actor of this session's requests.
    pub fn actor(&self) -> Actor {
        Actor::person(self.role, self.person.org_id, self.person.id)
    }
}

/// A new session: the cookie's secret (given to the browser once) and what was stored.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub secret: String,
    pub signed_in: SignedIn,
}

/// The refusal a person reads when a password sign-in fails.
const WRONG_PASSWORD: &str = "账号或密码错误";

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| CatalogError::Storage(format!("无法生成随机数：{e}")))?;
    Ok(hex::encode(buf))
}

fn session_key(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The RFC 6238 generator of a base32 secret (SHA-1, 6 digits, 30 s: what authenticator apps use).
fn totp_of(secret_b32: &str, account: &Account) -> Result<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string())
        .to_bytes()
        .map_err(|_| CatalogError::Storage("TOTP 密钥无法解析".to_string()))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("Mulu".to_string()),
        account.as_str().to_string(),
    )
    .map_err(|e| CatalogError::Storage(format!("TOTP 密钥无效：{e}")))
}

/// The time step a code matches (the current one or one either side, for clock drift), if any.
fn matching_step(totp: &TOTP, code: &str, now: DateTime<Utc>) -> Option<u64> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = now.timestamp().max(0) as u64 / 30;
    [step.saturating_sub(1), step, step + 1]
        .into_iter()
        .find(|s| constant_time_eq(totp.generate(s * 30).as_bytes(), code.as_bytes()))
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What enrolling a second factor shows the person once: the secret for their app.
#[derive(Debug, Clone)]
pub struct TotpEnrollment {
    /// Base32, as typed into an authenticator app.
    pub secret: String,
    /// `otpauth://totp/…`, as a QR code carries it.
    pub url: String,
}

impl Catalog {
    pub fn sign_in_policy(&self) -> &SignInPolicy {
        &self.sign_in
    }

    /// Check an account's password. Wrong passwords count towards the lock; the one that
    /// reaches `max_failures` locks the account with an audit event and ends its sessions.
    pub async fn check_password(&self, account: &str, password: &str) -> Result<Person> {
        let Ok(account) = Account::parse(account) else {
            return Err(CatalogError::Unauthenticated(WRONG_PASSWORD.to_string()));
        };
        let mut tx = self.store.begin_write().await?;
        let Some(record) = tx
            .get_by_key(crate::store::Table::People, account.as_str())
            .await?
        else {
            // Spend the time a real check takes, so timing does not tell which accounts exist.
            verify_password(password, &DUMMY_HASH);
            return Err(CatalogError::Unauthenticated(WRONG_PASSWORD.to_string()));
        };
        let before: Versioned<Person> = entity::from_record(record)?;
        let person = before.value.clone();
        match person.status {
            PersonStatus::Disabled => {
                return Err(CatalogError::Unauthenticated(
                    "账号已停用，请联系安全管理员".to_string(),
                ));
            }
            PersonStatus::Locked => {
                return Err(CatalogError::Unauthenticated(
                    "账号已锁定，请联系安全管理员解锁".to_string(),
                ));
            }
            PersonStatus::Active => {}
        }
        let mut credentials = credentials_in(tx.as_mut(), person.id).await?;
        let good = credentials
            .password_hash
            .as_deref()
            .is_some_and(|hash| verify_password(password, hash));
        if good {
            if credentials.failed_attempts > 0 {
                credentials.failed_attempts = 0;
                put_credentials(tx.as_mut(), person.id, &credentials).await?;
                tx.commit().await?;
            }
            return Ok(person);
        }
        credentials.failed_attempts += 1;
        put_credentials(tx.as_mut(), person.id, &credentials).await?;
        let max = self.sign_in.max_failures;
        let message = if credentials.failed_attempts >= max {
            let mut locked = person.clone();
            locked.status = PersonStatus::Locked;
            locked.updated_at = Utc::now();
            entity::update(
                tx.as_mut(),
                &Actor::system(),
                "person.lock",
                &before,
                &locked,
                None,
            )
            .await?;
            tx.end_sessions_of(&person.id.to_string(), locked.updated_at)
                .await?;
            tracing::warn!(account = %person.account, "account locked after {max} failed sign-ins");
            format!("密码连续错误{max}次，账号已锁定，请联系安全管理员解锁")
        } else {
            tracing::info!(account = %person.account, attempts = credentials.failed_attempts, "failed sign-in");
            format!(
                "{WRONG_PASSWORD}，再错{}次账号将被锁定",
                max - credentials.failed_attempts
            )
        };
        tx.commit().await?;
        Err(CatalogError::Unauthenticated(message))
    }

    /// Open a session for a person whose first factor passed (password or single sign-on).
    pub async fn start_session(&self, person: &Person) -> Result<NewSession> {
        let role = *person
            .roles
            .iter()
            .next()
            .ok_or_else(|| CatalogError::Forbidden("账号没有任何角色".to_string()))?;
        let now = Utc::now();
        let secret = random_hex(32)?;
        let stage = SessionStage::after(person, false);
        let record = SessionRecord {
            id_hash: session_key(&secret),
            person_id: person.id.to_string(),
            role: role.as_str().to_string(),
            stage: stage.as_str().to_string(),
            csrf: random_hex(32)?,
            created_at: now,
            last_seen_at: now,
            ended_at: None,
        };
        self.store.insert_session(&record).await?;
        tracing::info!(account = %person.account, "signed in");
        Ok(NewSession {
            secret,
            signed_in: SignedIn {
                person: person.clone(),
                role,
                stage,
                csrf: record.csrf.clone(),
                record,
            },
        })
    }

    /// The session a cookie's secret stands for; `None` when unknown, ended, idle too long, past
    /// its absolute limit, or its person can no longer sign in. Use is recorded at most once a
    /// minute.
    pub async fn session(&self, secret: &str) -> Result<Option<SignedIn>> {
        let Some(mut record) = self.store.session(&session_key(secret)).await? else {
            return Ok(None);
        };
        if record.ended_at.is_some() {
            return Ok(None);
        }
        let now = Utc::now();
        let policy = &self.sign_in;
        if now - record.last_seen_at > policy.idle_timeout
            || now - record.created_at > policy.absolute_timeout
        {
            record.ended_at = Some(now);
            self.store.update_session(&record).await?;
            return Ok(None);
        }
        let Ok(person_id) = record.person_id.parse::<Uuid>() else {
            return Ok(None);
        };
        let person = self.person(person_id).await?.value;
        let role = Role::parse(&record.role).filter(|r| person.holds(*r));
        let (Some(role), Some(stage), PersonStatus::Active) =
            (role, SessionStage::parse(&record.stage), person.status)
        else {
            return Ok(None);
        };
        if now - record.last_seen_at > Duration::minutes(1) {
            record.last_seen_at = now;
            self.store.update_session(&record).await?;
        }
        Ok(Some(SignedIn {
            person,
            role,
            stage,
            csrf: record.csrf.clone(),
            record,
        }))
    }

    /// Sign out: the session ends for good.
    pub async fn end_session(&self, session: &SignedIn) -> Result<()> {
        let mut record = session.record.clone();
        record.ended_at = Some(Utc::now());
        self.store.update_session(&record).await
    }

    /// Act in another of the person's roles from now on.
    pub async fn switch_role(&self, session: &SignedIn, role: Role) -> Result<()> {
        if !session.person.holds(role) {
            return Err(CatalogError::Forbidden(format!(
                "您未被授予“{}”角色",
                role.label()
            )));
        }
        let mut record = session.record.clone();
        record.role = role.as_str().to_string();
        self.store.update_session(&record).await
    }

    async fn set_stage(&self, session: &SignedIn, stage: SessionStage) -> Result<SessionStage> {
        let mut record = session.record.clone();
        record.stage = stage.as_str().to_string();
        self.store.update_session(&record).await?;
        Ok(stage)
    }

    /// The TOTP code of a session waiting for its second factor. A code is accepted once: a
    /// replayed code is refused even inside its 30 seconds.
    pub async fn pass_second_factor(&self, session: &SignedIn, code: &str) -> Result<SessionStage> {
        if session.stage != SessionStage::SecondFactor {
            return Err(CatalogError::InvalidTransition(
                "当前无需输入动态验证码".to_string(),
            ));
        }
        let person = &session.person;
        let mut tx = self.store.begin_write().await?;
        let mut credentials = credentials_in(tx.as_mut(), person.id).await?;
        let secret = credentials
            .totp_secret
            .clone()
            .ok_or_else(|| CatalogError::Storage("未找到已绑定的动态验证码密钥".to_string()))?;
        let totp = totp_of(&secret, &person.account)?;
        let step = matching_step(&totp, code, Utc::now())
            .ok_or_else(|| CatalogError::invalid("code", "动态验证码不正确"))?;
        if credentials.totp_last_step.is_some_and(|last| step <= last) {
            return Err(CatalogError::invalid(
                "code",
                "该动态验证码已使用过，请等待下一个验证码",
            ));
        }
        credentials.totp_last_step = Some(step);
        put_credentials(tx.as_mut(), person.id, &credentials).await?;
        tx.commit().await?;
        self.set_stage(session, SessionStage::after(person, true))
            .await
    }

    /// Change one's own password (the old one proves it is the person).
    pub async fn change_own_password(
        &self,
        session: &SignedIn,
        old: &str,
        new: &str,
    ) -> Result<SessionStage> {
        let actor = session.actor();
        let id = session.person.id;
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<Person> = entity::load(tx.as_mut(), id).await?;
        let mut credentials = credentials_in(tx.as_mut(), id).await?;
        if !credentials
            .password_hash
            .as_deref()
            .is_some_and(|hash| verify_password(old, hash))
        {
            return Err(CatalogError::invalid("old_password", "原密码不正确"));
        }
        if old == new {
            return Err(CatalogError::invalid("password", "新密码不能与原密码相同"));
        }
        check_password(&before.value.account, new)?;
        credentials.password_hash = Some(hash_password(new)?);
        let mut after = before.value.clone();
        after.must_change_password = false;
        after.updated_at = Utc::now();
        entity::update(
            tx.as_mut(),
            &actor,
            "person.change_password",
            &before,
            &after,
            None,
        )
        .await?;
        put_credentials(tx.as_mut(), id, &credentials).await?;
        tx.commit().await?;
        // The second factor, if any, already passed in this session.
        self.set_stage(session, SessionStage::after(&after, true))
            .await
    }

    /// Start enrolling a second factor: a new secret, pending until a code from it is confirmed.
    pub async fn begin_totp_enrollment(&self, session: &SignedIn) -> Result<TotpEnrollment> {
        let person = &session.person;
        let mut tx = self.store.begin_write().await?;
        let mut credentials = credentials_in(tx.as_mut(), person.id).await?;
        if person.totp_enabled {
            return Err(CatalogError::InvalidTransition(
                "已绑定动态验证码；如需更换，请联系安全管理员".to_string(),
            ));
        }
        let mut raw = [0u8; 20];
        getrandom::fill(&mut raw)
            .map_err(|e| CatalogError::Storage(format!("无法生成随机数：{e}")))?;
        let secret = Secret::Raw(raw.to_vec()).to_encoded().to_string();
        credentials.totp_secret = Some(secret.clone());
        credentials.totp_last_step = None;
        put_credentials(tx.as_mut(), person.id, &credentials).await?;
        tx.commit().await?;
        let url = totp_of(&secret, &person.account)?.get_url();
        Ok(TotpEnrollment { secret, url })
    }

    /// The secret being enrolled, to show again (e.g. after a mistyped code).
    pub async fn pending_totp(&self, session: &SignedIn) -> Result<Option<TotpEnrollment>> {
        let person = &session.person;
        if person.totp_enabled {
            return Ok(None);
        }
        let Some(text) = self.store.get_credentials(&person.id.to_string()).await? else {
            return Ok(None);
        };
        let credentials = parse_credentials(&text)?;
        credentials
            .totp_secret
            .map(|secret| {
                let url = totp_of(&secret, &person.account)?.get_url();
                Ok(TotpEnrollment { secret, url })
            })
            .transpose()
    }

    /// Confirm enrolment with a code from the new secret; the second factor is on from now.
    pub async fn confirm_totp_enrollment(
        &self,
        session: &SignedIn,
        code: &str,
    ) -> Result<SessionStage> {
        let actor = session.actor();
        let id = session.person.id;
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<Person> = entity::load(tx.as_mut(), id).await?;
        let mut credentials = credentials_in(tx.as_mut(), id).await?;
        let secret = credentials
            .totp_secret
            .clone()
            .filter(|_| !before.value.totp_enabled)
            .ok_or_else(|| CatalogError::InvalidTransition("请先生成动态验证码密钥".to_string()))?;
        let step = matching_step(&totp_of(&secret, &before.value.account)?, code, Utc::now())
            .ok_or_else(|| CatalogError::invalid("code", "动态验证码不正确"))?;
        credentials.totp_last_step = Some(step);
        let after = enable_totp(tx, &actor, &before, &credentials).await?;
        self.set_stage(session, SessionStage::after(&after, true))
            .await
    }

    /// The current code of a person's enrolled secret: for the demo and tests, which play the
    /// person's authenticator app.
    pub async fn current_totp_code(&self, person_id: Uuid, at: DateTime<Utc>) -> Result<String> {
        let text = self
            .store
            .get_credentials(&person_id.to_string())
            .await?
            .ok_or_else(|| CatalogError::not_found("credentials", person_id.to_string()))?;
        let credentials = parse_credentials(&text)?;
        let person = self.person(person_id).await?.value;
        let secret = credentials
            .totp_secret
            .ok_or_else(|| CatalogError::invalid("totp", "未绑定动态验证码"))?;
        Ok(totp_of(&secret, &person.account)?.generate(at.timestamp().max(0) as u64))
    }

    /// Enrol a known secret directly (the demo's duty people, whose secret is printed).
    pub async fn enroll_totp_secret(
        &self,
        actor: &Actor,
        person_id: Uuid,
        secret: &str,
    ) -> Result<()> {
        actor.require_role(&[], "直接绑定动态验证码")?;
        let mut tx = self.store.begin_write().await?;
        let before: Versioned<Person> = entity::load(tx.as_mut(), person_id).await?;
        totp_of(secret, &before.value.account)?;
        let mut credentials = credentials_in(tx.as_mut(), person_id).await?;
        credentials.totp_secret = Some(secret.to_string());
        enable_totp(tx, actor, &before, &credentials).await?;
        Ok(())
    }
}

/// Turn the second factor on with `credentials` (holding its secret), in one audited write.
async fn enable_totp(
    mut tx: Box<dyn WriteTx>,
    actor: &Actor,
    before: &Versioned<Person>,
    credentials: &Credentials,
) -> Result<Person> {
    let mut after = before.value.clone();
    after.totp_enabled = true;
    after.updated_at = Utc::now();
    entity::update(
        tx.as_mut(),
        actor,
        "person.enable_totp",
        before,
        &after,
        None,
    )
    .await?;
    put_credentials(tx.as_mut(), after.id, credentials).await?;
    tx.commit().await?;
    Ok(after)
}

/// An argon2id hash of a random password, verified against when an account does not exist.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    random_hex(16)
        .and_then(|p| hash_password(&p))
        .unwrap_or_default()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_only() {
        let account = Account::parse("duty.admin").unwrap();
        let secret = Secret::Raw(vec![7u8; 20]).to_encoded().to_string();
        let totp = totp_of(&secret, &account).unwrap();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let step = 1_800_000_000 / 30;
        let code = totp.generate(step * 30);
        assert_eq!(matching_step(&totp, &code, now), Some(step));
        let old = totp.generate((step - 5) * 30);
        assert_eq!(matching_step(&totp, &old, now), None);
        assert_eq!(matching_step(&totp, "12345a", now), None);
    }
}
