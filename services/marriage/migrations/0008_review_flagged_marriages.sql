-- The registrar's review list (GET /v1/marriage/historical-records/review) reads every marriage flagged for
-- review (M-11, M-12, D-4, D-11) in registration id order, a page at a time. Flagged marriages are few among
-- all; a partial index keeps the page a short index scan instead of a scan of every marriage.
CREATE INDEX marriages_flagged ON marriages (registration_id) WHERE flagged;
