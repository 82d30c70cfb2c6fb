//! Tests of the dated country facts (`wastetrail_basel::facts`).

// Helper functions outside #[test] fns unwrap too; clippy.toml allows it only inside them.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use time::Date;
use time::macros::date;
use wastetrail_basel::codes::{Operation, WasteCode};
use wastetrail_basel::facts::{
    AnnexViiReading, Art11Parties, COUNTRY_FACTS_JSON, CountryCode, Fact, Facts, FactsError, Known,
};

fn cc(s: &str) -> CountryCode {
    CountryCode::parse(s).unwrap()
}

fn op(s: &str) -> Operation {
    Operation::parse(s).unwrap()
}

fn wc(s: &str) -> WasteCode {
    WasteCode::parse(s).unwrap()
}

fn facts() -> Facts {
    Facts::try_builtin().unwrap()
}

/// `Some(true)`, `Some(false)` or `None` for unknown.
fn tri(k: Known<bool>) -> Option<bool> {
    match k {
        Known::Yes { value, source } => {
            assert!(!source.trim().is_empty(), "a known fact has a source");
            Some(value)
        }
        Known::Unknown => None,
    }
}

fn parse_date(s: &str) -> Date {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).unwrap()
}

fn reference() -> Value {
    serde_json::from_str(COUNTRY_FACTS_JSON).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Embedded data
// ---------------------------------------------------------------------------------------------

#[test]
fn the_embedded_data_has_all_249_codes_of_the_reference_file() {
    let f = facts();
    let r = reference();
    let countries = r["countries"].as_object().unwrap();
    assert_eq!(countries.len(), 249);
    for (code, record) in countries {
        let c = cc(code);
        assert!(f.knows(&c), "{code} missing");
        assert_eq!(f.name(&c), record["name"].as_str(), "{code}");
    }
    assert!(f.knows(&cc("EU")), "the European Union is a Party");
    assert_eq!(f.countries().len(), 250);
    assert!(!f.knows(&cc("XA")));
}

#[test]
fn every_stored_fact_carries_a_source_that_names_a_listed_source() {
    let f = facts();
    let keys: Vec<&String> = f.sources().keys().collect();
    assert!(keys.iter().any(|k| k.as_str() == "UNTC2014"));
    let mut periods = 0;
    for c in f.countries() {
        for fact in Fact::ALL {
            for p in f.periods(&c, fact).unwrap_or(&[]) {
                periods += 1;
                assert!(
                    keys.iter().any(|k| p.source.contains(k.as_str())),
                    "{c} {fact:?}: source {:?} names no listed source",
                    p.source
                );
                if let (Some(a), Some(b)) = (p.from, p.until) {
                    assert!(a <= b, "{c} {fact:?}");
                }
            }
        }
    }
    // No two periods of a fact overlap (the reader of the reference table must keep this).
    for c in f.countries() {
        for fact in Fact::ALL {
            let mut ps: Vec<_> = f.periods(&c, fact).unwrap_or(&[]).iter().collect();
            ps.sort_by_key(|p| p.from);
            for w in ps.windows(2) {
                let (a, b) = (w[0], w[1]);
                assert!(
                    matches!((a.until, b.from), (Some(u), Some(f)) if u < f),
                    "{c} {fact:?}: {a:?} overlaps {b:?}"
                );
            }
        }
    }
    // Every State-level record has Basel, Ban, OECD and EU periods; territories fewer.
    assert!(periods > 249 * 3, "{periods}");
}

#[test]
fn every_answer_on_sample_dates_is_either_unknown_or_sourced() {
    let f = facts();
    let dates = [
        date!(1990 - 01 - 01),
        date!(2019 - 12 - 05),
        date!(2025 - 01 - 01),
        date!(2026 - 11 - 28),
    ];
    for c in f.countries() {
        for fact in Fact::ALL {
            for on in dates {
                if let Known::Yes { source, .. } = f.fact(&c, fact, on) {
                    assert!(!source.trim().is_empty(), "{c} {fact:?} {on}");
                }
            }
        }
    }
}

#[test]
fn builtin_is_cached_and_cheap_to_clone() {
    let a = Facts::builtin().unwrap();
    let b = Facts::builtin().unwrap();
    assert_eq!(a.data_version(), b.data_version());
    assert!(
        a.data_version()
            .starts_with("wastetrail-basel-data/codes@2026-11-28/facts@2026-11-28/")
    );
}

#[test]
fn the_reference_dates_become_periods_that_change_on_the_stated_day() {
    // For every Party with an entry-into-force date, and every accepted Ban Amendment and every
    // dated OECD or EU membership: false the day before, true on the day.
    let f = facts();
    let r = reference();
    let mut checked = 0;
    for (code, rec) in r["countries"].as_object().unwrap() {
        let c = cc(code);
        let dated = [
            (Fact::BaselParty, rec["basel_party"]["since"].as_str()),
            (
                Fact::BanAmendment,
                rec["ban_amendment"]["in_force_since"].as_str(),
            ),
            (Fact::OecdMember, rec["oecd_member"]["since"].as_str()),
            (Fact::EuMember, rec["eu_member"]["since"].as_str()),
        ];
        for (fact, since) in dated {
            let Some(since) = since else { continue };
            let d = parse_date(since);
            assert_eq!(
                tri(f.fact(&c, fact, d.previous_day().unwrap())),
                Some(false),
                "{code} {fact:?}"
            );
            assert_eq!(tri(f.fact(&c, fact, d)), Some(true), "{code} {fact:?}");
            assert_eq!(
                tri(f.fact(&c, fact, date!(2026 - 11 - 28))),
                Some(true),
                "{code} {fact:?}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 180 + 87 + 36 + 27);
}

#[test]
fn derived_annex_vii_agrees_with_the_reference_table_today() {
    let f = facts();
    let r = reference();
    let today = date!(2026 - 11 - 28);
    for (code, rec) in r["countries"].as_object().unwrap() {
        let expected = rec["annex_vii"].as_bool();
        assert_eq!(tri(f.annex_vii(&cc(code), today)), expected, "{code}");
    }
    assert_eq!(tri(f.annex_vii(&cc("EU"), today)), Some(true));
}

// ---------------------------------------------------------------------------------------------
// Dated lookups
// ---------------------------------------------------------------------------------------------

#[test]
fn dated_lookups_are_false_before_true_on_and_after_a_change_date() {
    let f = facts();
    // (country, fact, date, expected)
    let cases: Vec<(&str, Fact, Date, Option<bool>)> = vec![
        ("DE", Fact::BaselParty, date!(1995 - 07 - 19), Some(false)),
        ("DE", Fact::BaselParty, date!(1995 - 07 - 20), Some(true)),
        ("DE", Fact::BaselParty, date!(2025 - 01 - 01), Some(true)),
        ("DE", Fact::BanAmendment, date!(2019 - 12 - 04), Some(false)),
        ("DE", Fact::BanAmendment, date!(2019 - 12 - 05), Some(true)),
        ("CR", Fact::BanAmendment, date!(2020 - 02 - 18), Some(false)),
        ("CR", Fact::BanAmendment, date!(2020 - 02 - 19), Some(true)),
        ("GB", Fact::EuMember, date!(1972 - 12 - 31), Some(false)),
        ("GB", Fact::EuMember, date!(1973 - 01 - 01), Some(true)),
        ("GB", Fact::EuMember, date!(2020 - 01 - 31), Some(true)),
        ("GB", Fact::EuMember, date!(2020 - 02 - 01), Some(false)),
        ("GB", Fact::AnnexVii, date!(2025 - 01 - 01), Some(true)),
        ("LV", Fact::OecdMember, date!(2016 - 06 - 30), Some(false)),
        ("LV", Fact::OecdMember, date!(2016 - 07 - 01), Some(true)),
        ("CO", Fact::OecdMember, date!(2020 - 04 - 27), Some(false)),
        ("CO", Fact::OecdMember, date!(2020 - 04 - 28), Some(true)),
        ("US", Fact::BaselParty, date!(2025 - 01 - 01), Some(false)),
        ("US", Fact::OecdDecision, date!(2025 - 01 - 01), Some(true)),
        ("US", Fact::AnnexVii, date!(2025 - 01 - 01), Some(true)),
        ("CN", Fact::AnnexVii, date!(2025 - 01 - 01), Some(false)),
        ("LI", Fact::AnnexVii, date!(2025 - 01 - 01), Some(true)),
        ("HR", Fact::EuMember, date!(2013 - 06 - 30), Some(false)),
        ("HR", Fact::EuMember, date!(2013 - 07 - 01), Some(true)),
        // Colombia is an OECD member but not in the OECD Decision (oecd.org, undated copy).
        ("CO", Fact::OecdDecision, date!(2025 - 01 - 01), Some(false)),
        // Successions: bound at the latest 90 days after the notification.
        ("CZ", Fact::BaselParty, date!(1993 - 12 - 28), None),
        ("CZ", Fact::BaselParty, date!(1993 - 12 - 29), Some(true)),
        ("ME", Fact::BaselParty, date!(2007 - 01 - 21), Some(true)),
    ];
    for (code, fact, on, expected) in cases {
        assert_eq!(
            tri(f.fact(&cc(code), fact, on)),
            expected,
            "{code} {fact:?} {on}"
        );
    }
}

#[test]
fn the_named_lookups_agree_with_the_generic_one() {
    let f = facts();
    let on = date!(2025 - 03 - 01);
    for c in f.countries() {
        assert_eq!(f.basel_party(&c, on), f.fact(&c, Fact::BaselParty, on));
        assert_eq!(f.annex_vii(&c, on), f.fact(&c, Fact::AnnexVii, on));
        assert_eq!(
            f.ban_amendment_in_force(&c, on),
            f.fact(&c, Fact::BanAmendment, on)
        );
        assert_eq!(f.oecd(&c, on), f.fact(&c, Fact::OecdDecision, on));
        assert_eq!(f.oecd_member(&c, on), f.fact(&c, Fact::OecdMember, on));
        assert_eq!(f.eu(&c, on), f.fact(&c, Fact::EuMember, on));
        assert_eq!(
            f.transit_waiver(&c, on),
            f.fact(&c, Fact::TransitWaiver, on)
        );
    }
}

#[test]
fn unknown_facts_stay_unknown_and_are_not_false() {
    let f = facts();
    // (country, fact, date): the data does not say.
    let cases: Vec<(&str, Fact, Date)> = vec![
        // Ban Amendment status of Japan after entry into force: not determined.
        ("JP", Fact::BanAmendment, date!(2024 - 01 - 01)),
        // Territories: coverage depends on the administering State's declarations.
        ("HK", Fact::BaselParty, date!(2025 - 01 - 01)),
        ("HK", Fact::AnnexVii, date!(2025 - 01 - 01)),
        ("GL", Fact::AnnexVii, date!(2025 - 01 - 01)),
        // Lithuania joined the OECD in 2018, exact date not found.
        ("LT", Fact::OecdMember, date!(2018 - 06 - 01)),
        // Costa Rica: sources disagree (2021-05-15 or 2021-05-25).
        ("CR", Fact::OecdMember, date!(2021 - 05 - 20)),
        // Parties whose entry-into-force date is not known.
        ("GD", Fact::BaselParty, date!(2020 - 01 - 01)),
        ("VU", Fact::BaselParty, date!(2026 - 11 - 27)),
        // One of these four has probably acceded (UNTC counts 191 Parties).
        ("FJ", Fact::BaselParty, date!(2025 - 01 - 01)),
        ("SS", Fact::BanAmendment, date!(2025 - 01 - 01)),
        // No transit-waiver data for real countries.
        ("DE", Fact::TransitWaiver, date!(2025 - 01 - 01)),
        ("CN", Fact::TransitWaiver, date!(2025 - 01 - 01)),
        // A code the data does not know.
        ("XA", Fact::BaselParty, date!(2025 - 01 - 01)),
        ("XA", Fact::AnnexVii, date!(2025 - 01 - 01)),
    ];
    for (code, fact, on) in cases {
        let k = f.fact(&cc(code), fact, on);
        assert!(k.is_unknown(), "{code} {fact:?} {on}: {k:?}");
        assert!(!k.is_false() && !k.is_true());
        assert_ne!(
            k,
            Known::Yes {
                value: false,
                source: String::new()
            }
        );
    }
    // The same facts are known around the unknown window.
    let known: Vec<(&str, Fact, Date, bool)> = vec![
        ("JP", Fact::BanAmendment, date!(2019 - 12 - 04), false),
        ("LT", Fact::OecdMember, date!(2017 - 12 - 31), false),
        ("LT", Fact::OecdMember, date!(2019 - 01 - 01), true),
        ("CR", Fact::OecdMember, date!(2021 - 05 - 14), false),
        ("CR", Fact::OecdMember, date!(2021 - 05 - 25), true),
        ("GD", Fact::BaselParty, date!(2014 - 03 - 19), false),
        ("VU", Fact::BaselParty, date!(2026 - 11 - 28), true),
        ("FJ", Fact::BaselParty, date!(2014 - 01 - 01), false),
    ];
    for (code, fact, on, expected) in known {
        assert_eq!(
            tri(f.fact(&cc(code), fact, on)),
            Some(expected),
            "{code} {fact:?} {on}"
        );
    }
}

#[test]
fn real_countries_have_unknown_import_bans() {
    let f = facts();
    let k = f.import_ban(&cc("NG"), &wc("Y49"), &op("R4"), date!(2025 - 06 - 01));
    assert!(k.is_unknown(), "{k:?}");
}

// ---------------------------------------------------------------------------------------------
// Art. 11, settings
// ---------------------------------------------------------------------------------------------

#[test]
fn the_oecd_decision_is_an_art11_route_for_recovery_between_participants_only() {
    let f = facts();
    let on = date!(2025 - 06 - 01);
    // (export, import, operation, expected)
    let cases = [
        ("DE", "US", "R4", true),
        ("US", "JP", "R1", true),
        ("DE", "US", "D1", false),
        ("DE", "CN", "R4", false),
        ("CO", "DE", "R4", false),
        ("DE", "DE", "R4", false),
        ("XA", "DE", "R4", false),
    ];
    for (e, i, o, expected) in cases {
        let a = f.art11_agreement(&cc(e), &cc(i), &op(o), on);
        assert_eq!(a.is_some(), expected, "{e}->{i} {o}");
        if let Some(a) = a {
            assert_eq!(a.id, "OECD-C(2001)107");
            assert_eq!(a.parties, Art11Parties::OecdDecision);
            assert!(!a.source.is_empty());
        }
    }
    // Latvia participates only from its accession.
    assert!(
        f.art11_agreement(&cc("LV"), &cc("DE"), &op("R4"), date!(2016 - 06 - 30))
            .is_none()
    );
    assert!(
        f.art11_agreement(&cc("LV"), &cc("DE"), &op("R4"), date!(2016 - 07 - 01))
            .is_some()
    );
}

#[test]
fn every_rule_setting_has_a_default_a_rule_id_and_the_reference_wording() {
    let s = facts().setting().clone();
    assert_eq!(s.annex_vii_reading.value, AnnexViiReading::Dynamic);
    assert_eq!(s.annex_vii_reading.rule, "BAN-06");
    assert!(s.info_request_restarts_transit_clock.value);
    assert_eq!(s.info_request_restarts_transit_clock.rule, "PIC-08");
    assert!(s.non_party_transit_requires_consent.value);
    assert_eq!(s.non_party_transit_requires_consent.rule, "PIC-09");
    assert_eq!(s.quantity_tolerance_percent.value, 0);
    assert!(s.ewaste_amendments_bind_all_parties.value);
    assert!(s.review_movements_spanning_ewaste_change.value);
    assert!(!s.y49_yields_to_annex_ix_entries.value);
    assert_eq!(s.eu_wsr_2024_1157_applies_from.value, date!(2026 - 05 - 21));
    assert_eq!(s.oecd_tacit_consent_days.value, 30);
    assert_eq!(s.oecd_consent_validity_months.value, 12);
    let meta = [
        (
            &s.info_request_restarts_transit_clock.wording,
            &s.info_request_restarts_transit_clock.source,
        ),
        (
            &s.non_party_transit_requires_consent.wording,
            &s.non_party_transit_requires_consent.source,
        ),
        (
            &s.ewaste_amendments_bind_all_parties.wording,
            &s.ewaste_amendments_bind_all_parties.source,
        ),
        (
            &s.y49_yields_to_annex_ix_entries.wording,
            &s.y49_yields_to_annex_ix_entries.source,
        ),
        (&s.annex_vii_reading.wording, &s.annex_vii_reading.source),
        (
            &s.quantity_tolerance_percent.wording,
            &s.quantity_tolerance_percent.source,
        ),
    ];
    for (wording, source) in meta {
        assert!(wording.len() > 40, "{wording}");
        assert!(source.contains("BRULES"), "{source}");
    }
    assert_eq!(
        s.y49_yields_to_annex_ix_entries.default,
        s.y49_yields_to_annex_ix_entries.value
    );
}

// ---------------------------------------------------------------------------------------------
// Overrides
// ---------------------------------------------------------------------------------------------

fn fixture() -> Value {
    json!({
        "format": "wastetrail-facts/1",
        "description": "test fixture",
        "sources": { "FIX": { "title": "Test fixture", "url": null, "as_of": "2026-01-01" } },
        "countries": {
            "XA": {
                "name": "Xanadu",
                "basel_party": [
                    { "until": "1999-12-31", "value": false, "source": "FIX" },
                    { "from": "2000-01-01", "value": true, "source": "FIX" }
                ],
                "ban_amendment": [ { "from": "2019-12-05", "value": true, "source": "FIX" } ],
                "oecd_member": [ { "value": false, "source": "FIX" } ],
                "eu_member": [ { "value": true, "source": "FIX" } ],
                "transit_waiver": [
                    { "from": "2021-01-01", "until": "2025-12-31", "value": true, "source": "FIX" },
                    { "from": "2026-01-01", "value": null, "source": "FIX: under review" }
                ],
                "import_bans": {
                    "source": "FIX",
                    "bans": [
                        { "from": "2022-01-01", "scope": "no e-waste for disposal",
                          "codes": ["A1181", "Y49"], "operations": "disposal", "source": "FIX ban 1" },
                        { "scope": "no hazardous list A waste for R1",
                          "lists": ["annex_viii"], "operations": ["R1"], "source": "FIX ban 2" }
                    ]
                }
            },
            "XB": {
                "name": "Xebia",
                "basel_party": [ { "value": true, "source": "FIX" } ],
                "import_bans": { "source": "FIX", "bans": [ { "scope": "all wastes", "source": "FIX total" } ] }
            },
            "XC": { "name": "Xcountry" },
            "DE": {
                "transit_waiver": [ { "from": "2020-01-01", "value": true, "source": "FIX" } ]
            }
        },
        "art11_agreements": [
            { "id": "XA-XB", "name": "Xanadu-Xebia agreement",
              "pairs": [ { "export": "XA", "import": "XB" } ],
              "operations": ["R4", "R5"], "from": "2024-01-01", "source": "FIX" }
        ]
    })
}

#[test]
fn overrides_add_a_fictional_country_with_dated_facts() {
    let f = facts().with_overrides(&fixture()).unwrap();
    let xa = cc("XA");
    assert!(xa.is_user_assigned());
    assert!(f.knows(&xa) && f.knows(&cc("XB")) && f.knows(&cc("XC")));
    assert_eq!(f.name(&xa), Some("Xanadu"));
    let cases: Vec<(Fact, Date, Option<bool>)> = vec![
        (Fact::BaselParty, date!(1999 - 12 - 31), Some(false)),
        (Fact::BaselParty, date!(2000 - 01 - 01), Some(true)),
        (Fact::BanAmendment, date!(2019 - 12 - 04), None),
        (Fact::BanAmendment, date!(2019 - 12 - 05), Some(true)),
        (Fact::TransitWaiver, date!(2020 - 12 - 31), None),
        (Fact::TransitWaiver, date!(2021 - 01 - 01), Some(true)),
        (Fact::TransitWaiver, date!(2025 - 12 - 31), Some(true)),
        (Fact::TransitWaiver, date!(2026 - 01 - 01), None),
        // Annex VII derived from EU membership; OECD Decision derived from OECD membership.
        (Fact::AnnexVii, date!(2025 - 01 - 01), Some(true)),
        (Fact::OecdDecision, date!(2025 - 01 - 01), Some(false)),
    ];
    for (fact, on, expected) in cases {
        assert_eq!(tri(f.fact(&xa, fact, on)), expected, "XA {fact:?} {on}");
    }
    // A country added without facts knows nothing.
    for fact in Fact::ALL {
        assert!(
            f.fact(&cc("XC"), fact, date!(2025 - 01 - 01)).is_unknown(),
            "XC {fact:?}"
        );
    }
    assert_eq!(f.sources()["FIX"].title, "Test fixture");
}

#[test]
fn overrides_replace_one_fact_of_a_real_country_and_keep_the_others() {
    let base = facts();
    let f = base.clone().with_overrides(&fixture()).unwrap();
    let de = cc("DE");
    assert!(base.transit_waiver(&de, date!(2025 - 01 - 01)).is_unknown());
    assert_eq!(
        tri(f.transit_waiver(&de, date!(2025 - 01 - 01))),
        Some(true)
    );
    assert!(f.transit_waiver(&de, date!(2019 - 12 - 31)).is_unknown());
    assert_eq!(
        f.basel_party(&de, date!(2025 - 01 - 01)),
        base.basel_party(&de, date!(2025 - 01 - 01))
    );
    assert_eq!(f.name(&de), Some("Germany"));
    // The original data set is untouched.
    assert!(base.transit_waiver(&de, date!(2025 - 01 - 01)).is_unknown());
    assert!(!base.knows(&cc("XA")));
}

#[test]
fn import_bans_match_by_code_list_operation_and_date() {
    let f = facts().with_overrides(&fixture()).unwrap();
    let on = date!(2025 - 06 - 01);
    // (country, code, operation, date, Some(source) of the matching ban / None = known no ban)
    let cases: Vec<(&str, &str, &str, Date, Option<&str>)> = vec![
        ("XA", "Y49", "D1", on, Some("FIX ban 1")),
        ("XA", "A1181", "D10", on, Some("FIX ban 1")),
        ("XA", "Y49", "R4", on, None),
        ("XA", "Y49", "D1", date!(2021 - 12 - 31), None),
        ("XA", "A1010", "R1", on, Some("FIX ban 2")),
        ("XA", "A1010", "R4", on, None),
        ("XA", "B1010", "R1", on, None),
        ("XB", "B1010", "R4", on, Some("FIX total")),
        ("XB", "Y1", "D1", on, Some("FIX total")),
    ];
    for (c, code, o, d, expected) in cases {
        match f.import_ban(&cc(c), &wc(code), &op(o), d) {
            Known::Yes {
                value: Some(ban),
                source,
            } => {
                assert_eq!(Some(source.as_str()), expected, "{c} {code} {o} {d}");
                assert_eq!(ban.source, source);
            }
            Known::Yes {
                value: None,
                source,
            } => {
                assert_eq!(expected, None, "{c} {code} {o} {d}");
                assert_eq!(source, "FIX");
            }
            Known::Unknown => panic!("{c}: bans are known"),
        }
    }
    // XC has no import-ban data: unknown, not "no ban".
    assert!(
        f.import_ban(&cc("XC"), &wc("Y49"), &op("D1"), on)
            .is_unknown()
    );
    let total = f.import_ban(&cc("XB"), &wc("Y1"), &op("D1"), on);
    assert!(total.value().unwrap().as_ref().unwrap().is_total());
}

#[test]
fn an_art11_agreement_from_overrides_covers_its_directed_pair_operations_and_dates() {
    let f = facts().with_overrides(&fixture()).unwrap();
    let cases = [
        ("XA", "XB", "R4", date!(2024 - 01 - 01), true),
        ("XA", "XB", "R5", date!(2025 - 01 - 01), true),
        ("XA", "XB", "R4", date!(2023 - 12 - 31), false),
        ("XA", "XB", "R1", date!(2025 - 01 - 01), false),
        ("XB", "XA", "R4", date!(2025 - 01 - 01), false),
    ];
    for (e, i, o, on, expected) in cases {
        let a = f.art11_agreement(&cc(e), &cc(i), &op(o), on);
        assert_eq!(a.is_some(), expected, "{e}->{i} {o} {on}");
        if let Some(a) = a {
            assert_eq!(a.id, "XA-XB");
        }
    }
    assert_eq!(f.art11_agreements().len(), 2);
}

#[test]
fn overrides_change_settings_and_keep_the_default() {
    let f = facts()
        .with_overrides(&json!({
            "format": "wastetrail-facts/1",
            "settings": {
                "annex_vii_reading": "fixed_1995",
                "quantity_tolerance_percent": { "value": 5, "source": "ministry circular" }
            }
        }))
        .unwrap();
    let s = f.setting();
    assert_eq!(s.annex_vii_reading.value, AnnexViiReading::Fixed1995);
    assert_eq!(s.annex_vii_reading.default, AnnexViiReading::Dynamic);
    assert_eq!(s.annex_vii_reading.source, "deployment overrides");
    assert_eq!(s.quantity_tolerance_percent.value, 5);
    assert_eq!(s.quantity_tolerance_percent.source, "ministry circular");
    assert_eq!(s.quantity_tolerance_percent.rule, "Art. 9(1)(d)");
    // The fixed-1995 reading uses membership on 1995-09-22.
    let on = date!(2025 - 01 - 01);
    let cases = [
        ("DE", Some(true)),
        ("CL", Some(false)),
        ("PL", Some(false)),
        ("KR", Some(false)),
        ("CZ", Some(false)),
        ("AT", Some(true)),
        ("LI", Some(true)),
        ("LT", Some(false)),
    ];
    for (c, expected) in cases {
        assert_eq!(tri(f.annex_vii(&cc(c), on)), expected, "{c}");
    }
    let src = f.annex_vii(&cc("AT"), on).source().unwrap().to_string();
    assert!(
        src.contains("fixed_1995") && src.contains("1995-09-22"),
        "{src}"
    );
}

#[test]
fn the_data_version_names_each_overrides_document_deterministically() {
    let base = facts();
    let a = base.clone().with_overrides(&fixture()).unwrap();
    let b = base.clone().with_overrides(&fixture()).unwrap();
    assert_eq!(a.data_version(), b.data_version());
    assert!(a.data_version().starts_with(&base.data_version()));
    assert!(a.data_version().contains("+overrides:sha256:"));
    // Key order and white space do not matter.
    let reordered: Value = serde_json::from_str(
        r#"{ "countries": { "XB": { "basel_party": [ { "source": "S", "value": true } ] } },
             "format": "wastetrail-facts/1" }"#,
    )
    .unwrap();
    let ordered = json!({ "format": "wastetrail-facts/1",
        "countries": { "XB": { "basel_party": [ { "value": true, "source": "S" } ] } } });
    assert_eq!(
        base.clone()
            .with_overrides(&reordered)
            .unwrap()
            .data_version(),
        base.clone()
            .with_overrides(&ordered)
            .unwrap()
            .data_version()
    );
    let mut other = fixture();
    other["countries"]["XA"]["name"] = json!("Xanadu 2");
    let c = base.with_overrides(&other).unwrap();
    assert_ne!(a.data_version(), c.data_version());
}

#[test]
fn malformed_overrides_are_rejected_with_the_json_path_of_the_fault() {
    let period = |from: &str| json!([{ "from": from, "value": true, "source": "S" }]);
    // (document, path, part of the message)
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!([]), "(root)", "expected an object"),
        (json!({}), "format", "missing required field"),
        (
            json!({ "format": "wastetrail-facts/2" }),
            "format",
            "wastetrail-facts/1",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countrys": {} }),
            "countrys",
            "unknown field",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "basel_party": period("2020-13-01") } } }),
            "countries.XA.basel_party[0].from",
            "invalid date \"2020-13-01\"",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "basel_party": [ { "from": 2020, "value": true, "source": "S" } ] } } }),
            "countries.XA.basel_party[0].from",
            "invalid date",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "Xa": {} } }),
            "countries.Xa",
            "invalid country code",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XAB": {} } }),
            "countries.XAB",
            "invalid country code",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "basel_party": [ { "value": true } ] } } }),
            "countries.XA.basel_party[0].source",
            "missing required field",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "basel_party": [ { "value": true, "source": " " } ] } } }),
            "countries.XA.basel_party[0].source",
            "must not be empty",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "eu_member": [ { "value": "yes", "source": "S" } ] } } }),
            "countries.XA.eu_member[0].value",
            "expected true or false",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "eu_member": [ { "source": "S" } ] } } }),
            "countries.XA.eu_member[0].value",
            "missing required field",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "basel_party": [
                { "from": "2000-01-01", "value": true, "source": "S" },
                { "from": "2010-01-01", "value": false, "source": "S" } ] } } }),
            "countries.XA.basel_party[1]",
            "overlaps countries.XA.basel_party[0]",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "basel_party": [
                { "from": "2010-01-01", "until": "2009-12-31", "value": true, "source": "S" } ] } } }),
            "countries.XA.basel_party[0].until",
            "before from",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "basel_partie": [] } } }),
            "countries.XA.basel_partie",
            "unknown field",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "import_bans": { "source": "S", "bans": [
                { "scope": "x", "source": "S", "codes": ["Y49", "Z9"] } ] } } } }),
            "countries.XA.import_bans.bans[0].codes[1]",
            "invalid waste code",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "import_bans": { "source": "S", "bans": [
                { "scope": "x", "source": "S", "operations": ["D16"] } ] } } } }),
            "countries.XA.import_bans.bans[0].operations[0]",
            "invalid disposal operation",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "import_bans": { "bans": [] } } } }),
            "countries.XA.import_bans.source",
            "missing required field",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "countries": { "XA": { "import_bans": { "source": "S", "bans": [
                { "scope": "x", "source": "S", "lists": ["annex_x"] } ] } } } }),
            "countries.XA.import_bans.bans[0].lists[0]",
            "annex_viii",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "settings": { "foo": true } }),
            "settings.foo",
            "unknown field",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "settings": { "quantity_tolerance_percent": -1 } }),
            "settings.quantity_tolerance_percent",
            "non-negative integer",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "settings": { "annex_vii_reading": "static" } }),
            "settings.annex_vii_reading",
            "fixed_1995",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "settings": { "eu_wsr_2024_1157_applies_from": { "value": "21 May 2026" } } }),
            "settings.eu_wsr_2024_1157_applies_from.value",
            "invalid date",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "sources": { "S": { "url": "x" } } }),
            "sources.S.title",
            "missing required field",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "art11_agreements": [ { "id": "A", "name": "n", "source": "S",
                "members": ["XA", "XB"], "pairs": [] } ] }),
            "art11_agreements[0]",
            "either members or pairs",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "art11_agreements": [ { "id": "A", "name": "n", "source": "S",
                "pairs": [ { "export": "XA", "import": "XA" } ] } ] }),
            "art11_agreements[0].pairs[0]",
            "must differ",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "art11_agreements": [ { "id": "A", "name": "n", "source": "S",
                "members": ["XA", "x"] } ] }),
            "art11_agreements[0].members[1]",
            "invalid country code",
        ),
        (
            json!({ "format": "wastetrail-facts/1", "art11_agreements": [
                { "id": "A", "name": "n", "source": "S", "members": ["XA", "XB"] },
                { "id": "A", "name": "n", "source": "S", "members": ["XA", "XC"] } ] }),
            "art11_agreements[1].id",
            "duplicate id",
        ),
    ];
    for (doc, path, message) in cases {
        let err = facts().with_overrides(&doc).unwrap_err();
        assert_eq!(err.path(), Some(path), "{doc}: {err}");
        let text = err.to_string();
        assert!(text.starts_with(&format!("{path}: ")), "{text}");
        assert!(
            text.contains(message),
            "{text:?} should contain {message:?}"
        );
        assert!(matches!(err, FactsError::Invalid { .. }));
    }
}

#[test]
fn a_malformed_overrides_document_leaves_the_data_set_unchanged() {
    let base = facts();
    let bad = json!({ "format": "wastetrail-facts/1", "countries": {
        "XA": { "basel_party": [ { "value": true, "source": "S" } ] },
        "XB": { "basel_party": [ { "from": "bad", "value": true, "source": "S" } ] } } });
    assert!(base.clone().with_overrides(&bad).is_err());
    assert!(!base.knows(&cc("XA")));
}

#[test]
fn country_codes_are_two_upper_case_letters() {
    for ok in ["DE", "XA", "ZZ", "EU", "QM"] {
        assert_eq!(cc(ok).as_str(), ok);
    }
    for bad in ["", "D", "de", "DEU", "D1", "Dé", " DE"] {
        assert!(
            matches!(CountryCode::parse(bad), Err(FactsError::CountryCode { .. })),
            "{bad:?}"
        );
    }
    let user = [
        ("XA", true),
        ("QZ", true),
        ("QL", false),
        ("AA", true),
        ("ZZ", true),
        ("DE", false),
    ];
    for (code, expected) in user {
        assert_eq!(cc(code).is_user_assigned(), expected, "{code}");
    }
    let c: CountryCode = serde_json::from_str("\"XB\"").unwrap();
    assert_eq!(serde_json::to_string(&c).unwrap(), "\"XB\"");
    assert!(serde_json::from_str::<CountryCode>("\"xb\"").is_err());
}

#[test]
fn the_overrides_example_in_the_module_documentation_is_valid() {
    let source = include_str!("../src/facts/mod.rs");
    let mut in_block = false;
    let mut json_text = String::new();
    for line in source.lines() {
        let line = line.strip_prefix("//!").unwrap_or("");
        let line = line.strip_prefix(' ').unwrap_or(line);
        if line.trim() == "```json" {
            in_block = true;
        } else if in_block && line.trim() == "```" {
            break;
        } else if in_block {
            json_text.push_str(line);
            json_text.push('\n');
        }
    }
    let doc: Value = serde_json::from_str(&json_text).unwrap();
    let f = facts().with_overrides(&doc).unwrap();
    let xa = cc("XA");
    assert_eq!(f.name(&xa), Some("Xanadu"));
    assert_eq!(tri(f.basel_party(&xa, date!(2000 - 01 - 01))), Some(true));
    assert_eq!(
        f.setting().annex_vii_reading.value,
        AnnexViiReading::Fixed1995
    );
    assert!(!f.setting().info_request_restarts_transit_clock.value);
    assert!(matches!(
        f.import_ban(&xa, &wc("Y49"), &op("D1"), date!(2023 - 01 - 01)),
        Known::Yes { value: Some(_), .. }
    ));
    assert!(
        f.art11_agreement(&xa, &cc("XB"), &op("R4"), date!(2025 - 01 - 01))
            .is_some()
    );
}

#[test]
fn the_data_readme_lists_every_data_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") {
            files += 1;
            assert!(
                readme.contains(&format!("| `{name}` |")),
                "{name} is not in data/README.md"
            );
        }
    }
    assert_eq!(files, 3);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn keys() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "from",
            "until",
            "value",
            "source",
            "name",
            "basel_party",
            "annex_vii",
            "import_bans",
            "bans",
            "codes",
            "lists",
            "operations",
            "scope",
            "transit_waiver",
            "notes",
            "x",
        ])
        .prop_map(String::from)
    }

    fn values() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            prop::sample::select(vec![
                "2020-01-01",
                "2020-13-01",
                "Y49",
                "A1181",
                "D1",
                "R4",
                "disposal",
                "annex_viii",
                "XA",
                "",
                "S",
            ])
            .prop_map(|s| json!(s)),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(keys(), inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn arbitrary_country_records_never_panic_and_errors_name_a_path(v in values()) {
            let doc = json!({ "format": "wastetrail-facts/1", "countries": { "XA": v } });
            match facts().with_overrides(&doc) {
                Ok(f) => prop_assert!(f.knows(&cc("XA"))),
                Err(e) => {
                    let path = e.path().unwrap_or("");
                    prop_assert!(path.starts_with("countries.XA"), "{}", e);
                }
            }
        }
    }
}

#[test]
fn deviation_tolerances_are_strict_by_default_and_dated_by_overrides() {
    use wastetrail_basel::facts::Deviation;
    let kinds = [
        Deviation::CustomsOffice,
        Deviation::Route,
        Deviation::Carrier,
    ];
    let base = facts();
    for kind in kinds {
        assert!(
            !base
                .setting()
                .deviation_tolerated(kind, date!(2026 - 06 - 01))
        );
    }
    assert_eq!(
        base.setting().deviation_route_tolerated.rule,
        "Art. 9(1)(d)"
    );
    assert!(
        base.setting()
            .deviation_carrier_tolerated
            .source
            .contains("BRULES")
    );
    let f = base
        .clone()
        .with_overrides(&json!({
            "format": "wastetrail-facts/1",
            "settings": { "deviation_route_tolerated": { "value": [
                { "from": "2026-01-01", "until": "2026-06-30", "value": true, "source": "agreement" }
            ], "source": "bilateral agreement" } }
        }))
        .unwrap();
    let s = f.setting();
    assert!(!s.deviation_tolerated(Deviation::Route, date!(2025 - 12 - 31)));
    assert!(s.deviation_tolerated(Deviation::Route, date!(2026 - 01 - 01)));
    assert!(s.deviation_tolerated(Deviation::Route, date!(2026 - 06 - 30)));
    assert!(!s.deviation_tolerated(Deviation::Route, date!(2026 - 07 - 01)));
    assert!(!s.deviation_tolerated(Deviation::Carrier, date!(2026 - 03 - 01)));
    assert!(
        s.deviation_route_tolerated.default.is_empty()
            || !s
                .deviation_route_tolerated
                .default
                .iter()
                .any(|p| p.value == Some(true))
    );
    let err = base
        .with_overrides(&json!({
            "format": "wastetrail-facts/1",
            "settings": { "deviation_carrier_tolerated": [
                { "from": "2026-02-30", "value": true, "source": "x" }
            ] }
        }))
        .unwrap_err();
    assert_eq!(
        err.path(),
        Some("settings.deviation_carrier_tolerated[0].from"),
        "{err}"
    );
}
