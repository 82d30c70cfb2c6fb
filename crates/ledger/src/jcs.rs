//! Canonical JSON per RFC 8785 (JSON Canonicalization Scheme, JCS), with strict input parsing.
//!
//! * Serialization is done by the `serde_json_canonicalizer` crate (0.4), chosen because it
//!   reproduces every input/output example of RFC 8785's author (cyberphone
//!   json-canonicalization `testdata/`: arrays, french, structures, unicode, values, weird —
//!   key order by UTF-16 code units, string escaping, ES6 number formatting) and the ES6
//!   number samples; `serde_jcs` 0.2 passed too, but depends on an older `ryu-js`.
//!   The tests of this module and `tests/vectors.rs` (`rfc8785-jcs.json`) check it.
//! * Parsing ([`parse_strict`], [`canonicalize_str`]) rejects input larger than
//!   [`MAX_JSON_BYTES`], invalid UTF-8, lone surrogate escapes, numbers out of the double
//!   range, nesting deeper than 128 (serde_json's recursion limit) and **duplicate object
//!   keys** (RFC 8785 §3.1 requires I-JSON input, which forbids duplicates; serde_json alone
//!   would keep the last value silently).
//! * Numbers follow JCS: they are IEEE-754 doubles, so integers beyond ±2^53 lose precision
//!   (`18446744073709551615` canonicalizes to `18446744073709552000`). Signed wastetrail data
//!   therefore uses integers only, within ±(2^53 − 1): see [`check_safe_integers`], which
//!   the statement parser applies.
//! * serde_json features: `float_roundtrip` is not enabled, so a float *input* may in rare
//!   cases parse to a neighbouring double (and canonicalize accordingly); this cannot affect
//!   signed data, which refuses non-integers. `arbitrary_precision` is not enabled either; if
//!   feature unification ever turned it on, [`check_safe_integers`] would still classify
//!   numbers correctly (it only uses `as_u64`/`as_i64`).

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// Largest JSON text accepted by the strict parser.
pub const MAX_JSON_BYTES: usize = 1 << 20;
/// Largest integer magnitude allowed in signed data: 2^53 − 1.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

const DUP_MARKER: &str = "wastetrail-duplicate-key:";

/// Errors of canonical JSON.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JcsError {
    /// The input is not valid JSON (syntax, UTF-8, numbers out of range, nesting).
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Parse {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Parser message.
        message: String,
    },
    /// An object has the same key twice.
    #[error("duplicate object key {0:?}")]
    DuplicateKey(String),
    /// The input is larger than the limit.
    #[error("JSON text of {size} bytes exceeds the limit of {max}")]
    TooLarge {
        /// Input size.
        size: usize,
        /// Limit.
        max: usize,
    },
    /// A number is not an integer (signed data carries no floating-point numbers).
    #[error("number at {0} is not an integer")]
    NotAnInteger(String),
    /// An integer is outside ±(2^53 − 1).
    #[error("integer at {0} is outside ±(2^53 - 1)")]
    IntegerOutOfRange(String),
    /// The canonicalizer failed.
    #[error("canonicalization failed: {0}")]
    Serialize(String),
}

struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = StrictValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Number(v.into())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Number(v.into())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<StrictValue, E> {
        Number::from_f64(v)
            .map(|n| StrictValue(Value::Number(n)))
            .ok_or_else(|| E::custom("non-finite number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }
    fn visit_none<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrictValue, A::Error> {
        let mut v = Vec::new();
        while let Some(StrictValue(x)) = seq.next_element()? {
            v.push(x);
        }
        Ok(StrictValue(Value::Array(v)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictValue, A::Error> {
        let mut m = Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if m.contains_key(&k) {
                return Err(de::Error::custom(format!("{DUP_MARKER}{k}")));
            }
            let StrictValue(v) = map.next_value()?;
            m.insert(k, v);
        }
        Ok(StrictValue(Value::Object(m)))
    }
}

/// Parses JSON strictly (size limit, no duplicate keys); see the module documentation.
pub fn parse_strict(json: &[u8]) -> Result<Value, JcsError> {
    parse_strict_limited(json, MAX_JSON_BYTES)
}

/// Like [`parse_strict`] with a caller-chosen size limit.
pub fn parse_strict_limited(json: &[u8], max: usize) -> Result<Value, JcsError> {
    if json.len() > max {
        return Err(JcsError::TooLarge {
            size: json.len(),
            max,
        });
    }
    serde_json::from_slice::<StrictValue>(json)
        .map(|v| v.0)
        .map_err(|e| {
            let msg = e.to_string();
            if let Some(rest) = msg.strip_prefix(DUP_MARKER) {
                // serde_json appends " at line L column C" to custom errors.
                let key = rest
                    .rsplit_once(" at line ")
                    .map_or(rest, |(k, _)| k)
                    .to_owned();
                JcsError::DuplicateKey(key)
            } else {
                JcsError::Parse {
                    line: e.line(),
                    column: e.column(),
                    message: msg,
                }
            }
        })
}

/// The RFC 8785 canonical bytes of a JSON value.
pub fn canonicalize(value: &Value) -> Result<Vec<u8>, JcsError> {
    serde_json_canonicalizer::to_vec(value).map_err(|e| JcsError::Serialize(e.to_string()))
}

/// Parses `json` strictly and returns its canonical bytes.
pub fn canonicalize_str(json: &str) -> Result<Vec<u8>, JcsError> {
    canonicalize(&parse_strict(json.as_bytes())?)
}

/// Checks that every number in `value` is an integer within ±(2^53 − 1); the error names
/// the JSON path (`$` is the root).
pub fn check_safe_integers(value: &Value) -> Result<(), JcsError> {
    fn walk(v: &Value, path: &mut String) -> Result<(), JcsError> {
        match v {
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    if u > MAX_SAFE_INTEGER {
                        return Err(JcsError::IntegerOutOfRange(path.clone()));
                    }
                } else if let Some(i) = n.as_i64() {
                    if i.unsigned_abs() > MAX_SAFE_INTEGER {
                        return Err(JcsError::IntegerOutOfRange(path.clone()));
                    }
                } else {
                    return Err(JcsError::NotAnInteger(path.clone()));
                }
                Ok(())
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    walk(x, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            Value::Object(m) => {
                for (k, x) in m {
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    walk(x, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
    walk(value, &mut String::from("$"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8785_sorting_and_strings() {
        // RFC 8785 §3.2.3 sorting example (keys compared as UTF-16 code units: the emoji's
        // surrogates 0xD83D sort before U+FB33 although its code point is larger).
        let input = r#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#;
        let out = String::from_utf8(canonicalize_str(input).unwrap()).unwrap();
        let want = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\
                    \"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\
                    \"\u{1f600}\":\"Emoji: Grinning Face\",\
                    \"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
        assert_eq!(out, want);
    }

    #[test]
    fn strict_parsing() {
        assert_eq!(
            parse_strict(br#"{"a":1,"a":2}"#),
            Err(JcsError::DuplicateKey("a".into()))
        );
        assert_eq!(
            parse_strict(br#"{"x":{"b":1,"c":[{"b":1,"b":1}]}}"#),
            Err(JcsError::DuplicateKey("b".into()))
        );
        assert!(matches!(parse_strict(b"{"), Err(JcsError::Parse { .. })));
        assert!(matches!(parse_strict(b"\xff"), Err(JcsError::Parse { .. })));
        assert!(matches!(
            parse_strict(br#""\ud800""#),
            Err(JcsError::Parse { .. })
        ));
        assert!(matches!(
            parse_strict(b"1e400"),
            Err(JcsError::Parse { .. })
        ));
        assert!(matches!(
            parse_strict(b"[1] x"),
            Err(JcsError::Parse { .. })
        ));
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(matches!(
            parse_strict(deep.as_bytes()),
            Err(JcsError::Parse { .. })
        ));
        assert_eq!(
            parse_strict_limited(b"[1,2]", 4),
            Err(JcsError::TooLarge { size: 5, max: 4 })
        );
        assert_eq!(
            canonicalize_str(" { \"b\" : [ 1 , true ] , \"a\" : null } ").unwrap(),
            br#"{"a":null,"b":[1,true]}"#
        );
    }

    #[test]
    fn integers_only() {
        let ok = parse_strict(br#"{"kg":9007199254740991,"n":-9007199254740991,"a":[0]}"#).unwrap();
        check_safe_integers(&ok).unwrap();
        for (j, e) in [
            (r#"{"kg":1.5}"#, JcsError::NotAnInteger("$.kg".into())),
            (r#"{"kg":1.0}"#, JcsError::NotAnInteger("$.kg".into())),
            (r#"{"a":[0,1e2]}"#, JcsError::NotAnInteger("$.a[1]".into())),
            (
                r#"{"kg":9007199254740992}"#,
                JcsError::IntegerOutOfRange("$.kg".into()),
            ),
            (
                r#"{"kg":-9007199254740992}"#,
                JcsError::IntegerOutOfRange("$.kg".into()),
            ),
        ] {
            let v = parse_strict(j.as_bytes()).unwrap();
            assert_eq!(check_safe_integers(&v), Err(e), "{j}");
        }
    }
}
