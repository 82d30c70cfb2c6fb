-- wastetrail ledger schema (SQLite). migrations/postgres has the same versions and names.
--
-- Storage model: the leaves (entries, level 0) and only the complete-subtree hashes at tree
-- levels 8, 16, 24, ... ("tile rows", table tree_nodes). Every other node hash is recomputed
-- from at most 128 stored hashes. The right edge of the tree lives in the single log_state
-- row so that an append reads nothing else.

-- The one mutable row: origin, tree size, root and right edge (the compact range: one
-- 32-byte hash per set bit of size, largest subtree first, concatenated).
CREATE TABLE log_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    origin     TEXT    NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0),
    root       BLOB    NOT NULL CHECK (length(root) = 32),
    right_edge BLOB    NOT NULL CHECK (length(right_edge) % 32 = 0)
) STRICT;

-- Log entries: opaque bytes and their RFC 6962 leaf hash SHA-256(0x00 || data).
CREATE TABLE entries (
    idx       INTEGER PRIMARY KEY CHECK (idx >= 0),
    leaf_hash BLOB    NOT NULL CHECK (length(leaf_hash) = 32),
    data      BLOB    NOT NULL
) STRICT;

CREATE INDEX entries_by_leaf_hash ON entries (leaf_hash);

-- Covering index for tile row 0: proofs and tiles read up to 256 consecutive leaf hashes
-- without touching the (large) entry data. Appended in index order, so cheap to maintain.
CREATE INDEX entries_by_idx_hash ON entries (idx, leaf_hash);

-- Complete-subtree hashes at levels 8, 16, 24, ...: node (level, idx) covers the leaves
-- [idx << level, (idx + 1) << level).
CREATE TABLE tree_nodes (
    level INTEGER NOT NULL CHECK (level > 0 AND level % 8 = 0 AND level < 64),
    idx   INTEGER NOT NULL CHECK (idx >= 0),
    hash  BLOB    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;

-- Signed checkpoints (C2SP tlog-checkpoint as a signed note), in the order they were stored.
CREATE TABLE checkpoints (
    id   INTEGER PRIMARY KEY,
    size INTEGER NOT NULL CHECK (size >= 0),
    root BLOB    NOT NULL CHECK (length(root) = 32),
    note TEXT    NOT NULL
) STRICT;

CREATE INDEX checkpoints_by_size ON checkpoints (size);
