-- The workbench's list of files by stage and county (api.md release 2, "Routes the workbench needs"): the
-- child's household division decides which county's officers read the file (C-8, as for commands). Filled
-- from the opening events here, then written with the rest of the row by the projection's `refresh`.
ALTER TABLE child_files ADD COLUMN household_division text;
UPDATE child_files f SET household_division = e.payload ->> 'household_division'
  FROM events e
 WHERE e.event_type = 'child_welfare.ChildFileOpened' AND e.payload ->> 'child_id' = f.child_id;
CREATE INDEX child_files_stage ON child_files (status, applied_on, child_id);
