//! The registry of participants: a pure projection of `participant.registered`, `key.added` and
//! `key.revoked` statements, with its own authorization rules (REG-01..REG-03).
//!
//! The registrar (bootstrap key from configuration) registers competent authorities and auditors;
//! a competent authority registers customs offices, exporters, generators, importers, carriers and
//! disposers of its own country. Keys are added or revoked by the participant itself or by whoever
//! registered it.

use std::collections::BTreeMap;

use serde::Serialize;
use time::OffsetDateTime;

use crate::body::{Body, KeyInfo, ParticipantKind};
use crate::facts::CountryCode;
use crate::filing::Filing;
use crate::verdict::{Refusal, RuleId};

/// A key of a participant with its validity window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Key {
    /// Key id (the envelope's `key`).
    pub key_id: String,
    /// The public key, as the ledger encodes it.
    pub public_key: String,
    /// Valid from (the time the statement adding it was applied).
    #[serde(with = "time::serde::rfc3339")]
    pub valid_from: OffsetDateTime,
    /// Valid until, if limited.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub valid_until: Option<OffsetDateTime>,
    /// Revoked at, if revoked.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub revoked_at: Option<OffsetDateTime>,
}

impl Key {
    /// True when the key may sign at `at`.
    pub fn valid_at(&self, at: OffsetDateTime) -> bool {
        self.valid_from <= at
            && self.valid_until.is_none_or(|u| at < u)
            && self.revoked_at.is_none_or(|r| at < r)
    }
}

/// A registered participant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Participant {
    /// Participant id.
    pub id: String,
    /// Kind.
    pub kind: ParticipantKind,
    /// Country.
    pub country: CountryCode,
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Who registered it (participant id; the registrar registers itself).
    pub registered_by: String,
    /// Its keys.
    pub keys: Vec<Key>,
}

/// The registry of participants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Registry {
    registrar: String,
    participants: BTreeMap<String, Participant>,
}

impl Registry {
    /// A registry holding only the registrar (from configuration), with its bootstrap key.
    pub fn bootstrap(
        registrar_id: &str,
        country: CountryCode,
        name: &str,
        key: KeyInfo,
        at: OffsetDateTime,
    ) -> Registry {
        let p = Participant {
            id: registrar_id.to_owned(),
            kind: ParticipantKind::Registrar,
            country,
            name: name.to_owned(),
            address: String::new(),
            registered_by: registrar_id.to_owned(),
            keys: vec![Key {
                key_id: key.key_id,
                public_key: key.public_key,
                valid_from: at,
                valid_until: key.valid_until,
                revoked_at: None,
            }],
        };
        let mut participants = BTreeMap::new();
        participants.insert(p.id.clone(), p);
        Registry {
            registrar: registrar_id.to_owned(),
            participants,
        }
    }

    /// A registry made directly from participants, for offline case files and tests: the
    /// participants are taken as given (their registration is not re-checked). `registrar_id` must
    /// name one of them of kind registrar, and ids must be unique.
    pub fn from_participants(
        registrar_id: &str,
        participants: impl IntoIterator<Item = Participant>,
    ) -> Result<Registry, Refusal> {
        let mut map = BTreeMap::new();
        for p in participants {
            if map.contains_key(&p.id) {
                return Err(Refusal::new(
                    RuleId::Reg01,
                    format!("Participant id {} appears more than once.", p.id),
                ));
            }
            map.insert(p.id.clone(), p);
        }
        match map.get(registrar_id) {
            Some(p) if p.kind == ParticipantKind::Registrar => {}
            _ => {
                return Err(Refusal::new(
                    RuleId::Reg01,
                    format!("{registrar_id} is not among the participants as a registrar."),
                ));
            }
        }
        Ok(Registry {
            registrar: registrar_id.to_owned(),
            participants: map,
        })
    }

    /// The registrar's participant id.
    pub fn registrar(&self) -> &str {
        &self.registrar
    }

    /// A participant by id.
    pub fn get(&self, id: &str) -> Option<&Participant> {
        self.participants.get(id)
    }

    /// Every participant, ordered by id.
    pub fn participants(&self) -> impl Iterator<Item = &Participant> {
        self.participants.values()
    }

    /// The competent authorities of a country.
    pub fn authorities_of<'a>(
        &'a self,
        country: &'a CountryCode,
    ) -> impl Iterator<Item = &'a Participant> + 'a {
        self.participants
            .values()
            .filter(move |p| p.kind == ParticipantKind::CompetentAuthority && &p.country == country)
    }

    /// True when `participant` has a key `key_id` that may sign at `at`.
    pub fn key_valid(&self, participant: &str, key_id: &str, at: OffsetDateTime) -> bool {
        self.get(participant)
            .is_some_and(|p| p.keys.iter().any(|k| k.key_id == key_id && k.valid_at(at)))
    }

    /// Applies a registry statement (`participant.registered`, `key.added`, `key.revoked`).
    /// Pure: returns the new registry or the refusal naming the rule.
    pub fn apply(&self, filing: &Filing, at: OffsetDateTime) -> Result<Registry, Refusal> {
        if !filing.kind.is_registry() {
            return Err(Refusal::new(
                RuleId::Case01,
                format!(
                    "A {} statement is about a case, not about the registry.",
                    filing.kind
                ),
            ));
        }
        let body = Body::parse(filing.kind, &filing.body).map_err(|errors| {
            Refusal::new(
                RuleId::Case02,
                format!("The body of the {} statement has errors.", filing.kind),
            )
            .with_errors(errors)
        })?;
        let actor = self.get(&filing.actor).ok_or_else(|| {
            Refusal::new(
                RuleId::Reg03,
                format!("{} is not a registered participant.", filing.actor),
            )
        })?;
        let mut next = self.clone();
        match body {
            Body::ParticipantRegistered(r) => {
                if self.participants.contains_key(&r.id) {
                    return Err(Refusal::new(
                        RuleId::Reg01,
                        format!("Participant id {} is already registered.", r.id),
                    ));
                }
                self.key_is_free(&r.key)?;
                match actor.kind {
                    ParticipantKind::Registrar => {
                        if !matches!(
                            r.kind,
                            ParticipantKind::CompetentAuthority | ParticipantKind::Auditor
                        ) {
                            return Err(Refusal::new(
                                RuleId::Reg01,
                                format!(
                                    "The registrar registers only competent authorities and auditors, not a {}.",
                                    r.kind
                                ),
                            ));
                        }
                    }
                    ParticipantKind::CompetentAuthority => {
                        if matches!(
                            r.kind,
                            ParticipantKind::Registrar
                                | ParticipantKind::CompetentAuthority
                                | ParticipantKind::Auditor
                        ) {
                            return Err(Refusal::new(
                                RuleId::Reg01,
                                format!("Only the registrar registers a {}.", r.kind),
                            ));
                        }
                        if r.country != actor.country {
                            return Err(Refusal::new(
                                RuleId::Reg01,
                                format!(
                                    "The competent authority of {} may register participants of {} only, not of {}.",
                                    actor.country.as_str(),
                                    actor.country.as_str(),
                                    r.country.as_str()
                                ),
                            ));
                        }
                    }
                    k => {
                        return Err(Refusal::new(
                            RuleId::Reg01,
                            format!(
                                "A {k} may not register participants; the registrar or a competent authority does."
                            ),
                        ));
                    }
                }
                let p = Participant {
                    id: r.id.clone(),
                    kind: r.kind,
                    country: r.country,
                    name: r.name,
                    address: r.address,
                    registered_by: actor.id.clone(),
                    keys: vec![Key {
                        key_id: r.key.key_id,
                        public_key: r.key.public_key,
                        valid_from: at,
                        valid_until: r.key.valid_until,
                        revoked_at: None,
                    }],
                };
                next.participants.insert(r.id, p);
            }
            Body::KeyAdded(k) => {
                let target = self.may_manage_keys(actor, &k.participant)?;
                if target.keys.iter().any(|x| x.key_id == k.key.key_id) {
                    return Err(Refusal::new(
                        RuleId::Reg02,
                        format!(
                            "{} already has a key with id {}.",
                            k.participant, k.key.key_id
                        ),
                    ));
                }
                self.key_is_free(&k.key)?;
                if let Some(p) = next.participants.get_mut(&k.participant) {
                    p.keys.push(Key {
                        key_id: k.key.key_id,
                        public_key: k.key.public_key,
                        valid_from: at,
                        valid_until: k.key.valid_until,
                        revoked_at: None,
                    });
                }
            }
            Body::KeyRevoked(k) => {
                let target = self.may_manage_keys(actor, &k.participant)?;
                match target.keys.iter().find(|x| x.key_id == k.key_id) {
                    None => {
                        return Err(Refusal::new(
                            RuleId::Reg02,
                            format!("{} has no key with id {}.", k.participant, k.key_id),
                        ));
                    }
                    Some(x) if x.revoked_at.is_some() => {
                        return Err(Refusal::new(
                            RuleId::Reg02,
                            format!("Key {} of {} is already revoked.", k.key_id, k.participant),
                        ));
                    }
                    Some(_) => {}
                }
                if let Some(p) = next.participants.get_mut(&k.participant) {
                    for key in p.keys.iter_mut().filter(|x| x.key_id == k.key_id) {
                        key.revoked_at = Some(at);
                    }
                }
            }
            _ => {
                return Err(Refusal::new(
                    RuleId::Case01,
                    "Only participant and key statements change the registry.",
                ));
            }
        }
        Ok(next)
    }

    /// One public key belongs to one participant: a key (by public key or key id) that any
    /// participant holds, even revoked, cannot be registered again (else a signature could not
    /// say who signed).
    fn key_is_free(&self, key: &crate::body::KeyInfo) -> Result<(), Refusal> {
        let holder = self.participants.values().find(|p| {
            p.keys
                .iter()
                .any(|x| x.public_key == key.public_key || x.key_id == key.key_id)
        });
        match holder {
            Some(p) => Err(Refusal::new(
                RuleId::Reg02,
                format!(
                    "Key {} is already registered to {}; one key belongs to one participant.",
                    key.key_id, p.id
                ),
            )),
            None => Ok(()),
        }
    }

    fn may_manage_keys(&self, actor: &Participant, target: &str) -> Result<&Participant, Refusal> {
        let t = self.get(target).ok_or_else(|| {
            Refusal::new(
                RuleId::Reg02,
                format!("{target} is not a registered participant."),
            )
        })?;
        if t.id == actor.id || t.registered_by == actor.id {
            Ok(t)
        } else {
            Err(Refusal::new(
                RuleId::Reg02,
                format!(
                    "Keys of {} are managed by {} itself or by {}, who registered it, not by {}.",
                    t.id, t.id, t.registered_by, actor.id
                ),
            ))
        }
    }
}
