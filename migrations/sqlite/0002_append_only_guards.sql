-- Append-only guards (SQLite). migrations/postgres has the same versions and names.
-- Entries, tree nodes and checkpoints can only be inserted; the log state only moves forward
-- and only to a size whose entries exist; a checkpoint is only accepted for the current tree.
-- These triggers back up the store's own checks; they stop accidents and careless scripts,
-- not someone who can drop triggers.

CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'wastetrail: entries are append-only (UPDATE refused)'); END;

CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'wastetrail: entries are append-only (DELETE refused)'); END;

CREATE TRIGGER tree_nodes_no_update BEFORE UPDATE ON tree_nodes
BEGIN SELECT RAISE(ABORT, 'wastetrail: tree_nodes are append-only (UPDATE refused)'); END;

CREATE TRIGGER tree_nodes_no_delete BEFORE DELETE ON tree_nodes
BEGIN SELECT RAISE(ABORT, 'wastetrail: tree_nodes are append-only (DELETE refused)'); END;

CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'wastetrail: checkpoints are append-only (UPDATE refused)'); END;

CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'wastetrail: checkpoints are append-only (DELETE refused)'); END;

-- A checkpoint must be for exactly the current tree (size and root of log_state) and not be
-- older than a checkpoint already stored.
CREATE TRIGGER checkpoints_current_tree BEFORE INSERT ON checkpoints
WHEN NOT EXISTS (SELECT 1 FROM log_state WHERE id = 1 AND size = NEW.size AND root = NEW.root)
  OR EXISTS (SELECT 1 FROM checkpoints WHERE size > NEW.size)
BEGIN
    SELECT RAISE(ABORT, 'wastetrail: checkpoint is not for the current tree or is older than a stored one');
END;

-- The log state only grows, never changes identity, and its size always matches the entries.
CREATE TRIGGER log_state_forward_only BEFORE UPDATE ON log_state
WHEN NEW.id <> OLD.id
  OR NEW.origin <> OLD.origin
  OR NEW.size < OLD.size
  OR (NEW.size = OLD.size AND (NEW.root <> OLD.root OR NEW.right_edge <> OLD.right_edge))
  OR (NEW.size > 0 AND NOT EXISTS (SELECT 1 FROM entries WHERE idx = NEW.size - 1))
  OR EXISTS (SELECT 1 FROM entries WHERE idx = NEW.size)
BEGIN
    SELECT RAISE(ABORT, 'wastetrail: log_state may only move forward to a size whose entries exist');
END;

CREATE TRIGGER log_state_no_delete BEFORE DELETE ON log_state
BEGIN SELECT RAISE(ABORT, 'wastetrail: log_state cannot be deleted'); END;
