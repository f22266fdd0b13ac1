-- M-3, D-8: a party recorded as deceased is refused, and the refusal names the basis of the death: a registered
-- death (F-1) or a court's death declaration (D-4). Rows of declared persons written before this column are
-- found through the marriage the declaration ended (`basis: declared`); a declared person who was married to
-- nobody here reads as registered until the declaration's next event.
ALTER TABLE deceased_persons ADD COLUMN basis text NOT NULL DEFAULT 'registered'
    CHECK (basis IN ('registered', 'declared'));
UPDATE deceased_persons d SET basis = 'declared'
  FROM events e
 WHERE e.event_type = 'marriage.MarriageEndedByDeath' AND e.payload ->> 'basis' = 'declared'
   AND e.payload ->> 'death_id' = d.death_id;
