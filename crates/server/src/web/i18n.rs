//! Message catalogs: every user-facing string of the web pages, in English, French and
//! Spanish (Fluent, `crates/server/locales/<lang>.ftl`, embedded in the binary).
//!
//! The language of a request is, in order: the `wastetrail_lang` cookie (set by the visible
//! language switch), then the best match of `Accept-Language`, then English. Waste codes,
//! Annex IV operations, rule IDs and legal citations are official identifiers and are never
//! translated; the sentences around them are.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The cookie that remembers the language chosen with the switch.
pub const LANG_COOKIE: &str = "wastetrail_lang";

/// A language of the user interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
    /// Spanish.
    Es,
}

impl Lang {
    /// Every language, in the order of the switch.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Fr, Lang::Es];

    /// The BCP 47 tag (`en`, `fr`, `es`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
        }
    }

    /// The language's own name, as the switch shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Es => "Español",
        }
    }

    /// The language of a tag such as `fr`, `fr-CA` or `ES` (its primary subtag).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../../locales/en.ftl"),
            Lang::Fr => include_str!("../../locales/fr.ftl"),
            Lang::Es => include_str!("../../locales/es.ftl"),
        }
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::Fr => 1,
            Lang::Es => 2,
        }
    }
}

/// The language of a request: the switch's cookie, else the best `Accept-Language` match
/// (RFC 9110 §12.5.4, quality values honoured), else English.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    if let Some(l) = cookie.and_then(Lang::from_tag) {
        return l;
    }
    let mut best: Option<(u16, Lang)> = None;
    for item in accept_language.unwrap_or_default().split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(1000, parse_quality);
        if q == 0 {
            continue;
        }
        if let Some(l) = Lang::from_tag(tag)
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, l));
        }
    }
    best.map_or(Lang::En, |(_, l)| l)
}

/// A quality value (`0`..`1`, up to three decimals) in thousandths; malformed counts as 0.
fn parse_quality(s: &str) -> u16 {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let whole: u16 = match int {
        "0" => 0,
        "1" => 1000,
        _ => return 0,
    };
    let mut thousandths = 0u16;
    for (i, c) in frac.chars().take(3).enumerate() {
        let Some(d) = c.to_digit(10) else { return 0 };
        let d = u16::try_from(d).unwrap_or(0);
        thousandths += d * [100, 10, 1].get(i).copied().unwrap_or(0);
    }
    (whole + thousandths).min(1000)
}

/// The three bundles, parsed once.
struct Catalog {
    bundles: Vec<FluentBundle<FluentResource>>,
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog {
        bundles: Lang::ALL.into_iter().map(bundle).collect(),
    })
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let tag: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![tag]);
    // Isolation marks (U+2068/U+2069) around placeables would end up in HTML and in text the
    // user copies; the catalogs hold no right-to-left language.
    b.set_use_isolating(false);
    // A syntax error is caught by the catalog tests; the entries that parse are still used.
    let res = FluentResource::try_new(lang.source().to_owned()).unwrap_or_else(|(res, _)| res);
    let _ = b.add_resource(res);
    b
}

/// The message ids of one language's catalog (for the completeness tests).
pub fn message_ids(lang: Lang) -> Vec<String> {
    let res = FluentResource::try_new(lang.source().to_owned()).unwrap_or_else(|(res, _)| res);
    res.entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// A translator bound to one language: what every template holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr {
    /// The language.
    pub lang: Lang,
}

impl Tr {
    /// A translator for `lang`.
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    /// The message `key`; the key itself when the catalog lacks it (the tests forbid that).
    pub fn m(&self, key: impl AsRef<str>) -> String {
        self.format(key.as_ref(), None)
    }

    /// The message `key` with one variable.
    pub fn m1(&self, key: impl AsRef<str>, name: &str, value: impl ToString) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value.to_string()));
        self.format(key.as_ref(), Some(&args))
    }

    /// The message `key` with two variables.
    pub fn m2(
        &self,
        key: impl AsRef<str>,
        (n1, v1): (&str, impl std::fmt::Display),
        (n2, v2): (&str, impl std::fmt::Display),
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(n1, FluentValue::from(v1.to_string()));
        args.set(n2, FluentValue::from(v2.to_string()));
        self.format(key.as_ref(), Some(&args))
    }

    /// The message `key`, or `None` when the catalog has no such message.
    pub fn get(&self, key: impl AsRef<str>) -> Option<String> {
        let key = key.as_ref();
        self.has(key).then(|| self.m(key))
    }

    /// Does the catalog have `key`?
    pub fn has(&self, key: &str) -> bool {
        catalog()
            .bundles
            .get(self.lang.index())
            .is_some_and(|b| b.has_message(key))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let Some(bundle) = catalog().bundles.get(self.lang.index()) else {
            return key.to_owned();
        };
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_owned();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(negotiate(None, None), Lang::En);
        assert_eq!(negotiate(None, Some("fr-CH, fr;q=0.9, en;q=0.8")), Lang::Fr);
        assert_eq!(negotiate(None, Some("de-DE, es;q=0.5, en;q=0.4")), Lang::Es);
        assert_eq!(negotiate(None, Some("en;q=0.2, es-MX;q=0.9")), Lang::Es);
        assert_eq!(negotiate(None, Some("fr;q=0, de")), Lang::En);
        assert_eq!(negotiate(None, Some("zh, ja")), Lang::En);
        // The switch's cookie wins over the header.
        assert_eq!(negotiate(Some("es"), Some("fr")), Lang::Es);
        assert_eq!(negotiate(Some("xx"), Some("fr")), Lang::Fr);
    }

    #[test]
    fn quality_values_are_read_in_thousandths() {
        assert_eq!(parse_quality("1"), 1000);
        assert_eq!(parse_quality("0.5"), 500);
        assert_eq!(parse_quality("0.125"), 125);
        assert_eq!(parse_quality("1.0"), 1000);
        assert_eq!(parse_quality("2"), 0);
        assert_eq!(parse_quality("0.x"), 0);
    }

    #[test]
    fn every_catalog_parses() {
        for lang in Lang::ALL {
            if let Err((_, errors)) = FluentResource::try_new(lang.source().to_owned()) {
                panic!("{}.ftl: {errors:?}", lang.code());
            }
        }
    }

    #[test]
    fn every_key_is_in_every_language() {
        let en: std::collections::BTreeSet<String> = message_ids(Lang::En).into_iter().collect();
        assert!(en.len() > 50, "the English catalog is nearly empty");
        for lang in [Lang::Fr, Lang::Es] {
            let other: std::collections::BTreeSet<String> = message_ids(lang).into_iter().collect();
            let missing: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}.ftl: missing {missing:?}, not in en.ftl {extra:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn messages_format_without_errors_in_every_language() {
        for lang in Lang::ALL {
            let bundle = &catalog().bundles[lang.index()];
            for id in message_ids(lang) {
                let msg = bundle.get_message(&id).unwrap();
                let Some(pattern) = msg.value() else {
                    panic!("{}: {id} has no value", lang.code())
                };
                let mut errors = Vec::new();
                let mut args = FluentArgs::new();
                for v in [
                    "n",
                    "id",
                    "case",
                    "date",
                    "name",
                    "kind",
                    "country",
                    "count",
                    "rule",
                    "citation",
                    "index",
                    "field",
                    "total",
                    "left",
                    "shipments",
                    "who",
                    "what",
                    "v",
                    "kg",
                    "reasons",
                    "hash",
                    "size",
                    "origin",
                    "key",
                    "status",
                    "log",
                    "code",
                ] {
                    args.set(v, FluentValue::from("x"));
                }
                let _ = bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{}: {id}: {errors:?}", lang.code());
            }
        }
    }

    #[test]
    fn a_missing_key_shows_itself() {
        assert_eq!(Tr::new(Lang::Fr).m("no-such-key"), "no-such-key");
        assert!(!Tr::new(Lang::Es).has("no-such-key"));
    }
}
