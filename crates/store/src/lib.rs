//! wastetrail store (being written).
