//! Erasure of personal data after its retention period (docs/privacy.md).
//!
//! Personal data (the `contact` members of statement bodies) is never in the log: it lives in
//! the disclosures stored beside it, each value under a salt of its own. Once a statement is
//! older than `personal_data_retention` (counted from its `integrated_at`), its disclosure is
//! replaced by the same disclosure without the personal values; the redacted body and its salt
//! stay, so the commitment, the signature, the log and every proof still verify, and the rules
//! (which read only redacted bodies) decide as before.

use std::sync::Arc;

use time::OffsetDateTime;
use wastetrail_ledger::disclosure::Disclosure;
use wastetrail_ledger::statement::Timestamp;
use wastetrail_store::{LedgerStore, StoreError};

use crate::state::AppState;

/// Disclosures looked at per store query.
const PAGE: u32 = 500;

/// Erases the personal data of every statement integrated before `now - retention`. Returns
/// how many disclosures were changed. Idempotent: erased disclosures hold no personal value.
pub async fn erase_expired(state: &AppState, now: OffsetDateTime) -> Result<u64, StoreError> {
    let cutoff = now - state.config.personal_data_retention;
    let erased_at = Timestamp::from_datetime(now)
        .map(|t| t.to_string())
        .unwrap_or_default();
    let mut changed = 0;
    let mut start = 0;
    loop {
        let page = state.store.disclosures(start, PAGE).await?;
        let Some(last) = page.last().map(|d| d.index) else {
            break;
        };
        for stored in page {
            let Ok(mut d) = Disclosure::parse(&stored.data) else {
                tracing::error!(index = stored.index, "stored disclosure does not parse");
                continue;
            };
            if d.personal().is_empty() || !integrated_before(state, stored.index, cutoff).await {
                continue;
            }
            d.erase_personal();
            let Ok(bytes) = d.to_bytes() else { continue };
            if state
                .store
                .replace_disclosure(stored.index, &bytes, &erased_at)
                .await?
            {
                changed += 1;
            }
        }
        start = last + 1;
    }
    if changed > 0 {
        tracing::info!(
            changed,
            "personal data past its retention period was erased"
        );
        state.metrics.personal_data_erased(changed);
    }
    Ok(changed)
}

async fn integrated_before(state: &AppState, index: u64, cutoff: OffsetDateTime) -> bool {
    let w = state.world.read().await;
    usize::try_from(index)
        .ok()
        .and_then(|i| w.entries.get(i))
        .and_then(|e| Timestamp::parse(&e.integrated_at).ok())
        .is_some_and(|t| t.datetime() < cutoff)
}

/// Runs [`erase_expired`] now and then every `erasure_interval`, for as long as the server
/// runs.
pub fn spawn(state: Arc<AppState>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(state.config.erasure_interval);
        loop {
            tick.tick().await;
            if let Err(e) = state.view().await {
                tracing::warn!(error = %e.code(), "erasure: cannot catch up with the log");
                continue;
            }
            if let Err(e) = erase_expired(&state, OffsetDateTime::now_utc()).await {
                tracing::warn!(error = %e, "erasure of personal data failed; will retry");
            }
        }
    });
}
