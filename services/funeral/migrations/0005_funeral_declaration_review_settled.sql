-- D-8: the registrar settled a body found later whose date of death differs from the death declaration's
-- (funeral.DeclarationReviewSettled): the registered date of death the settlement is about. The death leaves
-- the review list while its date of death is the one settled; a correction to yet another date brings it back.
ALTER TABLE deaths ADD COLUMN review_settled_for date;
