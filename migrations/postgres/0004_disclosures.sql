-- Disclosures (PostgreSQL): the body of each statement, with its salt and the personal data
-- not yet erased (docs/ledger-format.md §3a), kept BESIDE the log: the leaf carries only the
-- salted commitment. Written by the store's writer in the transaction of its entry; never
-- deleted; updated only to erase personal data (the redacted body and salt stay, so the
-- commitment still verifies). Unlike a projection it cannot be rebuilt from the log.
CREATE TABLE disclosures (
    idx       BIGINT PRIMARY KEY CHECK (idx >= 0),
    data      BYTEA  NOT NULL,
    -- when personal data was erased (UTC, YYYY-MM-DDTHH:MM:SSZ), NULL while it is held
    erased_at TEXT
);

CREATE TRIGGER disclosures_no_delete BEFORE DELETE ON disclosures
    FOR EACH ROW EXECUTE FUNCTION wastetrail_refuse_change();
CREATE TRIGGER disclosures_no_truncate BEFORE TRUNCATE ON disclosures
    FOR EACH STATEMENT EXECUTE FUNCTION wastetrail_refuse_change();
