DELETE FROM route_assignees WHERE unassigned_at IS NOT NULL;
ALTER TABLE route_assignees DROP COLUMN unassigned_at;
