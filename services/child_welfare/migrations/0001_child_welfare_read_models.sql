-- The child welfare service's inline read models: written in the same transaction as the events they follow
-- (services/child_welfare/adapters/read_models.py), so that commands can decide on them and queries answer
-- from them. They hold nothing the events do not: replaying the store through the projection rebuilds them.
-- {{role}} is the service's own database role.

-- One row per child's file: what the task list and the lookups need.
CREATE TABLE child_files (
    child_id            text        PRIMARY KEY,
    subject_id          text        NOT NULL,             -- the ID number, or the TMP- id until identified
    id_number           text,
    temporary_id        text,
    birth_date          date,
    source              text        NOT NULL,             -- application | relief_referral
    status              text        NOT NULL,             -- applied | checked | confirmed | rejected | terminated
    category            text,
    care                text        NOT NULL,
    institution         text,
    applied_on          date        NOT NULL,
    assessment_from     date        NOT NULL,
    township_checked_on date,
    decided_on          date,
    terminated_on       date,
    eligibility_ends_on date,                             -- C-6: the known facts end the eligibility that day
    agreement_until     date,
    last_visit          date,
    relief_case_id      text,
    version             integer     NOT NULL
);
CREATE INDEX child_files_status ON child_files (status);
CREATE INDEX child_files_birth_date ON child_files (birth_date) WHERE terminated_on IS NULL;

-- C-2 一人一档: every id a child is known under (ID number; the temporary id of a referred child, kept after
-- identification so both answer) maps to exactly one file. The primary key makes two officers opening a file
-- for the same child at once safe: the second insert waits for the first transaction, then fails.
CREATE TABLE child_subjects (
    subject_id          text        PRIMARY KEY,
    child_id            text        NOT NULL REFERENCES child_files
);

-- Reactions: a parent's death (funeral service) finds the parent's children here.
CREATE TABLE parent_children (
    parent_id           text        NOT NULL,
    child_id            text        NOT NULL REFERENCES child_files,
    PRIMARY KEY (parent_id, child_id)
);

-- C-4: foster carers and their current foster children; a carer row is locked while a placement is decided,
-- so that two placements with one carer at once cannot both pass the "at most two" rule.
CREATE TABLE foster_carers (
    carer_id            text        PRIMARY KEY
);
CREATE TABLE foster_placements (
    child_id            text        PRIMARY KEY REFERENCES child_files,
    carer_id            text        NOT NULL REFERENCES foster_carers
);
CREATE INDEX foster_placements_carer ON foster_placements (carer_id);

-- C-5: the ledger as spans of months paid on the same facts (one row per child in a quiet month), rewritten
-- from the file's state whenever an event changes it. The payroll of a month reads the spans covering it.
CREATE TABLE allowance_spans (
    child_id            text        NOT NULL REFERENCES child_files,
    first_month         date        NOT NULL,
    last_month          date,                             -- NULL while open-ended
    category            text,                             -- NULL: not eligible on those months' first days
    care                text        NOT NULL,
    basis               jsonb       NOT NULL,
    PRIMARY KEY (child_id, first_month)
);
CREATE INDEX allowance_spans_months ON allowance_spans (first_month, last_month);

-- C-5: adjustments (arrears and recoveries), paid with the payroll of the month they are recorded in.
CREATE TABLE allowance_adjustments (
    event_id            uuid        PRIMARY KEY,
    child_id            text        NOT NULL REFERENCES child_files,
    recorded_month      date        NOT NULL,
    total               numeric(12, 2) NOT NULL,
    months              jsonb       NOT NULL
);
CREATE INDEX allowance_adjustments_month ON allowance_adjustments (recorded_month);

-- C-5: standards set by admins, over the bundled dated parameters.
CREATE TABLE allowance_standards (
    category            text        NOT NULL,
    care                text        NOT NULL,
    from_month          date        NOT NULL,
    amount              numeric(9, 2) NOT NULL,
    PRIMARY KEY (category, care, from_month)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON child_files, child_subjects, parent_children, foster_carers,
    foster_placements, allowance_spans, allowance_adjustments, allowance_standards TO {{role}};
