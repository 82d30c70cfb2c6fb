//! Charts drawn on the server as inline SVG (no chart library, no script): horizontal bars
//! for counts and tonnages, columns for filings over time. The figures come from the replayed
//! view ([`Stats::of`]); the pages decide who may see them (auditors: they are about cases).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::world::World;

/// The figures the charts show.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Entries integrated per day (`YYYY-MM-DD`), registry statements included.
    pub filings_per_day: BTreeMap<String, u64>,
    /// Cases per phase (its catalog key, `phase-…`).
    pub cases_by_status: BTreeMap<&'static str, u64>,
    /// Kilograms shipped (movement documents) per set of Basel codes (`A1181+Y49`).
    pub kg_by_code: BTreeMap<String, u64>,
    /// Kilograms shipped per State of export → State of import.
    pub kg_by_route: BTreeMap<String, u64>,
}

impl Stats {
    /// The figures of the whole view.
    pub fn of(w: &World) -> Stats {
        let mut s = Stats::default();
        for e in &w.entries {
            let day = e.integrated_at.get(..10).unwrap_or_default().to_owned();
            *s.filings_per_day.entry(day).or_default() += 1;
        }
        for cs in w.cases.values() {
            let case = &cs.case;
            *s.cases_by_status
                .entry(super::views::phase_badge(case.phase).0)
                .or_default() += 1;
            let Some(n) = &case.notification else {
                continue;
            };
            let route = format!(
                "{} → {}",
                n.export.country.as_str(),
                n.import.country.as_str()
            );
            for doc in case.shipments.values().filter_map(|s| s.document.as_ref()) {
                let codes: Vec<&str> = doc.codes.iter().map(|c| c.as_str()).collect();
                *s.kg_by_code.entry(codes.join("+")).or_default() += doc.quantity_kg;
                *s.kg_by_route.entry(route.clone()).or_default() += doc.quantity_kg;
            }
        }
        s
    }
}

/// Escapes text for SVG/XML content and attribute values.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const WIDTH: u64 = 640;
const LABEL: u64 = 170;
const BAR: u64 = 22;

/// Horizontal bars, the longest as wide as the chart; each bar says its value in words
/// (`value_text`) at its end. `title` names the chart for screen readers.
pub fn bars(title: &str, rows: &[(String, u64)], value_text: impl Fn(u64) -> String) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let height = BAR * (rows.len() as u64).max(1) + 8;
    let room = WIDTH - LABEL - 110;
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 4 + BAR * i as u64;
        let w = (room * value).div_ceil(max).max(1);
        let _ = write!(
            svg,
            r#"<text class="chart-label" x="{lx}" y="{ty}" text-anchor="end">{l}</text><rect class="chart-bar" x="{LABEL}" y="{ry}" width="{w}" height="{h}" rx="2"/><text class="chart-value" x="{vx}" y="{ty}">{v}</text>"#,
            lx = LABEL - 8,
            ty = y + 15,
            l = esc(label),
            ry = y + 2,
            h = BAR - 6,
            vx = LABEL + w + 6,
            v = esc(&value_text(*value)),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Columns over time (one per day given, oldest left), with the first and last day written
/// under the axis and the largest count at the top.
pub fn columns(title: &str, days: &[(String, u64)]) -> String {
    let max = days.iter().map(|d| d.1).max().unwrap_or(0).max(1);
    let (top, plot, n) = (16u64, 120u64, (days.len() as u64).max(1));
    let step = (WIDTH - 40) / n;
    let mut svg = format!(
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {WIDTH} {h}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{t}</title><text class="chart-value" x="0" y="12">{max}</text><line class="chart-axis" x1="36" y1="{base}" x2="{WIDTH}" y2="{base}"/>"#,
        t = esc(title),
        h = top + plot + 22,
        base = top + plot,
    );
    for (i, (day, count)) in days.iter().enumerate() {
        let h = (plot * count).div_ceil(max);
        let x = 40 + step * i as u64;
        let _ = write!(
            svg,
            r#"<rect class="chart-bar" x="{x}" y="{y}" width="{w}" height="{h}"><title>{d}: {count}</title></rect>"#,
            y = top + plot - h,
            w = step.saturating_sub(2).max(1),
            d = esc(day),
        );
    }
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let _ = write!(
            svg,
            r#"<text class="chart-label" x="40" y="{y}">{a}</text><text class="chart-label" x="{WIDTH}" y="{y}" text-anchor="end">{b}</text>"#,
            y = top + plot + 16,
            a = esc(&first.0),
            b = esc(&last.0),
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_escape_labels() {
        let svg = bars("t<1>", &[("A & B".into(), 50), ("<C>".into(), 100)], |v| {
            format!("{v} kg")
        });
        assert!(svg.contains("<title>t&lt;1&gt;</title>"));
        assert!(svg.contains(">A &amp; B<") && svg.contains(">&lt;C&gt;<"));
        let room = WIDTH - LABEL - 110;
        assert!(svg.contains(&format!("width=\"{}\"", room / 2)), "{svg}");
        assert!(svg.contains(&format!("width=\"{room}\"")), "{svg}");
        assert!(svg.contains(">100 kg<"));
        assert!(!svg.contains("style="));
    }

    #[test]
    fn columns_show_every_day_and_the_range() {
        let days = vec![
            ("2026-01-01".to_owned(), 3),
            ("2026-01-02".to_owned(), 0),
            ("2026-01-03".to_owned(), 6),
        ];
        let svg = columns("f", &days);
        assert_eq!(svg.matches("class=\"chart-bar\"").count(), 3);
        assert!(svg.contains("<title>2026-01-03: 6</title>"));
        assert!(svg.contains(">2026-01-01<") && svg.contains(">2026-01-03<"));
        assert!(svg.contains("height=\"120\"") && svg.contains("height=\"60\""));
    }
}
