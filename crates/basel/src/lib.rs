//! wastetrail basel (being written).
