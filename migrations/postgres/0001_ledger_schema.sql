-- wastetrail ledger schema (PostgreSQL). migrations/sqlite has the same versions and names.
--
-- Storage model: the leaves (entries, level 0) and only the complete-subtree hashes at tree
-- levels 8, 16, 24, ... ("tile rows", table tree_nodes). Every other node hash is recomputed
-- from at most 128 stored hashes. The right edge of the tree lives in the single log_state
-- row so that an append reads nothing else; writers lock it with SELECT ... FOR UPDATE.

-- The one mutable row: origin, tree size, root and right edge (the compact range: one
-- 32-byte hash per set bit of size, largest subtree first, concatenated).
CREATE TABLE log_state (
    id         SMALLINT PRIMARY KEY CHECK (id = 1),
    origin     TEXT     NOT NULL,
    size       BIGINT   NOT NULL CHECK (size >= 0),
    root       BYTEA    NOT NULL CHECK (octet_length(root) = 32),
    right_edge BYTEA    NOT NULL CHECK (octet_length(right_edge) % 32 = 0)
);

-- Log entries: opaque bytes and their RFC 6962 leaf hash SHA-256(0x00 || data).
CREATE TABLE entries (
    idx       BIGINT PRIMARY KEY CHECK (idx >= 0),
    leaf_hash BYTEA  NOT NULL CHECK (octet_length(leaf_hash) = 32),
    data      BYTEA  NOT NULL
);

CREATE INDEX entries_by_leaf_hash ON entries (leaf_hash);

-- Covering index for tile row 0: proofs and tiles read up to 256 consecutive leaf hashes
-- without touching the entry data (index-only scans). Appended in index order.
CREATE INDEX entries_by_idx_hash ON entries (idx) INCLUDE (leaf_hash);

-- Complete-subtree hashes at levels 8, 16, 24, ...: node (level, idx) covers the leaves
-- [idx << level, (idx + 1) << level).
CREATE TABLE tree_nodes (
    level SMALLINT NOT NULL CHECK (level > 0 AND level % 8 = 0 AND level < 64),
    idx   BIGINT   NOT NULL CHECK (idx >= 0),
    hash  BYTEA    NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (level, idx)
);

-- Signed checkpoints (C2SP tlog-checkpoint as a signed note), in the order they were stored.
CREATE TABLE checkpoints (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    size BIGINT NOT NULL CHECK (size >= 0),
    root BYTEA  NOT NULL CHECK (octet_length(root) = 32),
    note TEXT   NOT NULL
);

CREATE INDEX checkpoints_by_size ON checkpoints (size);
