"""Every refusal code the adoption service can raise, each with its one-line meaning (HTTP status in brackets
where it is not 422). The deciders raise these constants; clients, the gateway's problem message catalogue and
the documents read this list (tests/unit/contract/test_refusal_codes.py checks it is complete).
"""

from __future__ import annotations

from shared.reference.refusals import COMMON, Code  # noqa: F401 - COMMON: the codes every service raises

# A-1 registry
FORBIDDEN_PLACE = Code("forbidden_place", "A-1: the registrar works at another registry office (403)")
UNKNOWN_OFFICE = Code("unknown_office", "A-1: not a registry office of the city")
BUSINESS_DATE_IN_FUTURE = Code("business_date_in_future", "a business date is in the future")
JURISDICTION_PLACE_REQUIRED = Code(
    "jurisdiction_place_required",
    "A-1 (办法 4): state the county that decides the registry: the institution's, or where the foundling was found")
INVALID_DIVISION = Code("invalid_division",
                        "A-1, A-16: a stated division (household registration, institution's county, where a "
                        "foundling was found) is not a known county-level code")
INVALID_ID_NUMBER = Code("invalid_id_number", "the ID number is malformed or its check digit is wrong")

# the child and the placing party
CHILD_NOT_ADOPTABLE = Code("child_not_adoptable",
                           "A-2: the child is not a minor on the registration date, or was claimed (A-11)")
CHILD_ALREADY_ADOPTED = Code("child_already_adopted", "A-12: the child has a registered adoption in force (409)")
PLACING_PARTY_INCOMPLETE = Code("placing_party_incomplete",
                                "A-3: a parent or guardian gives an ID number, an institution its name")
PLACING_PARTY_MISMATCH = Code("placing_party_mismatch",
                              "A-3: an orphan is placed by its guardian or an institution, a child of parents in "
                              "difficulty by a parent, a foundling by an institution or guardian")
ADOPTER_IS_PLACING_PARTY = Code("adopter_is_placing_party", "A-3: the placing party cannot adopt the child")
OTHER_PARENT_REQUIRED = Code("other_parent_required",
                             "A-3 (1097): birth parents place jointly: say whether the other parent joins (with its ID "
                             "number) or is unknown, untraceable or dead")
GRANDPARENTS_PRIORITY_UNRECORDED = Code(
    "grandparents_priority_unrecorded",
    "A-3 (1108): a widowed parent places the child: record whether the dead parent's parents, who may raise it "
    "first, waived their priority or none is living")
GRANDPARENTS_RAISE_CHILD = Code("grandparents_raise_child",
                                "A-3 (1108): the dead parent's parents exercised their priority to raise the child")
SUPPORT_CONSENT_REQUIRED = Code("support_consent_required",
                                "A-3 (1096): those owing the orphan support did not consent to the guardian placing it")

# the adopters
ADOPTER_UNDER_30 = Code("adopter_under_30", "A-4: each adopter is 30 full years old on the registration date")
ADOPTION_LIMIT = Code("adoption_limit",
                      "A-4, A-5: an adopter with children adopts only up to two children in all (counted from "
                      "civreg's adoptions and the signed statement)")
SPOUSE_MUST_JOIN = Code("spouse_must_join", "A-6: a married person adopts only together with the spouse")
AGE_GAP_40 = Code("age_gap_40", "A-6: a single adopter of a child of the other sex is 40 full years older or more")
CHILD_CONSENT_REQUIRED = Code("child_consent_required", "A-7: a child of 8 or more consents, recorded")
BIRTH_PARENT_CONSENT_REQUIRED = Code("birth_parent_consent_required",
                                     "A-8: a step-parent adopts with the birth parents' consent")
STATEMENT_REQUIRED = Code("statement_required",
                          "A-4, A-9: the adopters' signed statement of marital status and children is cited")

# A-10 assessment, A-11 foundling notice
NO_ASSESSMENT = Code("no_assessment", "A-10: no assessment of these adopters on or before the registration date")
UNSUITABLE_REASON_REQUIRED = Code("unsuitable_reason_required",
                                  "A-10: registering after an `unsuitable` assessment needs a recorded reason")
ASSESSMENT_BEFORE_CONSENT = Code("assessment_before_consent",
                                 "A-10: the assessment is reported before the adopters consented to it")
LIVING_TOGETHER_REQUIRED = Code("living_together_required",
                                "A-10: from 2021 a report states the living-together period (融合期) it assesses")
LIVING_TOGETHER_TOO_SHORT = Code("living_together_too_short",
                                 "A-10: the report assesses a living-together period of at least 30 days, lived by "
                                 "its date")
ASSESSMENT_REPORTED = Code("assessment_reported", "A-10: the assessment's report is recorded already (409)")
NOTICE_REQUIRED = Code("notice_required", "A-11: a foundling is registered only after a published notice")
NOTICE_RUNNING = Code("notice_running", "A-11: the 60 days of the foundling notice have not passed")
NOTICE_CLAIMED = Code("notice_claimed", "A-11: the notice was claimed already (409)")
NOTICE_EXISTS = Code("notice_exists", "A-11: a notice for this child is running or was claimed (409)")

# A-12 applications and their decision
APPLICATION_DECIDED = Code("application_decided", "A-12: the application was decided already (409)")
APPLICATION_MISMATCH = Code("application_mismatch",
                            "A-12: the application is another office's, another kind, or about another child")
UNKNOWN_REFUSAL_CODE = Code("unknown_refusal_code", "A-12: a refusal names a code that is not an adoption rule's")

# dissolution, void and revoked registrations
NOT_IN_JURISDICTION = Code("not_in_jurisdiction",
                           "A-1, A-16: registered at the registry office of the county that has jurisdiction: an "
                           "institution's, where a foundling was found, else the placing party's household "
                           "registration (A-1); a dissolution by agreement at the adoptee's (A-16)")
HOUSEHOLD_DIVISION_REQUIRED = Code("household_division_required",
                                   "A-16: a dissolution by agreement states the adoptee's household registration")
AGREEMENT_REQUIRED = Code("agreement_required", "A-16: a dissolution by agreement cites the written agreement")
CERTIFICATE_MISMATCH = Code("certificate_mismatch",
                            "A-16: the 收养登记证 taken back is not this adoption's valid certificate")
BIRTH_RELATIONS_AGREEMENT_REQUIRED = Code(
    "birth_relations_agreement_required",
    "A-16 (1117): an adult adoptee's birth relations revive only as agreed: say whether they are restored")
BIRTH_RELATIONS_REVIVE = Code("birth_relations_revive",
                              "A-16 (1117): a minor's birth relations revive by law on dissolution")
ADOPTION_ENDED = Code("adoption_ended", "A-16, A-17: the adoption is dissolved, void or revoked already (409)")
COURT_DOCUMENT_REQUIRED = Code("court_document_required",
                               "A-16, A-17: a court's dissolution or a revocation cites its document")
DATE_BEFORE_REGISTRATION = Code("date_before_registration",
                                "A-11, A-12, A-16, A-17: the date is before the registration, notice or receipt "
                                "it follows")

# K-4 numbering, raised by the shared numbering (shared/certificates.py)
SERIALS_EXHAUSTED = Code("serials_exhausted", "K-4: the office's year of 999,999 numbers is used up (409)")
