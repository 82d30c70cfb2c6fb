//! The rules: [`apply`], [`may_start`] and [`obligations`]. Pure and deterministic: no I/O, no
//! clock (the time is an argument), no randomness.
//!
//! One module per statement family: [`notification`](self) (submission, transmission,
//! acknowledgement, withdrawal, information), consent (import and transit consent, objection,
//! contract, withdrawal), movement (start, custody, border crossings), receipt (receipt and
//! completion), illegal traffic (take-back duties); `may_start` with its PIC and per-shipment
//! checks; `obligations`; dates. [`apply`] dispatches one function per body variant.

mod apply;
mod classify;
mod consent;
mod dates;
mod deviation;
mod illegal;
mod may_start;
mod movement;
mod notification;
mod obligations;
mod obligations_art9;
mod pic;
mod receipt;
mod shipment;

pub use apply::apply;
pub use classify::Class;
pub use may_start::may_start;
pub use notification::check_case_id;
pub use obligations::{obligations, obligations_with};

/// Days of the Art. 6(4) transit period.
pub const TRANSIT_DAYS: i64 = 60;
/// Days to take wastes back under Art. 8, unless the States concerned agree otherwise.
pub const ART8_DAYS: u32 = 90;
/// Days to take wastes back or dispose of them under Art. 9(2)-(3), unless agreed otherwise.
pub const ART9_DAYS: u32 = 30;

/// Deadlines that the Convention leaves open ("in due course"): engine defaults, documented in
/// `docs/basel-rules.md`. They are used only for reminders ([`obligations`]), never to refuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadlines {
    /// Days after arrival (entry into the State of import) for the disposer's
    /// receipt confirmation (PIC-14; EU/OECD practice: 3 working days, unverified).
    pub receipt_days: u32,
    /// Days after receipt for the completion confirmation (PIC-14; EU/OECD: 1 year, unverified).
    pub completion_days: u32,
    /// Warn this many days before a consent lapses.
    pub expiry_warning_days: u32,
    /// When no entry into the State of import is recorded, the receipt is expected this many days
    /// after the start of the movement (plus `receipt_days`).
    pub arrival_allowance_days: u32,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            receipt_days: 3,
            completion_days: 365,
            expiry_warning_days: 30,
            arrival_allowance_days: 30,
        }
    }
}
