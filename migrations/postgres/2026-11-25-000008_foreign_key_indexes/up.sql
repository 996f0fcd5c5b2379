-- Foreign keys without an index make every delete or key change of the parent
-- scan the child table to check the reference (found by seed-demo --force).
CREATE INDEX volunteers_locality_idx ON volunteers (locality_id);
CREATE INDEX events_locality_idx ON events (locality_id);
CREATE INDEX organisations_locality_idx ON organisations (locality_id);
CREATE INDEX routes_event_idx ON routes (event_id);
CREATE INDEX routes_shift_idx ON routes (shift_id);
CREATE INDEX accounts_volunteer_idx ON accounts (volunteer_id);
CREATE INDEX meeting_speakers_volunteer_idx ON meeting_speakers (volunteer_id);
CREATE INDEX api_tokens_created_by_idx ON api_tokens (created_by);
CREATE INDEX member_organisations_branch_idx ON member_organisations (branch_code);
CREATE INDEX volunteers_member_organisation_idx ON volunteers (member_organisation_id);
CREATE INDEX meeting_speakers_assignment_idx ON meeting_speakers (assignment_id);
CREATE INDEX meeting_speakers_member_organisation_idx ON meeting_speakers (member_organisation_id);
