//! Basel Convention code lists as dated data.
//!
//! This module knows the waste codes of Annex I (Y1–Y45), Annex II (Y46–Y49), the e-waste
//! relevant entries of Annex VIII (list A) and Annex IX (list B), the hazardous characteristics
//! of Annex III (H codes) and the disposal operations of Annex IV (D and R codes).
//!
//! The lists live in the embedded data file `data/codes.json`; every entry carries its source,
//! and the file carries its as-of date. Entries can have validity dates: the e-waste amendments
//! of decision BC-15/18 add A1181 and Y49 from 2025-01-01 and delete A1180, B1110 and B4030
//! after 2024-12-31, so [`code_info`] answers for a given date.
//!
//! Parsing is syntactic ([`WasteCode::parse`] accepts any well-formed Basel code, e.g. `Y49`,
//! `A1181`, `B1110`); whether a code is listed, and on which dates, is a data question answered by
//! [`code_info`] and [`code_info_any_date`]. Annex VIII and IX hold the entries of the 2014
//! consolidated Convention text plus the plastic (BC-14/12) and e-waste (BC-15/18) amendments;
//! later amendments are not reflected, and A3200 is missing from that text. A well-formed code
//! that is not in the data is *unknown*, not invalid.
//!
//! Annex IV is versioned: the list here is the pre-COP-17 Annex IV ([`ANNEX_IV_VERSION`]). An
//! amendment adopted at BC COP-17 (May 2025) is pending; its text and effective date were not
//! available when the data was compiled.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

/// The Annex IV version that [`Operation::parse`] accepts and [`operation_info`] describes.
pub const ANNEX_IV_VERSION: &str = "basel-annex-iv/pre-cop17";

/// The embedded code-list data file (JSON).
pub const CODES_JSON: &str = include_str!("../data/codes.json");

/// Errors from parsing codes or loading the code-list data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// The text is not a well-formed Basel waste code.
    #[error("invalid waste code {input:?}: {reason}")]
    WasteCode {
        /// The rejected input (truncated to 32 characters).
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// The text is not a disposal operation of the supported Annex IV version.
    #[error("invalid disposal operation {input:?}: {reason} (Annex IV version {ANNEX_IV_VERSION})")]
    Operation {
        /// The rejected input (truncated to 32 characters).
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// The text is not an Annex III hazardous characteristic.
    #[error("invalid hazard class {input:?}: {reason}")]
    HazardClass {
        /// The rejected input (truncated to 32 characters).
        input: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// The embedded data file could not be read (a build defect; the tests check for it).
    #[error("embedded code data: {0}")]
    Data(String),
}

fn shown(s: &str) -> String {
    s.chars().take(32).collect()
}

// ---------------------------------------------------------------------------------------------
// WasteCode
// ---------------------------------------------------------------------------------------------

/// A well-formed Basel waste code: `Y1`–`Y99` (Annex I and II), or `A` / `B` followed by four
/// digits whose first digit is 1–4 (Annex VIII and IX entries such as `A1181`, `B1115`).
///
/// Canonical form only: upper-case letter, no leading zero in Y codes, no spaces.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WasteCode {
    bytes: [u8; 5],
    len: u8,
}

impl WasteCode {
    /// Parses a waste code such as `Y49`, `A1181` or `B1110`.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let err = |reason| CodeError::WasteCode {
            input: shown(s),
            reason,
        };
        let b = s.as_bytes();
        let (first, rest) = match b.split_first() {
            Some(x) => x,
            None => return Err(err("empty")),
        };
        if !matches!(first, b'Y' | b'A' | b'B') {
            return Err(err(
                "a Basel waste code starts with Y, A or B (upper case), e.g. Y49 or A1181",
            ));
        }
        if !rest.iter().all(u8::is_ascii_digit) {
            return Err(err(
                "expected a letter followed by digits, e.g. Y49 or A1181",
            ));
        }
        match first {
            b'Y' => {
                if rest.is_empty() || rest.len() > 2 {
                    return Err(err("a Y code has one or two digits, e.g. Y1 or Y49"));
                }
                if rest.first() == Some(&b'0') {
                    return Err(err("a Y code has no leading zero and is not Y0"));
                }
            }
            b'A' | b'B' => {
                if rest.len() != 4 {
                    return Err(err("an Annex VIII/IX code has four digits, e.g. A1181"));
                }
                if !matches!(rest.first(), Some(b'1'..=b'4')) {
                    return Err(err("an Annex VIII/IX code starts with A1–A4 or B1–B4"));
                }
            }
            _ => {
                return Err(err(
                    "a Basel waste code starts with Y, A or B (upper case), e.g. Y49 or A1181",
                ));
            }
        }
        let mut bytes = [0u8; 5];
        for (dst, src) in bytes.iter_mut().zip(b) {
            *dst = *src;
        }
        Ok(WasteCode {
            bytes,
            len: b.len() as u8,
        })
    }

    /// The code as text, e.g. `"A1181"`.
    pub fn as_str(&self) -> &str {
        let used = self.bytes.get(..usize::from(self.len)).unwrap_or(&[]);
        // Only ASCII letters and digits are ever stored (see `parse`).
        std::str::from_utf8(used).unwrap_or("")
    }

    /// The list this code's form belongs to: `Y1`–`Y45` Annex I, `Y46` and above Annex II,
    /// `A….` Annex VIII, `B….` Annex IX. (Whether the code is listed is answered by
    /// [`code_info`].)
    pub fn list(&self) -> CodeList {
        match self.bytes[0] {
            b'A' => CodeList::AnnexVIII,
            b'B' => CodeList::AnnexIX,
            _ => {
                if self.y_number().is_some_and(|n| n >= 46) {
                    CodeList::AnnexII
                } else {
                    CodeList::AnnexI
                }
            }
        }
    }

    fn y_number(&self) -> Option<u32> {
        if self.bytes[0] != b'Y' {
            return None;
        }
        self.as_str().get(1..)?.parse().ok()
    }
}

impl fmt::Display for WasteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for WasteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WasteCode({})", self.as_str())
    }
}

impl std::str::FromStr for WasteCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for WasteCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for WasteCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Which Basel annex a waste code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeList {
    /// Annex I, categories of wastes to be controlled (Y1–Y45): hazardous under Art. 1(1)(a)
    /// if they show an Annex III characteristic.
    #[serde(rename = "annex_i")]
    AnnexI,
    /// Annex II, categories of wastes requiring special consideration (Y46–Y49): "other wastes"
    /// under Art. 1(2), subject to prior informed consent, not covered by Art. 4A.
    #[serde(rename = "annex_ii")]
    AnnexII,
    /// Annex VIII (list A): wastes characterized as hazardous under Art. 1(1)(a).
    #[serde(rename = "annex_viii")]
    AnnexVIII,
    /// Annex IX (list B): wastes not covered by Art. 1(1)(a) unless they contain Annex I
    /// material to an extent that they show an Annex III characteristic.
    #[serde(rename = "annex_ix")]
    AnnexIX,
}

impl CodeList {
    /// The annex name, e.g. `"Annex VIII"`.
    pub fn annex(&self) -> &'static str {
        match self {
            CodeList::AnnexI => "Annex I",
            CodeList::AnnexII => "Annex II",
            CodeList::AnnexVIII => "Annex VIII",
            CodeList::AnnexIX => "Annex IX",
        }
    }

    /// The key used for this list in the data files (`annex_i`, `annex_ii`, `annex_viii`,
    /// `annex_ix`).
    pub fn key(&self) -> &'static str {
        match self {
            CodeList::AnnexI => "annex_i",
            CodeList::AnnexII => "annex_ii",
            CodeList::AnnexVIII => "annex_viii",
            CodeList::AnnexIX => "annex_ix",
        }
    }

    /// Parses a data-file key (see [`CodeList::key`]).
    pub fn from_key(key: &str) -> Option<CodeList> {
        [
            CodeList::AnnexI,
            CodeList::AnnexII,
            CodeList::AnnexVIII,
            CodeList::AnnexIX,
        ]
        .into_iter()
        .find(|l| l.key() == key)
    }

    /// Whether wastes of this list are presumed hazardous (Annex I and VIII). Annex II wastes are
    /// "other wastes" (still subject to PIC); Annex IX wastes are presumed not hazardous.
    pub fn presumed_hazardous(&self) -> bool {
        matches!(self, CodeList::AnnexI | CodeList::AnnexVIII)
    }
}

impl fmt::Display for CodeList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.annex())
    }
}

/// How much of an entry's legal text the data holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextStatus {
    /// A short name taken from a checked copy of the annex text; the full text is longer.
    ShortName,
    /// The entry's text as in the consolidated English Convention text of 2014 (footnotes
    /// dropped). Later amendments are not reflected unless the entry's dates or note say so.
    ConsolidatedText,
    /// A short description only: the entry's text was not available to the compilers and must
    /// be checked against the decision before it is relied on (e.g. A1181 and Y49).
    TextNotAvailable,
}

/// One entry of a code list, with its validity dates and source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    /// The code.
    pub code: WasteCode,
    /// The annex it is listed in.
    pub list: CodeList,
    /// Short description (not the full legal text; see `text_status`).
    pub description: String,
    /// First day the entry is in force (`None`: since the annex was adopted).
    pub valid_from: Option<Date>,
    /// Last day the entry is in force (`None`: still in force).
    pub valid_until: Option<Date>,
    /// Presumed hazardous: `true` for Annex I and VIII, `false` for Annex II ("other waste",
    /// still subject to PIC) and Annex IX.
    pub hazardous: bool,
    /// How much of the legal text the description reflects.
    pub text_status: TextStatus,
    /// Where the entry (and its dates) come from.
    pub source: String,
    /// Remarks, e.g. the decision that added or deleted the entry.
    pub note: Option<String>,
}

impl CodeInfo {
    /// Whether the entry is in force on `on` (both bounds inclusive).
    pub fn in_force_on(&self, on: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= on) && self.valid_until.is_none_or(|u| on <= u)
    }
}

// ---------------------------------------------------------------------------------------------
// Operation (Annex IV)
// ---------------------------------------------------------------------------------------------

const D_CODES: [&str; 15] = [
    "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10", "D11", "D12", "D13", "D14", "D15",
];
const R_CODES: [&str; 13] = [
    "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13",
];

/// A disposal operation of Annex IV ([`ANNEX_IV_VERSION`]): `D1`–`D15` (Section A, no resource
/// recovery) or `R1`–`R13` (Section B, may lead to recovery). Under Art. 2(4) both are
/// "disposal".
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Operation {
    recovery: bool,
    number: u8,
}

impl Operation {
    /// Parses `D1`–`D15` or `R1`–`R13` (canonical form: upper case, no leading zero).
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let err = |reason| CodeError::Operation {
            input: shown(s),
            reason,
        };
        let (recovery, table): (bool, &[&str]) = match s.as_bytes().first() {
            Some(b'D') => (false, &D_CODES),
            Some(b'R') => (true, &R_CODES),
            Some(_) => return Err(err("expected D1–D15 or R1–R13 (upper case)")),
            None => return Err(err("empty")),
        };
        match table.iter().position(|c| *c == s) {
            Some(i) => Ok(Operation {
                recovery,
                number: (i + 1) as u8,
            }),
            None => Err(err(if recovery {
                "Annex IV section B has R1–R13"
            } else {
                "Annex IV section A has D1–D15"
            })),
        }
    }

    /// Section A (D code): operations that do not lead to resource recovery.
    pub fn is_disposal(&self) -> bool {
        !self.recovery
    }

    /// Section B (R code): operations that may lead to resource recovery.
    pub fn is_recovery(&self) -> bool {
        self.recovery
    }

    /// Interim operations (D13–D15, R12, R13): the final operation must be recorded too.
    pub fn is_interim(&self) -> bool {
        if self.recovery {
            self.number >= 12
        } else {
            self.number >= 13
        }
    }

    /// The number within its section (1–15 for D, 1–13 for R).
    pub fn number(&self) -> u8 {
        self.number
    }

    /// The code as text, e.g. `"R4"`.
    pub fn as_str(&self) -> &'static str {
        let table: &[&'static str] = if self.recovery { &R_CODES } else { &D_CODES };
        table
            .get(usize::from(self.number).saturating_sub(1))
            .copied()
            .unwrap_or("")
    }

    /// Every operation of [`ANNEX_IV_VERSION`], D codes first.
    pub fn all() -> impl Iterator<Item = Operation> {
        (1..=15u8)
            .map(|number| Operation {
                recovery: false,
                number,
            })
            .chain((1..=13u8).map(|number| Operation {
                recovery: true,
                number,
            }))
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Operation({})", self.as_str())
    }
}

impl std::str::FromStr for Operation {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Operation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Operation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Description and source of one Annex IV operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operation.
    pub operation: Operation,
    /// Short description.
    pub description: String,
    /// Where it comes from.
    pub source: String,
}

// ---------------------------------------------------------------------------------------------
// HazardClass (Annex III)
// ---------------------------------------------------------------------------------------------

const H_CODES: [(&str, &str); 14] = [
    ("H1", "1"),
    ("H3", "3"),
    ("H4.1", "4.1"),
    ("H4.2", "4.2"),
    ("H4.3", "4.3"),
    ("H5.1", "5.1"),
    ("H5.2", "5.2"),
    ("H6.1", "6.1"),
    ("H6.2", "6.2"),
    ("H8", "8"),
    ("H10", "9"),
    ("H11", "9"),
    ("H12", "9"),
    ("H13", "9"),
];

/// A hazardous characteristic of Annex III: `H1`, `H3`, `H4.1`, `H4.2`, `H4.3`, `H5.1`, `H5.2`,
/// `H6.1`, `H6.2`, `H8`, `H10`, `H11`, `H12`, `H13` (there is no H2, H7 or H9).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HazardClass {
    index: u8,
}

impl HazardClass {
    /// Parses an Annex III code such as `H6.1` or `H13`.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        match H_CODES.iter().position(|(c, _)| *c == s) {
            Some(i) => Ok(HazardClass { index: i as u8 }),
            None => Err(CodeError::HazardClass {
                input: shown(s),
                reason: "Annex III has H1, H3, H4.1–H4.3, H5.1, H5.2, H6.1, H6.2, H8, H10–H13",
            }),
        }
    }

    /// The code as text, e.g. `"H6.1"`.
    pub fn as_str(&self) -> &'static str {
        H_CODES.get(usize::from(self.index)).map_or("", |(c, _)| c)
    }

    /// The UN class of the UN Recommendations on the Transport of Dangerous Goods, e.g. `"6.1"`.
    pub fn un_class(&self) -> &'static str {
        H_CODES.get(usize::from(self.index)).map_or("", |(_, u)| u)
    }

    /// The characteristic's name from the data file, e.g. `"Poisonous (acute)"`.
    pub fn description(&self) -> &'static str {
        table()
            .hazards
            .get(usize::from(self.index))
            .map_or("", String::as_str)
    }

    /// All fourteen Annex III characteristics in annex order.
    pub fn all() -> impl Iterator<Item = HazardClass> {
        (0..H_CODES.len() as u8).map(|index| HazardClass { index })
    }
}

impl fmt::Display for HazardClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for HazardClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HazardClass({})", self.as_str())
    }
}

impl std::str::FromStr for HazardClass {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for HazardClass {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for HazardClass {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// The embedded table
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    dataset: String,
    as_of: String,
    #[allow(dead_code)]
    description: String,
    #[allow(dead_code)]
    sources: HashMap<String, RawSource>,
    lists: Vec<RawList>,
    hazard_classes: RawHazards,
    annex_iv: RawAnnexIv,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    #[allow(dead_code)]
    title: String,
    #[allow(dead_code)]
    url: Option<String>,
    #[allow(dead_code)]
    as_of: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawList {
    list: CodeList,
    source: String,
    text_status: TextStatus,
    #[allow(dead_code)]
    #[serde(default)]
    note: Option<String>,
    entries: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    code: WasteCode,
    description: String,
    #[serde(default)]
    valid_from: Option<String>,
    #[serde(default)]
    valid_until: Option<String>,
    #[serde(default)]
    text_status: Option<TextStatus>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHazards {
    #[allow(dead_code)]
    source: String,
    entries: Vec<RawHazard>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHazard {
    code: String,
    un_class: String,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnnexIv {
    version: String,
    source: String,
    #[allow(dead_code)]
    note: String,
    entries: Vec<RawOperation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOperation {
    code: Operation,
    description: String,
}

struct CodeTable {
    as_of: String,
    entries: Vec<CodeInfo>,
    by_code: HashMap<WasteCode, Vec<usize>>,
    hazards: Vec<String>,
    operations: HashMap<Operation, OperationInfo>,
}

fn parse_date(s: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &format).ok()
}

fn load(json: &str) -> Result<CodeTable, CodeError> {
    let raw: RawFile = serde_json::from_str(json).map_err(|e| CodeError::Data(e.to_string()))?;
    let mut entries = Vec::new();
    let mut by_code: HashMap<WasteCode, Vec<usize>> = HashMap::new();
    for list in raw.lists {
        for e in list.entries {
            if e.code.list() != list.list {
                return Err(CodeError::Data(format!(
                    "{} is listed under {} but its form belongs to {}",
                    e.code,
                    list.list,
                    e.code.list()
                )));
            }
            let date = |d: &Option<String>| -> Result<Option<Date>, CodeError> {
                match d {
                    None => Ok(None),
                    Some(s) => parse_date(s)
                        .map(Some)
                        .ok_or_else(|| CodeError::Data(format!("{}: invalid date {s:?}", e.code))),
                }
            };
            let info = CodeInfo {
                code: e.code,
                list: list.list,
                description: e.description,
                valid_from: date(&e.valid_from)?,
                valid_until: date(&e.valid_until)?,
                hazardous: list.list.presumed_hazardous(),
                text_status: e.text_status.unwrap_or(list.text_status),
                source: e.source.unwrap_or_else(|| list.source.clone()),
                note: e.note,
            };
            let same = by_code.entry(info.code).or_default();
            for &i in same.iter() {
                if let Some(other) = entries.get(i)
                    && overlaps(other, &info)
                {
                    return Err(CodeError::Data(format!(
                        "{} has overlapping validity periods",
                        info.code
                    )));
                }
            }
            same.push(entries.len());
            entries.push(info);
        }
    }
    let hazards: Vec<String> = HazardClass::all()
        .map(|h| {
            raw.hazard_classes
                .entries
                .iter()
                .find(|r| r.code == h.as_str() && r.un_class == h.un_class())
                .map(|r| r.description.clone())
                .ok_or_else(|| {
                    CodeError::Data(format!("hazard class {h} missing or wrong UN class"))
                })
        })
        .collect::<Result<_, _>>()?;
    if raw.hazard_classes.entries.len() != hazards.len() {
        return Err(CodeError::Data("unexpected hazard class entries".into()));
    }
    if raw.annex_iv.version != ANNEX_IV_VERSION {
        return Err(CodeError::Data(format!(
            "annex_iv.version {:?} is not {ANNEX_IV_VERSION:?}",
            raw.annex_iv.version
        )));
    }
    let mut operations = HashMap::new();
    for op in raw.annex_iv.entries {
        operations.insert(
            op.code,
            OperationInfo {
                operation: op.code,
                description: op.description,
                source: raw.annex_iv.source.clone(),
            },
        );
    }
    if let Some(missing) = Operation::all().find(|o| !operations.contains_key(o)) {
        return Err(CodeError::Data(format!("annex_iv: {missing} missing")));
    }
    Ok(CodeTable {
        as_of: raw.as_of,
        entries,
        by_code,
        hazards,
        operations,
    })
}

fn overlaps(a: &CodeInfo, b: &CodeInfo) -> bool {
    let starts_before_end = |x: &CodeInfo, y: &CodeInfo| match (x.valid_from, y.valid_until) {
        (Some(f), Some(u)) => f <= u,
        _ => true,
    };
    starts_before_end(a, b) && starts_before_end(b, a)
}

static TABLE: OnceLock<Result<CodeTable, CodeError>> = OnceLock::new();

fn loaded() -> &'static Result<CodeTable, CodeError> {
    TABLE.get_or_init(|| load(CODES_JSON))
}

fn table() -> &'static CodeTable {
    static EMPTY: OnceLock<CodeTable> = OnceLock::new();
    match loaded() {
        Ok(t) => t,
        Err(_) => EMPTY.get_or_init(|| CodeTable {
            as_of: String::new(),
            entries: Vec::new(),
            by_code: HashMap::new(),
            hazards: Vec::new(),
            operations: HashMap::new(),
        }),
    }
}

/// Checks that the embedded code data loads. If it does not (a build defect), every lookup
/// answers "unknown" instead of panicking; the crate's tests call this.
pub fn check_embedded_data() -> Result<(), CodeError> {
    loaded().as_ref().map(|_| ()).map_err(Clone::clone)
}

/// The as-of date of the embedded code data (`YYYY-MM-DD`).
pub fn data_as_of() -> &'static str {
    &table().as_of
}

/// The entry for `code` in force on `on`; `None` if the code is not in the data or not in force
/// on that date (e.g. A1180 on 2025-01-01, or Y49 on 2024-12-31).
pub fn code_info(code: &WasteCode, on: Date) -> Option<&'static CodeInfo> {
    let t = table();
    t.by_code
        .get(code)?
        .iter()
        .filter_map(|&i| t.entries.get(i))
        .find(|e| e.in_force_on(on))
}

/// The latest entry for `code` whatever its dates (e.g. to explain that A1180 was deleted).
pub fn code_info_any_date(code: &WasteCode) -> Option<&'static CodeInfo> {
    let t = table();
    t.by_code
        .get(code)?
        .iter()
        .filter_map(|&i| t.entries.get(i))
        .max_by_key(|e| e.valid_from)
}

/// Every entry of the embedded code lists (all dates), in data-file order.
pub fn all_codes() -> &'static [CodeInfo] {
    &table().entries
}

/// Description and source of an Annex IV operation.
pub fn operation_info(op: &Operation) -> Option<&'static OperationInfo> {
    table().operations.get(op)
}
