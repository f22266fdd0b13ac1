"""Every refusal code the funeral service can raise, each with its one-line meaning (HTTP status in brackets
where it is not 422). Clients, the gateway's problem message catalogue and the documents read this list; a
unit test checks that every code the service's code raises is here (tests/unit/contract/test_refusal_codes.py).
"""

from __future__ import annotations

from shared.reference.refusals import COMMON, Code  # noqa: F401 - COMMON: the codes every service raises

ALREADY_BURIED = Code("already_buried", "the body has been buried (409)")
ALREADY_COLLECTED = Code("already_collected", "the body has already been collected (409)")
ALREADY_CREMATED = Code("already_cremated", "this body has already been cremated (409)")
ALREADY_DECEASED = Code("already_deceased", "a death is already registered for this person (409)")
ALREADY_IDENTIFIED = Code("already_identified", "this death is already of an identified person (409)")
ALREADY_WAIVED = Code("already_waived", "already waived for this death: … (409)")
AMOUNT_EXCEEDS_STANDARD = Code("amount_exceeds_standard", "… exceeds the standard … of these services")
APPROVAL_BEFORE_NOTICE = Code("approval_before_notice", "approved_on is before the claim notice")
AREA_EXCEEDS_LIMIT = Code("area_exceeds_limit", "a … plot may be at most … m², not …")
AREA_REQUIRED = Code("area_required", "a plot has an area in m²")
ASHES_ALREADY_DISPOSED = Code("ashes_already_disposed", "the ashes have already been taken, deposited or buried (409)")
BEFORE_CREMATION = Code("before_cremation", "disposed_on is before the cremation")
BEFORE_DEATH = Code("before_death", "granted_on is before the date of death")
BODY_DISPOSED = Code("body_disposed", "the body has been cremated or buried (409)")
BUSINESS_DATE_IN_FUTURE = Code("business_date_in_future", "a business date is in the future")
CATEGORY_NOT_APPLICABLE = Code("category_not_applicable", "the deceased is identified")
CATEGORY_NOT_ELIGIBLE = Code("category_not_eligible", "… is not an eligible category on …")
CEMETERY_EXISTS = Code("cemetery_exists", "… exists already (409)")
CEMETERY_REQUIRED = Code("cemetery_required", "a … burial is in a cemetery")
CLAIM_NOTICE_EXISTS = Code("claim_notice_exists", "the claim notice was published on … (409)")
CLAIM_NOTICE_REQUIRED = Code("claim_notice_required", "publish the claim notice before the disposal approval (409)")
DEATH_BEFORE_BIRTH = Code("death_before_birth", "died_on … is before the birth date the ID number gives")
DEATH_NOT_REGISTERED = Code("death_not_registered", "no death is registered under this death_id (404)")
DEPOSIT_TERM_TOO_LONG = Code("deposit_term_too_long", "ashes are deposited for at most … years at once")
DISPOSAL_ALREADY_APPROVED = Code("disposal_already_approved", "disposal has already been approved (409)")
DISPOSAL_TOO_EARLY = Code("disposal_too_early", "the claim notice period runs to …; disposal from … (409)")
DIVISION_MISMATCH = Code("division_mismatch", "… lies in …")
DUPLICATE_CREMATION_CERTIFICATE = Code("duplicate_cremation_certificate",
                                       "this cremation certificate number is already in use (409)")
FORBIDDEN_PLACE = Code("forbidden_place", "the caller may not act for this place (403)")
IDENTIFICATION_BEFORE_DEATH = Code("identification_before_death", "identified_on is before the date of death")
INVALID_DIVISION = Code("invalid_division", "not a known city or county division code")
INVALID_ID_NUMBER = Code("invalid_id_number", "the ID number is malformed or its check digit is wrong")
INVALID_PLACE = Code("invalid_place", "… is not a … code")
NOT_CREMATED = Code("not_cremated", "… needs a recorded cremation (409)")
NOT_IDENTIFIED = Code("not_identified", "an unidentified body gets its ID number by identification (409)")
NOT_UNIDENTIFIED = Code("not_unidentified", "this death is of an identified person (409)")
NOTHING_TO_CORRECT = Code("nothing_to_correct", "the correction changes nothing")
PLOT_EXISTS = Code("plot_exists", "plot … exists already in … (409)")
PLOT_KIND_MISMATCH = Code("plot_kind_mismatch", "niches are for ashes_niche burials, and only niches are")
PLOT_NOT_ALLOCATED = Code("plot_not_allocated", "the plot has no term to renew (409)")
PLOT_NOT_APPLICABLE = Code("plot_not_applicable", "… burials take no plot")
PLOT_OCCUPIED = Code("plot_occupied", "the plot has no free place (409)")
PLOT_REQUIRED = Code("plot_required", "a … burial needs a plot")
PLOT_TYPE_MISMATCH = Code("plot_type_mismatch", "the plot is for … burials, not …")
POLICE_APPROVAL_REQUIRED = Code("police_approval_required",
                                "disposal of an unidentified body needs police approval (409)")
POLICE_CERTIFICATION_REQUIRED = Code("police_certification_required",
                                     "an unnatural death needs the certifying police case")
RENEWAL_TOO_LONG = Code("renewal_too_long", "a term is renewed for at most … years")
UNIDENTIFIED_REMAINS = Code("unidentified_remains", "ashes of an unidentified body are kept under their number (409)")

# -- court declarations (D-1..D-5) and withdrawals (D-11) -------------------------------------------------------
DECLARATION_EXISTS = Code("declaration_exists", "D-1: a death declaration of this person stands (409)")
JUDGMENT_REF_TAKEN = Code("judgment_ref_taken",
                          "D-1: this court's case number is another declaration, of another person or kind (409)")
DECLARATION_IMPLAUSIBLE = Code("declaration_implausible",
                               "D-2: the judgment is dated before the legal minimum …, or civreg saw the person "
                               "alive after the missing or accident date; the registrar confirms it")
DECLARATION_DATES_INVALID = Code("declaration_dates_invalid", "D-1: … is after the judgment date, or before birth")
GROUND_NOT_APPLICABLE = Code("ground_not_applicable", "D-1: a ground or date of death is for death declarations")
ACCIDENT_DATE_REQUIRED = Code("accident_date_required", "D-3: the accident grounds give the accident date")
CENOTAPH_NOT_APPLICABLE = Code("cenotaph_not_applicable", "D-8: a cenotaph is for the person a standing death "
                               "declaration names (409)")
DECLARATION_REVOKED = Code("declaration_revoked", "D-5: the declaration has been revoked or superseded (409)")
REVOCATION_BEFORE_JUDGMENT = Code("revocation_before_judgment", "D-5: revoked_on is before the judgment date")
STATEMENT_NOT_APPLICABLE = Code("statement_not_applicable",
                                "D-5: a spouse's statement is about a death declaration (409)")
NO_REVIEW_PENDING = Code("no_review_pending", "D-8: this death has no date of death to review, or it was settled "
                                            "(409)")
DEATH_WITHDRAWN = Code("death_withdrawn", "D-11: this death was withdrawn as registered in error (409)")
FORBIDDEN_ROLE = Code("forbidden_role", "D-1: a court declaration is entered by a marriage registrar or the courts "
                                        "(403)")
