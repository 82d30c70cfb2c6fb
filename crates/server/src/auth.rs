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
//! **Challenge store.** Pending challenges are bounded (`max_pending_challenges`): they are
//! kept in issue order, which is also expiry order (one lifetime for all), so expired and used
//! ones are dropped from the front without scanning the store. When it is full, no challenge is
//! issued (the handler answers 503 with `Retry-After`) instead of the store growing. Challenges
//! are also rate-limited per client address (see [`client_key`]).
//!
//! **Session.** `POST /api/v1/login` answers with a random token, sent as an `HttpOnly`,
//! `SameSite=Strict` cookie (browsers) and in the body (API clients: `Authorization: Bearer`).
//! Sessions expire after the configured lifetime. Only the SHA-256 of a token is kept. A session
//! records the key it was opened with: once that key is revoked or expired in the registry (as
//! replayed from the log, so also when another instance filed the revocation), every request
//! with the session is refused (`401 session_revoked`) and the session is dropped.
//!
//! **Where they live.** Challenges and sessions are kept in the memory of the process. With
//! several server instances a client must keep talking to the instance it logged in at
//! (sticky sessions at the load balancer); a restart logs everyone out.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
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
    /// The key id (`ed25519:<hex16>`) the login was signed with.
    pub key_id: String,
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

/// The challenge store is full: no challenge can be issued for `retry_after` seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChallengesFull {
    /// Seconds until the oldest pending challenge expires (at least 1).
    pub retry_after: u64,
}

/// Pending challenges: a map for lookup and a queue in issue (= expiry) order for eviction.
/// The queue holds the SHA-256 of each challenge issued and not yet dropped, used or not; its
/// length is what the capacity bounds, so memory never exceeds it.
#[derive(Default)]
struct Challenges {
    by_hash: HashMap<[u8; 32], Instant>,
    order: VecDeque<([u8; 32], Instant)>,
}

impl Challenges {
    /// Drops, from the front, entries that have expired or were used.
    fn evict(&mut self, now: Instant) {
        while let Some((h, exp)) = self.order.front() {
            if *exp <= now {
                self.by_hash.remove(h);
            } else if self.by_hash.contains_key(h) {
                break;
            }
            self.order.pop_front();
        }
    }
}

/// Challenges and sessions of this process.
pub struct Sessions {
    challenge_ttl: Duration,
    session_ttl: Duration,
    max_challenges: usize,
    challenges: Mutex<Challenges>,
    sessions: Mutex<HashMap<[u8; 32], Session>>,
}

impl Sessions {
    /// An empty store with the given lifetimes and at most `max_challenges` pending challenges.
    pub fn new(challenge_ttl: Duration, session_ttl: Duration, max_challenges: usize) -> Self {
        Sessions {
            challenge_ttl,
            session_ttl,
            max_challenges: max_challenges.max(1),
            challenges: Mutex::new(Challenges::default()),
            sessions: Mutex::new(HashMap::new()),
        }
    }

    /// Issues a new challenge; returns it with its wall-clock expiry, or [`ChallengesFull`]
    /// when the store holds `max_challenges` challenges that are neither expired nor used.
    pub fn challenge(&self) -> Result<(String, time::OffsetDateTime), ChallengesFull> {
        let c = random_token();
        let now = Instant::now();
        let Ok(mut m) = self.challenges.lock() else {
            return Err(ChallengesFull { retry_after: 1 });
        };
        m.evict(now);
        if m.order.len() >= self.max_challenges {
            let wait = m
                .order
                .front()
                .map(|(_, exp)| exp.saturating_duration_since(now).as_secs_f64().ceil())
                .unwrap_or(1.0);
            return Err(ChallengesFull {
                retry_after: (wait as u64).max(1),
            });
        }
        let exp = now + self.challenge_ttl;
        let h = token_hash(&c);
        m.by_hash.insert(h, exp);
        m.order.push_back((h, exp));
        drop(m);
        Ok((c, time::OffsetDateTime::now_utc() + self.challenge_ttl))
    }

    /// Consumes a challenge (whatever happens next, it cannot be used again).
    pub fn take_challenge(&self, c: &str) -> Result<(), ChallengeError> {
        let now = Instant::now();
        let exp = self
            .challenges
            .lock()
            .ok()
            .and_then(|mut m| {
                let exp = m.by_hash.remove(&token_hash(c));
                m.evict(now);
                exp
            })
            .ok_or(ChallengeError::Unknown)?;
        if exp <= now {
            return Err(ChallengeError::Expired);
        }
        Ok(())
    }

    /// The number of challenge slots in use (pending challenges, and used ones not yet
    /// dropped); never more than the capacity.
    pub fn pending_challenges(&self) -> usize {
        self.challenges.lock().map(|m| m.order.len()).unwrap_or(0)
    }

    /// Opens a session for `participant`, logged in with the key `key_id`; returns the token
    /// and the session.
    pub fn open(&self, participant: &str, key_id: &str) -> (String, Session) {
        let token = random_token();
        let now = Instant::now();
        let s = Session {
            participant: participant.to_owned(),
            key_id: key_id.to_owned(),
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

/// The rate-limit key of a client: its IP address (an IPv6 address by its /64 prefix, which
/// one host usually holds whole). The peer address of the connection, or, only when
/// `trust_proxy` is set, the client address that the proxy put in `Forwarded` or
/// `X-Forwarded-For`.
pub fn client_key(req: &actix_web::HttpRequest, trust_proxy: bool) -> String {
    let ip = if trust_proxy {
        req.connection_info()
            .realip_remote_addr()
            .and_then(parse_ip)
            .or_else(|| req.peer_addr().map(|a| a.ip()))
    } else {
        req.peer_addr().map(|a| a.ip())
    };
    match ip {
        Some(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map(|v4| v4.to_string())
            .unwrap_or_default(),
        Some(ip) => ip.to_string(),
        None => "unknown".to_owned(),
    }
}

/// An IP address from `1.2.3.4`, `1.2.3.4:5`, `[::1]:5`, `::1` or `"[::1]"`.
fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim().trim_matches('"');
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            s.strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|r| r.parse().ok())
        })
}

/// Per-participant (or per-client) token buckets.
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
        let s = Sessions::new(Duration::from_millis(30), Duration::from_secs(60), 100);
        let (c, _) = s.challenge().unwrap();
        assert_eq!(s.take_challenge(&c), Ok(()));
        assert_eq!(s.take_challenge(&c), Err(ChallengeError::Unknown));
        let (c2, _) = s.challenge().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(s.take_challenge(&c2), Err(ChallengeError::Expired));
        assert_eq!(
            s.take_challenge("never-issued"),
            Err(ChallengeError::Unknown)
        );
    }

    #[test]
    fn sessions_expire_and_close() {
        let s = Sessions::new(Duration::from_secs(1), Duration::from_millis(30), 100);
        let (t, _) = s.open("p1", "ed25519:0011223344556677");
        let got = s.get(&t).unwrap();
        assert_eq!(got.participant, "p1");
        assert_eq!(got.key_id, "ed25519:0011223344556677");
        std::thread::sleep(Duration::from_millis(50));
        assert!(s.get(&t).is_none());
        let s = Sessions::new(Duration::from_secs(1), Duration::from_secs(60), 100);
        let (t, _) = s.open("p2", "ed25519:0011223344556677");
        s.close(&t);
        assert!(s.get(&t).is_none());
    }

    #[test]
    fn challenge_store_is_bounded_and_frees_used_and_expired_slots() {
        let s = Sessions::new(Duration::from_millis(200), Duration::from_secs(60), 3);
        let a = s.challenge().unwrap().0;
        let b = s.challenge().unwrap().0;
        let _c = s.challenge().unwrap().0;
        for _ in 0..1000 {
            let full = s.challenge().unwrap_err();
            assert!(full.retry_after >= 1);
            assert_eq!(s.pending_challenges(), 3);
        }
        // The oldest, once used, frees its slot from the front at once.
        assert_eq!(s.take_challenge(&a), Ok(()));
        assert_eq!(s.pending_challenges(), 2);
        let d = s.challenge().unwrap().0;
        assert!(s.challenge().is_err());
        // A used one in the middle stays counted until it reaches the front.
        assert_eq!(s.take_challenge(&d), Ok(()));
        assert_eq!(s.pending_challenges(), 3);
        assert!(s.challenge().is_err());
        // Expiry empties the store without anything being taken.
        std::thread::sleep(Duration::from_millis(250));
        let e = s.challenge().unwrap().0;
        assert_eq!(s.pending_challenges(), 1);
        assert_eq!(s.take_challenge(&b), Err(ChallengeError::Unknown));
        assert_eq!(s.take_challenge(&e), Ok(()));
        assert_eq!(s.pending_challenges(), 0);
    }

    #[test]
    fn client_key_uses_the_peer_unless_proxies_are_trusted() {
        let req = actix_web::test::TestRequest::default()
            .peer_addr("10.1.2.3:4567".parse().unwrap())
            .insert_header(("x-forwarded-for", "192.0.2.9"))
            .to_http_request();
        assert_eq!(client_key(&req, false), "10.1.2.3");
        assert_eq!(client_key(&req, true), "192.0.2.9");
        let req = actix_web::test::TestRequest::default()
            .peer_addr("[2001:db8:1:2:3:4:5:6]:443".parse().unwrap())
            .to_http_request();
        assert_eq!(client_key(&req, false), "2001:db8:1:2::/64");
        assert_eq!(client_key(&req, true), "2001:db8:1:2::/64");
        let req = actix_web::test::TestRequest::default()
            .peer_addr("[::ffff:127.0.0.5]:1".parse().unwrap())
            .to_http_request();
        assert_eq!(client_key(&req, false), "127.0.0.5");
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
