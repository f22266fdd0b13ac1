-- The workbench's lists (api.md release 2, "Routes the workbench needs"): deaths waiting for a step of F-6
-- (claim notice, disposal approval) need the steps' dates on the death row; filled from the events here,
-- then kept by the projection.
ALTER TABLE deaths ADD COLUMN claim_notice_on date, ADD COLUMN disposal_approved_on date;
UPDATE deaths d SET claim_notice_on = (e.payload ->> 'published_on')::date
  FROM events e
 WHERE e.event_type = 'funeral.ClaimNoticePublished' AND e.payload ->> 'death_id' = d.death_id;
UPDATE deaths d SET disposal_approved_on = (e.payload ->> 'approved_on')::date
  FROM events e
 WHERE e.event_type = 'funeral.DisposalApproved' AND e.payload ->> 'death_id' = d.death_id;
CREATE INDEX deaths_funeral_home ON deaths (funeral_home, died_on, death_id) WHERE cremated_on IS NULL;
