-- Append-only guards (PostgreSQL). migrations/sqlite has the same versions and names.
-- Entries, tree nodes and checkpoints can only be inserted; the log state only moves forward
-- and only to a size whose entries exist; a checkpoint is only accepted for the current tree.
-- These triggers back up the store's own checks; they stop accidents and careless scripts,
-- not someone who can drop triggers.

CREATE FUNCTION wastetrail_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'wastetrail: % on % refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION wastetrail_refuse_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION wastetrail_refuse_change();

CREATE TRIGGER tree_nodes_append_only BEFORE UPDATE OR DELETE ON tree_nodes
    FOR EACH ROW EXECUTE FUNCTION wastetrail_refuse_change();
CREATE TRIGGER tree_nodes_no_truncate BEFORE TRUNCATE ON tree_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION wastetrail_refuse_change();

CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION wastetrail_refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION wastetrail_refuse_change();

CREATE TRIGGER log_state_no_delete BEFORE DELETE ON log_state
    FOR EACH ROW EXECUTE FUNCTION wastetrail_refuse_change();
CREATE TRIGGER log_state_no_truncate BEFORE TRUNCATE ON log_state
    FOR EACH STATEMENT EXECUTE FUNCTION wastetrail_refuse_change();

-- A checkpoint must be for exactly the current tree (size and root of log_state) and not be
-- older than a checkpoint already stored.
CREATE FUNCTION wastetrail_checkpoint_current_tree() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM log_state WHERE id = 1 AND size = NEW.size AND root = NEW.root)
       OR EXISTS (SELECT 1 FROM checkpoints WHERE size > NEW.size) THEN
        RAISE EXCEPTION 'wastetrail: checkpoint is not for the current tree or is older than a stored one'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER checkpoints_current_tree BEFORE INSERT ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION wastetrail_checkpoint_current_tree();

-- The log state only grows, never changes identity, and its size always matches the entries.
CREATE FUNCTION wastetrail_log_state_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id <> OLD.id
       OR NEW.origin <> OLD.origin
       OR NEW.size < OLD.size
       OR (NEW.size = OLD.size AND (NEW.root <> OLD.root OR NEW.right_edge <> OLD.right_edge))
       OR (NEW.size > 0 AND NOT EXISTS (SELECT 1 FROM entries WHERE idx = NEW.size - 1))
       OR EXISTS (SELECT 1 FROM entries WHERE idx = NEW.size) THEN
        RAISE EXCEPTION 'wastetrail: log_state may only move forward to a size whose entries exist'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER log_state_forward_only BEFORE UPDATE ON log_state
    FOR EACH ROW EXECUTE FUNCTION wastetrail_log_state_forward_only();
