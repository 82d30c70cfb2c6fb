-- Projections (PostgreSQL): views of the log that the server keeps next to it (participants,
-- case heads, statements already filed), written by the store's writer in the same
-- transaction as the entry they follow from, guarded by compare-and-swap preconditions.
-- A projection can be rebuilt by replaying the log, so its rows may be replaced (UPDATE);
-- the log tables stay append-only.
CREATE TABLE projections (
    key     TEXT   PRIMARY KEY,
    version TEXT   NOT NULL,
    value   BYTEA  NOT NULL,
    -- index of the log entry that wrote the row last
    idx     BIGINT NOT NULL CHECK (idx >= 0)
);
