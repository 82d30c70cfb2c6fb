//! Tests of the Basel code lists (`wastetrail_basel::codes`).

// Helper functions outside #[test] fns unwrap too; clippy.toml allows it only inside them.
#![allow(clippy::unwrap_used)]

use time::Date;
use time::macros::date;
use wastetrail_basel::codes::{
    self, ANNEX_IV_VERSION, CodeError, CodeList, HazardClass, Operation, TextStatus, WasteCode,
};

fn code(s: &str) -> WasteCode {
    WasteCode::parse(s).unwrap()
}

#[test]
fn the_embedded_code_data_loads() {
    codes::check_embedded_data().unwrap();
    assert_eq!(codes::data_as_of(), "2026-11-28");
}

#[test]
fn well_formed_waste_codes_parse_and_print_back_unchanged() {
    let cases = [
        ("Y1", CodeList::AnnexI),
        ("Y45", CodeList::AnnexI),
        ("Y46", CodeList::AnnexII),
        ("Y49", CodeList::AnnexII),
        ("A1010", CodeList::AnnexVIII),
        ("A1181", CodeList::AnnexVIII),
        ("A4130", CodeList::AnnexVIII),
        ("B1110", CodeList::AnnexIX),
        ("B4030", CodeList::AnnexIX),
    ];
    for (text, list) in cases {
        let c = WasteCode::parse(text).unwrap();
        assert_eq!(c.as_str(), text);
        assert_eq!(c.to_string(), text);
        assert_eq!(c.list(), list, "{text}");
        assert_eq!(text.parse::<WasteCode>().unwrap(), c);
    }
}

#[test]
fn malformed_waste_codes_are_rejected_with_a_reason() {
    let cases = [
        ("", "empty"),
        ("Y0", "leading zero"),
        ("Y01", "leading zero"),
        ("Y100", "one or two digits"),
        ("Y", "one or two digits"),
        ("y49", "starts with Y, A or B"),
        ("a1181", "starts with Y, A or B"),
        ("C1010", "starts with Y, A or B"),
        ("GC010", "starts with Y, A or B"),
        ("A118", "four digits"),
        ("A11810", "four digits"),
        ("A5010", "A1–A4 or B1–B4"),
        ("B0010", "A1–A4 or B1–B4"),
        (" Y49", "starts with Y, A or B"),
        ("Y49 ", "letter followed by digits"),
        ("Y4a", "letter followed by digits"),
        ("A1-81", "letter followed by digits"),
    ];
    for (text, reason_part) in cases {
        match WasteCode::parse(text) {
            Err(CodeError::WasteCode { input, reason }) => {
                assert_eq!(input, text);
                assert!(
                    reason.contains(reason_part),
                    "{text:?}: reason {reason:?} should mention {reason_part:?}"
                );
            }
            other => panic!("{text:?} should be rejected, got {other:?}"),
        }
    }
}

#[test]
fn e_waste_entries_change_on_the_first_of_january_2025() {
    // (code, date, in force on that date)
    let cases: [(&str, Date, bool); 22] = [
        ("Y49", date!(2024 - 12 - 31), false),
        ("Y49", date!(2025 - 01 - 01), true),
        ("Y49", date!(2030 - 06 - 01), true),
        ("A1181", date!(2024 - 12 - 31), false),
        ("A1181", date!(2025 - 01 - 01), true),
        ("A1181", date!(2026 - 11 - 28), true),
        ("A1180", date!(2000 - 01 - 01), true),
        ("A1180", date!(2024 - 12 - 31), true),
        ("A1180", date!(2025 - 01 - 01), false),
        ("A1180", date!(2026 - 01 - 01), false),
        ("B1110", date!(2024 - 12 - 31), true),
        ("B1110", date!(2025 - 01 - 01), false),
        ("B4030", date!(2024 - 12 - 31), true),
        ("B4030", date!(2025 - 01 - 01), false),
        // Plastic waste amendments (BC-14/12) from 2021-01-01.
        ("Y48", date!(2020 - 12 - 31), false),
        ("Y48", date!(2021 - 01 - 01), true),
        ("A3210", date!(2020 - 12 - 31), false),
        ("A3210", date!(2021 - 01 - 01), true),
        ("B3011", date!(2020 - 12 - 31), false),
        ("B3011", date!(2021 - 01 - 01), true),
        ("B3010", date!(2020 - 12 - 31), true),
        ("B3010", date!(2021 - 01 - 01), false),
    ];
    for (text, on, expected) in cases {
        let found = codes::code_info(&code(text), on);
        assert_eq!(found.is_some(), expected, "{text} on {on}");
        if let Some(info) = found {
            assert_eq!(info.code.as_str(), text);
            assert!(info.in_force_on(on));
        }
    }
}

#[test]
fn deleted_entries_remain_explainable_with_their_end_date() {
    for text in ["A1180", "B1110", "B4030"] {
        let info = codes::code_info_any_date(&code(text)).unwrap();
        assert_eq!(info.valid_until, Some(date!(2024 - 12 - 31)), "{text}");
        assert!(
            info.note.as_deref().unwrap_or("").contains("BC-15/18"),
            "{text}"
        );
    }
    for text in ["A1181", "Y49"] {
        let info = codes::code_info_any_date(&code(text)).unwrap();
        assert_eq!(info.valid_from, Some(date!(2025 - 01 - 01)), "{text}");
        assert_eq!(info.valid_until, None, "{text}");
        assert_eq!(info.text_status, TextStatus::TextNotAvailable, "{text}");
    }
}

#[test]
fn annex_i_and_ii_are_complete_and_classified() {
    let on = date!(2025 - 06 - 01);
    for n in 1..=49u32 {
        let text = format!("Y{n}");
        let info = codes::code_info(&code(&text), on).unwrap_or_else(|| panic!("{text} missing"));
        if n <= 45 {
            assert_eq!(info.list, CodeList::AnnexI, "{text}");
            assert!(info.hazardous, "{text} is presumed hazardous");
        } else {
            assert_eq!(info.list, CodeList::AnnexII, "{text}");
            assert!(!info.hazardous, "{text} is an other waste");
        }
    }
    assert_eq!(codes::code_info(&code("Y50"), on), None);
}

#[test]
fn annex_viii_entries_are_hazardous_and_annex_ix_entries_are_not() {
    let mut viii = 0;
    let mut ix = 0;
    for info in codes::all_codes() {
        match info.list {
            CodeList::AnnexVIII => {
                viii += 1;
                assert!(info.hazardous, "{}", info.code);
            }
            CodeList::AnnexIX => {
                ix += 1;
                assert!(!info.hazardous, "{}", info.code);
            }
            _ => {}
        }
    }
    // The 2014 consolidated text has 60 Annex VIII and 62 Annex IX entries; the plastic and
    // e-waste amendments add A3210, A1181 and B3011.
    assert_eq!((viii, ix), (62, 63));
    // The entries the reference gives (basel-rules.md §6.5, §6.6) are all there.
    let reference = [
        "A1010", "A1020", "A1030", "A1040", "A1050", "A1060", "A1070", "A1080", "A1090", "A1100",
        "A1110", "A1120", "A1130", "A1140", "A1150", "A1160", "A1170", "A1180", "A1181", "A1190",
        "A2010", "A3180", "A3210", "A4130", "B1010", "B1020", "B1040", "B1050", "B1070", "B1090",
        "B1110", "B1115", "B1150", "B1160", "B2020", "B3011", "B4030",
    ];
    for text in reference {
        assert!(codes::code_info_any_date(&code(text)).is_some(), "{text}");
    }
}

#[test]
fn every_code_entry_source_names_a_source_listed_in_the_data_file() {
    let file: serde_json::Value = serde_json::from_str(codes::CODES_JSON).unwrap();
    let keys: Vec<&String> = file["sources"].as_object().unwrap().keys().collect();
    for key in &keys {
        let s = &file["sources"][key.as_str()];
        assert!(s["title"].as_str().is_some_and(|t| !t.is_empty()), "{key}");
        assert!(s.get("as_of").is_some(), "{key} has no as_of field");
    }
    for info in codes::all_codes() {
        assert!(
            keys.iter().any(|k| info.source.contains(k.as_str())),
            "{}: {:?}",
            info.code,
            info.source
        );
    }
}

#[test]
fn every_code_entry_carries_a_source_and_a_description() {
    assert_eq!(codes::all_codes().len(), 45 + 4 + 62 + 63);
    for info in codes::all_codes() {
        assert!(
            !info.source.trim().is_empty(),
            "{} has no source",
            info.code
        );
        assert!(!info.description.trim().is_empty(), "{}", info.code);
        if let (Some(f), Some(u)) = (info.valid_from, info.valid_until) {
            assert!(f <= u, "{}", info.code);
        }
    }
}

#[test]
fn a_well_formed_code_that_is_not_in_the_data_is_unknown_not_invalid() {
    // A3200 exists in the Convention but is missing from the consolidated text used.
    for text in ["A4999", "B2999", "Y60", "A3200"] {
        let c = code(text);
        assert_eq!(codes::code_info(&c, date!(2025 - 06 - 01)), None, "{text}");
        assert_eq!(codes::code_info_any_date(&c), None, "{text}");
    }
}

#[test]
fn annex_iv_operations_parse_and_say_disposal_recovery_or_interim() {
    // (text, recovery, interim)
    let cases = [
        ("D1", false, false),
        ("D10", false, false),
        ("D12", false, false),
        ("D13", false, true),
        ("D15", false, true),
        ("R1", true, false),
        ("R4", true, false),
        ("R11", true, false),
        ("R12", true, true),
        ("R13", true, true),
    ];
    for (text, recovery, interim) in cases {
        let op = Operation::parse(text).unwrap();
        assert_eq!(op.as_str(), text);
        assert_eq!(op.is_recovery(), recovery, "{text}");
        assert_eq!(op.is_disposal(), !recovery, "{text}");
        assert_eq!(op.is_interim(), interim, "{text}");
    }
    assert_eq!(Operation::all().count(), 28);
    for op in Operation::all() {
        let info = codes::operation_info(&op).unwrap_or_else(|| panic!("{op} missing"));
        assert!(!info.description.is_empty() && !info.source.is_empty());
        assert_eq!(Operation::parse(op.as_str()).unwrap(), op);
    }
    assert_eq!(ANNEX_IV_VERSION, "basel-annex-iv/pre-cop17");
}

#[test]
fn operations_outside_the_supported_annex_iv_version_are_rejected() {
    for text in [
        "", "D0", "D16", "R0", "R14", "r1", "d1", "X1", "D01", "R4 ", "DR1",
    ] {
        assert!(
            matches!(Operation::parse(text), Err(CodeError::Operation { .. })),
            "{text:?} should be rejected"
        );
    }
}

#[test]
fn annex_iii_hazard_classes_parse_with_their_un_class() {
    let cases = [
        ("H1", "1"),
        ("H3", "3"),
        ("H4.1", "4.1"),
        ("H4.3", "4.3"),
        ("H5.2", "5.2"),
        ("H6.1", "6.1"),
        ("H6.2", "6.2"),
        ("H8", "8"),
        ("H10", "9"),
        ("H13", "9"),
    ];
    for (text, un) in cases {
        let h = HazardClass::parse(text).unwrap();
        assert_eq!(h.as_str(), text);
        assert_eq!(h.un_class(), un, "{text}");
        assert!(!h.description().is_empty(), "{text}");
    }
    assert_eq!(HazardClass::all().count(), 14);
    assert_eq!(
        HazardClass::parse("H6.1").unwrap().description(),
        "Poisonous (acute)"
    );
}

#[test]
fn hazard_classes_that_annex_iii_does_not_have_are_rejected() {
    for text in ["H2", "H7", "H9", "H14", "H0", "h1", "H4", "H6", "H4.4", ""] {
        assert!(
            matches!(HazardClass::parse(text), Err(CodeError::HazardClass { .. })),
            "{text:?} should be rejected"
        );
    }
}

#[test]
fn codes_serialize_as_plain_strings_and_reject_bad_input_when_deserialized() {
    let c: WasteCode = serde_json::from_str("\"A1181\"").unwrap();
    assert_eq!(serde_json::to_string(&c).unwrap(), "\"A1181\"");
    let op: Operation = serde_json::from_str("\"R4\"").unwrap();
    assert_eq!(serde_json::to_string(&op).unwrap(), "\"R4\"");
    let h: HazardClass = serde_json::from_str("\"H11\"").unwrap();
    assert_eq!(serde_json::to_string(&h).unwrap(), "\"H11\"");
    let list: CodeList = serde_json::from_str("\"annex_viii\"").unwrap();
    assert_eq!(list, CodeList::AnnexVIII);

    let err = serde_json::from_str::<WasteCode>("\"Z1\"").unwrap_err();
    assert!(err.to_string().contains("invalid waste code"), "{err}");
    assert!(serde_json::from_str::<Operation>("\"D16\"").is_err());
    assert!(serde_json::from_str::<HazardClass>("\"H2\"").is_err());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parsing_arbitrary_text_never_panics_and_accepted_codes_print_back_unchanged(s in "\\PC{0,7}") {
            if let Ok(c) = WasteCode::parse(&s) {
                prop_assert_eq!(c.as_str(), s.as_str());
            }
            if let Ok(o) = Operation::parse(&s) {
                prop_assert_eq!(o.as_str(), s.as_str());
            }
            if let Ok(h) = HazardClass::parse(&s) {
                prop_assert_eq!(h.as_str(), s.as_str());
            }
        }

        #[test]
        fn every_annex_viii_or_ix_shaped_code_parses(b in any::<bool>(), n in 1000u32..5000) {
            let text = format!("{}{n}", if b { 'A' } else { 'B' });
            let c = WasteCode::parse(&text).unwrap();
            prop_assert_eq!(c.as_str(), text.as_str());
            prop_assert_eq!(c.list(), if b { CodeList::AnnexVIII } else { CodeList::AnnexIX });
        }

        #[test]
        fn every_y_number_from_1_to_99_parses(n in 1u32..100) {
            let text = format!("Y{n}");
            let c = WasteCode::parse(&text).unwrap();
            prop_assert_eq!(c.list(), if n <= 45 { CodeList::AnnexI } else { CodeList::AnnexII });
        }
    }
}
