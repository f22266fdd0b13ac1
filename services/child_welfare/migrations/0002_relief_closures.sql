-- The relief loop (domain.md "Reacting to other services"): a relief case that stopped being a referral — the
-- minor collected, escorted home or transferred (vagrant_aid.PersonExited), or identified as an adult
-- (vagrant_aid.PersonIdentified) — by case. Kept so that the closure holds whichever arrives first: a referral
-- reaching child welfare after its case's end (a replayed dead letter) opens and closes at once. Rebuilt from
-- the relief events, like every read model here.
CREATE TABLE relief_closures (
    case_id             text        PRIMARY KEY,
    outcome             text        NOT NULL,             -- collected | escorted | transferred | identified_adult
    closed_on           date        NOT NULL,
    cause               text        NOT NULL,             -- the triggering event type
    event_id            uuid        NOT NULL              -- the triggering event
);
GRANT SELECT, INSERT, UPDATE, DELETE ON relief_closures TO {{role}};

-- Referral files opened before this migration kept their relief case only in the event: filled in from it.
UPDATE child_files f SET relief_case_id = e.payload->>'relief_case_id'
  FROM events e
 WHERE e.stream_id = 'child-' || f.child_id AND e.event_type = 'child_welfare.ChildFileOpened'
   AND f.source = 'relief_referral' AND f.relief_case_id IS NULL;
