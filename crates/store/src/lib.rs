//! wastetrail-store: the log store on SQLite and PostgreSQL (being written; see issue 2).
