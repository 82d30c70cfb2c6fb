//! The one admission path: may this signed statement enter the log at this time?
//!
//! [`admit`] = [`authenticate`] (who signed, with which key, valid when) then [`decide`] (the
//! chain and the rules). Both are pure: the same registry, case, statement, body, law data and
//! time give the same answer, so a replay of the log reaches the decisions the server made.
//! The time is the log's `integrated_at` (the server passes the time it will write into the
//! leaf), never a clock read here.

use time::OffsetDateTime;
use wastetrail_basel::body::KeyInfo;
use wastetrail_basel::{Case, Facts, Filing, Registry, RuleId, StatementType, registry::Key};
use wastetrail_ledger::merkle::Hash;
use wastetrail_ledger::statement::{ParticipantPublicKey, SignedStatement, Statement};

/// The case id of every registry statement: the registry is one hash chain of its own.
use wastetrail_basel::REGISTRY_CASE;

/// Why a statement is not admitted. [`Refusal::code`] is the stable problem code the API uses.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The actor is not a registered participant.
    #[error("{0} is not registered.")]
    UnknownParticipant(String),
    /// The actor has no registered key with the statement's key id.
    #[error("{actor} has no registered key {key}.")]
    UnknownKey {
        /// The actor.
        actor: String,
        /// The key id named by the statement.
        key: String,
    },
    /// The signature does not verify with the actor's key.
    #[error("{0}")]
    BadSignature(String),
    /// The key is not valid at the statement's `issued_at` or at the log's time.
    #[error("Key {key} of {actor} is not valid at {at} (not yet valid, expired or revoked).")]
    KeyNotValid {
        /// The actor.
        actor: String,
        /// The key id.
        key: String,
        /// The time at which it is not valid (RFC 3339).
        at: String,
    },
    /// `prev` is not the head of the statement's chain; `head` is the current head.
    #[error("The statement's prev is not the current head of its case.")]
    StalePrev {
        /// The chain's head (`None`: the case does not exist yet).
        head: Option<Hash>,
    },
    /// A registry or Basel rule refuses it (rule ID, citation, sentence, field errors).
    #[error("{}", .0.message)]
    Rule(wastetrail_basel::Refusal),
}

impl Refusal {
    /// The stable problem code (docs/api.md).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::UnknownParticipant(_) => "unknown_participant",
            Refusal::UnknownKey { .. } => "unknown_key",
            Refusal::BadSignature(_) => "bad_signature",
            Refusal::KeyNotValid { .. } => "key_not_valid",
            Refusal::StalePrev { .. } => "stale_prev",
            Refusal::Rule(_) => "rule_violation",
        }
    }
}

/// What an admitted statement changes.
#[derive(Clone, Debug)]
pub enum Effect {
    /// The registry after a registry statement, and the participant it changed.
    Registry {
        /// The next registry.
        registry: Registry,
        /// The participant registered or whose keys changed.
        target: Option<String>,
    },
    /// The case after a case statement.
    Case(Box<Case>),
}

/// An admitted statement: its type and its effect.
#[derive(Clone, Debug)]
pub struct Admitted {
    /// The statement type.
    pub kind: StatementType,
    /// What it changes.
    pub effect: Effect,
}

/// How a participant key is written into the registry's statements (`participant.registered`,
/// `key.added`, the registrar's bootstrap): its key ID and its public key in standard base64,
/// the form [`authenticate`] reads back; no end of validity.
pub fn key_info(key: &ParticipantPublicKey) -> KeyInfo {
    KeyInfo::new(key.key_id().to_string(), key.to_base64())
}

/// Who signed: the actor is registered, the key is one of its keys, the signature verifies
/// (strict Ed25519 over the signing input), and the key is valid at the statement's
/// `issued_at` and at `at` (the log's time).
pub fn authenticate(
    registry: &Registry,
    signed: &SignedStatement,
    at: OffsetDateTime,
) -> Result<(), Refusal> {
    authenticate_with(registry, signed, at, None)
}

/// A statement signature verified ahead of the replay (on all cores), with the public key
/// the registry held for its actor and key id then: [`authenticate_with`] uses the outcome
/// only when the registry at the statement's turn holds that same key, and verifies again
/// otherwise, so the answer is the one [`authenticate`] gives.
#[derive(Clone, Debug)]
pub(crate) struct Checked {
    /// The registered key (base64, as the registry holds it) the signature was verified with.
    public_key: String,
    /// The outcome: the error's text when it did not verify.
    result: Result<(), String>,
}

/// The registered keys of a registry, parsed once: what the checks ahead of the replay verify
/// signatures with (owned, so that they can run on other threads while the replay goes on).
#[derive(Clone, Default)]
pub(crate) struct KeySnapshot {
    /// Participant id → (key id, registered key as base64, the key parsed).
    keys: std::collections::HashMap<String, Vec<(String, String, ParticipantPublicKey)>>,
}

impl KeySnapshot {
    /// The keys of `registry` (keys that do not parse are left out: the replay refuses them).
    pub(crate) fn of(registry: &Registry) -> Self {
        let keys = registry
            .participants()
            .map(|p| {
                let keys = p
                    .keys
                    .iter()
                    .filter_map(|k| {
                        let pk = ParticipantPublicKey::parse_base64(&k.public_key).ok()?;
                        Some((k.key_id.clone(), k.public_key.clone(), pk))
                    })
                    .collect();
                (p.id.clone(), keys)
            })
            .collect();
        Self { keys }
    }

    /// Verifies the signature of `statement` with the key the snapshot holds for its actor and
    /// key id; `None` when it holds no such key.
    pub(crate) fn check(&self, statement: &Statement, sig: &[u8; 64]) -> Option<Checked> {
        let (_, public_key, pk) = self
            .keys
            .get(statement.actor())?
            .iter()
            .find(|(id, ..)| id == statement.key().as_str())?;
        Some(Checked {
            public_key: public_key.clone(),
            result: pk.verify(statement, sig).map_err(|e| e.to_string()),
        })
    }
}

/// [`authenticate`], reusing `checked` when it was verified with the key the registry holds.
pub(crate) fn authenticate_with(
    registry: &Registry,
    signed: &SignedStatement,
    at: OffsetDateTime,
    checked: Option<&Checked>,
) -> Result<(), Refusal> {
    let st = &signed.statement;
    let actor = registry
        .get(st.actor())
        .ok_or_else(|| Refusal::UnknownParticipant(st.actor().to_owned()))?;
    let key: &Key = actor
        .keys
        .iter()
        .find(|k| k.key_id == st.key().as_str())
        .ok_or_else(|| Refusal::UnknownKey {
            actor: st.actor().to_owned(),
            key: st.key().to_string(),
        })?;
    match checked.filter(|c| c.public_key == key.public_key) {
        // Verified with this very key before (its parse succeeded then, too).
        Some(c) => c.result.clone().map_err(Refusal::BadSignature)?,
        None => {
            let pk = ParticipantPublicKey::parse_base64(&key.public_key).map_err(|e| {
                Refusal::BadSignature(format!("the registered key is unusable: {e}"))
            })?;
            signed
                .verify(&pk)
                .map_err(|e| Refusal::BadSignature(e.to_string()))?;
        }
    }
    let issued = st.issued_at().datetime();
    for t in [issued, at] {
        if !key.valid_at(t) {
            return Err(Refusal::KeyNotValid {
                actor: st.actor().to_owned(),
                key: st.key().to_string(),
                at: st_time(t),
            });
        }
    }
    Ok(())
}

fn st_time(t: OffsetDateTime) -> String {
    wastetrail_ledger::statement::Timestamp::from_datetime(t)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// The chain and the rules for an authenticated (or, in a case file, unsigned) filing:
/// `prev` must be `head` (the current head of the statement's chain), registry statements use
/// the case [`REGISTRY_CASE`] and only they do (CASE-02), and the registry rules
/// (`Registry::apply`) or the Basel rules (`wastetrail_basel::apply`) must allow it at `at`.
/// `case` is the case as it stands (`None`: a new case).
pub fn decide(
    registry: &Registry,
    case: Option<&Case>,
    head: Option<Hash>,
    prev: Option<Hash>,
    filing: &Filing,
    facts: &Facts,
    at: OffsetDateTime,
) -> Result<Effect, Refusal> {
    let kind = filing.kind;
    if kind.is_registry() != (filing.case == REGISTRY_CASE) {
        return Err(Refusal::Rule(wastetrail_basel::Refusal::new(
            RuleId::Case02,
            if kind.is_registry() {
                format!("Registry statements use the case \"{REGISTRY_CASE}\".")
            } else {
                format!("The case id \"{REGISTRY_CASE}\" is reserved for registry statements.")
            },
        )));
    }
    if prev != head {
        return Err(Refusal::StalePrev { head });
    }
    if kind.is_registry() {
        let next = registry.apply(filing, at).map_err(Refusal::Rule)?;
        return Ok(Effect::Registry {
            registry: next,
            target: registry_target(filing),
        });
    }
    let fresh;
    let base = match case {
        Some(c) => c,
        None => {
            fresh = Case::new(filing.case.clone());
            &fresh
        }
    };
    wastetrail_basel::apply(base, filing, registry, facts, at)
        .map(|c| Effect::Case(Box::new(c)))
        .map_err(Refusal::Rule)
}

/// [`authenticate`] then [`decide`] for a signed statement whose disclosed (redacted) body is
/// `body` (checked against the statement's commitment by the caller:
/// `wastetrail_ledger::statement::Submission::parse` or `Disclosure::check`).
#[allow(clippy::too_many_arguments)]
pub fn admit(
    registry: &Registry,
    case: Option<&Case>,
    head: Option<Hash>,
    signed: &SignedStatement,
    body: serde_json::Value,
    facts: &Facts,
    at: OffsetDateTime,
) -> Result<Admitted, Refusal> {
    admit_with(registry, case, head, signed, body, facts, at, None)
}

/// [`admit`] with a signature verified ahead ([`authenticate_with`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn admit_with(
    registry: &Registry,
    case: Option<&Case>,
    head: Option<Hash>,
    signed: &SignedStatement,
    body: serde_json::Value,
    facts: &Facts,
    at: OffsetDateTime,
    checked: Option<&Checked>,
) -> Result<Admitted, Refusal> {
    authenticate_with(registry, signed, at, checked)?;
    let st = &signed.statement;
    let kind = StatementType::parse(st.kind()).ok_or_else(|| {
        Refusal::Rule(wastetrail_basel::Refusal::new(
            RuleId::Case02,
            format!("{} is not a known statement type.", st.kind()),
        ))
    })?;
    let filing = Filing::new(kind, st.case(), st.actor(), st.issued_at().datetime(), body);
    let effect = decide(registry, case, head, st.prev().copied(), &filing, facts, at)?;
    Ok(Admitted { kind, effect })
}

/// The participant a registry filing changes.
pub fn registry_target(filing: &Filing) -> Option<String> {
    let key = match filing.kind {
        StatementType::ParticipantRegistered => "id",
        StatementType::KeyAdded | StatementType::KeyRevoked => "participant",
        _ => return None,
    };
    filing
        .body
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// The border question for a `movement.started` statement: its shipment number and what
/// [`wastetrail_basel::may_start`] answered over the case as it stood before it (`case`,
/// `None` for a case not yet opened) on the day the movement started. `None` for any other
/// statement, or a body without `shipment_no` and `started_on`. The server's movement check,
/// the evidence check and the chain-of-custody report all ask this one function.
pub fn movement_verdict(
    case: Option<&Case>,
    signed: &SignedStatement,
    body: &serde_json::Value,
    facts: &Facts,
) -> Option<(u32, wastetrail_basel::Verdict)> {
    let st = &signed.statement;
    if st.kind() != StatementType::MovementStarted.as_str() {
        return None;
    }
    let no = u32::try_from(body.get("shipment_no")?.as_u64()?).ok()?;
    let on = body.get("started_on")?.as_str()?;
    let date = time::Date::parse(
        on,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    let start = date.midnight().assume_utc();
    let verdict = match case {
        Some(c) => wastetrail_basel::may_start(c, no, facts, start),
        None => wastetrail_basel::may_start(&Case::new(st.case()), no, facts, start),
    };
    Some((no, verdict))
}

/// The rule IDs of a verdict's checks that were not met or rested on a fact the law data does
/// not know: what the border answers list, with no detail of the case.
pub fn failed_rules(v: &wastetrail_basel::Verdict) -> Vec<String> {
    v.reasons
        .iter()
        .filter(|r| r.unknown_fact || r.outcome != wastetrail_basel::Outcome::Met)
        .map(|r| r.rule_id.as_str().to_owned())
        .collect()
}
