//! Login without passwords, sessions and per-participant rate limits.
//!
//! **Challenge.** `POST /api/v1/login/challenge` returns 32 random bytes (base64url, no
//! padding), valid for the configured challenge lifetime and usable once.
//!
//! **Signed bytes.** The client signs, with one of its registered Ed25519 keys,
//! `"wastetrail/login/v1\n" || origin || "\n" || challenge` (UTF-8; `origin` is the log
//! origin, `challenge` the text as received). The domain-separation prefix keeps a login
//! signature from ever being a valid statement signature (`wastetrail/statement/v1\n`) and
//! the origin binds it to this log.
//!
//! **Session.** `POST /api/v1/login` answers with a random token, sent as an `HttpOnly`,
//! `SameSite=Strict` cookie (browsers) and in the body (API clients: `Authorization: Bearer`).
//! Sessions expire after the configured lifetime. Only the SHA-256 of a token is kept.
//!
//! **Where they live.** Challenges and sessions are kept in the memory of the process. With
//! several server instances a client must keep talking to the instance it logged in at
//! (sticky sessions at the load balancer); a restart logs everyone out.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};

/// Domain-separation prefix of the login signing input.
pub const LOGIN_SIGNING_PREFIX: &str = "wastetrail/login/v1\n";

/// The exact bytes a client signs to log in.
pub fn login_signing_input(origin: &str, challenge: &str) -> Vec<u8> {
    format!("{LOGIN_SIGNING_PREFIX}{origin}\n{challenge}").into_bytes()
}

const B64URL: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    B64URL.encode(b)
}

fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A logged-in participant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The participant id.
    pub participant: String,
    /// When it ends (monotonic).
    pub expires: Instant,
    /// When it ends (wall clock, for answers).
    pub expires_at: time::OffsetDateTime,
}

/// Why a challenge was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChallengeError {
    /// Never issued, or already used.
    Unknown,
    /// Issued but expired.
    Expired,
}

/// Challenges and sessions of this process.
pub struct Sessions {
    challenge_ttl: Duration,
    session_ttl: Duration,
    challenges: Mutex<HashMap<String, Instant>>,
    sessions: Mutex<HashMap<[u8; 32], Session>>,
}

impl Sessions {
    /// An empty store with the given lifetimes.
    pub fn new(challenge_ttl: Duration, session_ttl: Duration) -> Self {
        Sessions {
            challenge_ttl,
            session_ttl,
            challenges: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// Issues a new challenge; returns it with its wall-clock expiry.
    pub fn challenge(&self) -> (String, time::OffsetDateTime) {
        let c = random_token();
        let now = Instant::now();
        if let Ok(mut m) = self.challenges.lock() {
            m.retain(|_, exp| *exp > now);
            m.insert(c.clone(), now + self.challenge_ttl);
        }
        (c, time::OffsetDateTime::now_utc() + self.challenge_ttl)
    }

    /// Consumes a challenge (whatever happens next, it cannot be used again).
    pub fn take_challenge(&self, c: &str) -> Result<(), ChallengeError> {
        let exp = self
            .challenges
            .lock()
            .ok()
            .and_then(|mut m| m.remove(c))
            .ok_or(ChallengeError::Unknown)?;
        if exp <= Instant::now() {
            return Err(ChallengeError::Expired);
        }
        Ok(())
    }

    /// Opens a session for `participant`; returns the token and the session.
    pub fn open(&self, participant: &str) -> (String, Session) {
        let token = random_token();
        let now = Instant::now();
        let s = Session {
            participant: participant.to_owned(),
            expires: now + self.session_ttl,
            expires_at: time::OffsetDateTime::now_utc() + self.session_ttl,
        };
        if let Ok(mut m) = self.sessions.lock() {
            m.retain(|_, v| v.expires > now);
            m.insert(token_hash(&token), s.clone());
        }
        (token, s)
    }

    /// The live session of a token.
    pub fn get(&self, token: &str) -> Option<Session> {
        let now = Instant::now();
        let m = self.sessions.lock().ok()?;
        m.get(&token_hash(token))
            .filter(|s| s.expires > now)
            .cloned()
    }

    /// Ends a session.
    pub fn close(&self, token: &str) {
        if let Ok(mut m) = self.sessions.lock() {
            m.remove(&token_hash(token));
        }
    }

    /// The session lifetime.
    pub fn session_ttl(&self) -> Duration {
        self.session_ttl
    }
}

/// Per-participant token buckets.
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// `per_minute` refill, `burst` capacity.
    pub fn new(per_minute: u32, burst: u32) -> Self {
        RateLimiter {
            per_second: f64::from(per_minute) / 60.0,
            burst: f64::from(burst),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `who`; `Err(seconds to wait)` when the bucket is empty.
    pub fn check(&self, who: &str) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(mut m) = self.buckets.lock() else {
            return Ok(());
        };
        if m.len() > 100_000 {
            let burst = self.burst;
            let rate = self.per_second;
            m.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = m.entry(who.to_owned()).or_insert((self.burst, now));
        let refilled =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            *at = now;
            Ok(())
        } else {
            *tokens = refilled;
            *at = now;
            let wait = ((1.0 - refilled) / self.per_second).ceil();
            Err(if wait.is_finite() && wait >= 1.0 {
                wait as u64
            } else {
                1
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_is_single_use_and_expires() {
        let s = Sessions::new(Duration::from_millis(30), Duration::from_secs(60));
        let (c, _) = s.challenge();
        assert_eq!(s.take_challenge(&c), Ok(()));
        assert_eq!(s.take_challenge(&c), Err(ChallengeError::Unknown));
        let (c2, _) = s.challenge();
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(s.take_challenge(&c2), Err(ChallengeError::Expired));
        assert_eq!(
            s.take_challenge("never-issued"),
            Err(ChallengeError::Unknown)
        );
    }

    #[test]
    fn sessions_expire_and_close() {
        let s = Sessions::new(Duration::from_secs(1), Duration::from_millis(30));
        let (t, _) = s.open("p1");
        assert_eq!(s.get(&t).map(|x| x.participant), Some("p1".into()));
        std::thread::sleep(Duration::from_millis(50));
        assert!(s.get(&t).is_none());
        let s = Sessions::new(Duration::from_secs(1), Duration::from_secs(60));
        let (t, _) = s.open("p2");
        s.close(&t);
        assert!(s.get(&t).is_none());
    }

    #[test]
    fn rate_limiter_refuses_after_burst() {
        let r = RateLimiter::new(60, 2);
        assert!(r.check("a").is_ok());
        assert!(r.check("a").is_ok());
        assert!(r.check("a").is_err());
        assert!(r.check("b").is_ok());
    }

    #[test]
    fn signing_input_is_domain_separated() {
        assert_eq!(
            login_signing_input("example.org/log", "abc"),
            b"wastetrail/login/v1\nexample.org/log\nabc".to_vec()
        );
    }
}
