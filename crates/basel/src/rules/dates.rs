//! Dates: the UTC day of a time, day and month arithmetic that saturates instead of panicking.

use time::{Date, Duration, OffsetDateTime, UtcOffset};

use crate::facts::Known;

pub(super) fn today(at: OffsetDateTime) -> Date {
    at.to_offset(UtcOffset::UTC).date()
}

pub(super) fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(Duration::days(days))
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// The last day of a period of `months` months starting on `from` (the day before the same day
/// `months` later; clamped to the month's end).
pub(super) fn months_end(from: Date, months: u32) -> Date {
    let total =
        i64::from(from.year()) * 12 + i64::from(u8::from(from.month())) - 1 + i64::from(months);
    let year = i32::try_from(total.div_euclid(12)).unwrap_or(i32::MAX);
    let month_no = u8::try_from(total.rem_euclid(12) + 1).unwrap_or(12);
    let Ok(month) = time::Month::try_from(month_no) else {
        return Date::MAX;
    };
    // The same day `months` later; when that month is shorter (e.g. 31 March + 1 month), the
    // period runs to the month's last day.
    if from.day() > month.length(year) {
        return Date::from_calendar_date(year, month, month.length(year)).unwrap_or(Date::MAX);
    }
    match Date::from_calendar_date(year, month, from.day()) {
        Ok(d) => add_days(d, -1),
        Err(_) => Date::MAX,
    }
}

pub(super) fn known_str(k: &Known<bool>) -> &'static str {
    match k {
        Known::Yes { value: true, .. } => "yes",
        Known::Yes { value: false, .. } => "no",
        Known::Unknown => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn twelve_months_end_the_day_before_the_same_day_a_year_later() {
        assert_eq!(months_end(date!(2026 - 03 - 01), 12), date!(2027 - 02 - 28));
        assert_eq!(months_end(date!(2026 - 01 - 15), 12), date!(2027 - 01 - 14));
        assert_eq!(months_end(date!(2026 - 12 - 31), 1), date!(2027 - 01 - 30));
    }

    #[test]
    fn a_period_from_a_day_the_target_month_lacks_runs_to_that_month_s_end() {
        assert_eq!(months_end(date!(2024 - 02 - 29), 12), date!(2025 - 02 - 28));
        assert_eq!(months_end(date!(2026 - 03 - 31), 1), date!(2026 - 04 - 30));
    }

    #[test]
    fn date_arithmetic_saturates_instead_of_panicking() {
        assert_eq!(add_days(Date::MAX, 1), Date::MAX);
        assert_eq!(add_days(Date::MIN, -1), Date::MIN);
        assert_eq!(months_end(Date::MAX, 12), Date::MAX);
    }
}
