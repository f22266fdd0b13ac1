-- A-10: an assessment opens at the adopters' consent, its report due within 60 days of it (the living-together
-- period not counted); one waiting for its report past that day is a registrar's task. So a row exists before
-- its outcome and report date, and carries the office, adopters, consent and living-together period the task
-- list reads. Rows written before this migration keep these columns null: they were reports without a consent.
ALTER TABLE assessments
    ALTER COLUMN outcome DROP NOT NULL,
    ALTER COLUMN assessed_on DROP NOT NULL,
    ADD COLUMN office               text,
    ADD COLUMN adopters             text[],
    ADD COLUMN consented_on         date,
    ADD COLUMN living_together_from date,
    ADD COLUMN living_together_to   date,
    ADD COLUMN version              integer NOT NULL DEFAULT 1;

-- the ones waiting for their report, by office: what GET /v1/adoption/tasks reads
CREATE INDEX assessments_awaiting_report ON assessments (office, consented_on)
    WHERE assessed_on IS NULL AND consented_on IS NOT NULL;
