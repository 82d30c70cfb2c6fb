//! wastetrail ledger (being written).
