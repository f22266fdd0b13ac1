"""Every refusal code the child welfare service can raise, each with its one-line meaning (HTTP status in brackets
where it is not 422). Clients, the gateway's problem message catalogue and the documents read this list; a
unit test checks that every code the service's code raises is here (tests/unit/contract/test_refusal_codes.py).
"""

from __future__ import annotations

from shared.reference.refusals import COMMON, Code  # noqa: F401 - COMMON: the codes every service raises

ALREADY_CHECKED = Code("already_checked", "C-3: the township has checked this application already (409)")
ALREADY_DECIDED = Code("already_decided", "the file is … (409)")
BIRTH_DATE_UNKNOWN = Code("birth_date_unknown", "the child's birth date is not known")
BUSINESS_DATE_IN_FUTURE = Code("business_date_in_future", "a business date is in the future")
CARER_NOT_EXPECTED = Code("carer_not_expected", "only foster care has a carer")
CARER_REQUIRED = Code("carer_required", "foster care names the foster carer")
CATEGORY_MISMATCH = Code("category_mismatch", "the parents' conditions make the child … on …")
CATEGORY_REQUIRED = Code("category_required", "a confirmation names the category")
CHANGE_BEFORE_APPLICATION = Code("change_before_application", "effective_on is before the application")
CHECK_BEFORE_APPLICATION = Code("check_before_application", "checked_on is before the application")
DECISION_BEFORE_CHECK = Code("decision_before_check", "decided_on is before the township's check")
ENDS_BEFORE_IT_STARTS = Code("ends_before_it_starts", "ends_on is before condition_since")
FILE_EXISTS = Code("file_exists", "this child already has a file (409)")
FILE_TERMINATED = Code("file_terminated", "support ended on … (409)")
FILE_NOT_TERMINATED = Code("file_not_terminated", "only a terminated file is reopened (409)")
ALREADY_LONG_TERM_GUARDIANSHIP = Code("already_long_term_guardianship",
                                      "the state is the child's long-term guardian already (409)")
FORBIDDEN_PLACE = Code("forbidden_place", "an officer of … may not act for another county's child (403)")
FORBIDDEN_ROLE = Code("forbidden_role", "C-3: only a township officer records the township's check (403)")
FOSTER_CARER_AGE = Code("foster_carer_age", "a foster carer is … to … years old, not …")
FOSTER_CARER_FULL = Code("foster_carer_full", "the carer already has … foster children (at most …) (409)")
INSTITUTION_REQUIRED = Code("institution_required", "institutional care names the institution")
INVALID_DIVISION = Code("invalid_division", "not a known city or county division code")
INVALID_ID_NUMBER = Code("invalid_id_number", "the ID number is malformed or its check digit is wrong")
NO_SUCH_FACT = Code("no_such_fact", "the parent has no condition starting on replaces_since")
NO_SUCH_PARENT = Code("no_such_parent", "the file has no such parent")
NOT_A_MINOR = Code("not_a_minor", "the child is not under 18 on the application date")
NOT_ELIGIBLE = Code("not_eligible",
                    "on … the parents' conditions make the child neither an orphan nor de facto unattended (C-1)")
NOTHING_TO_CHANGE = Code("nothing_to_change", "the child is in this arrangement already")
PARENT_NAME_REQUIRED = Code("parent_name_required", "a parent new to the file is named")
PLACEMENT_BEFORE_CURRENT = Code("placement_before_current", "effective_on is before the current arrangement began")
REOPENED_BEFORE_TERMINATION = Code("reopened_before_termination", "reopened_on is before the termination")
REASONS_REQUIRED = Code("reasons_required", "a rejection states its reasons")
SCHOOLING_ENDED = Code("schooling_ended", "full_time_until has passed")
STUDENT_EXTENSION_NOT_AVAILABLE = Code("student_extension_not_available",
                                       "no student extension holds on the 18th birthday")
TERMINATION_BEFORE_APPLICATION = Code("termination_before_application", "effective_on is before the application")
TOWNSHIP_CHECK_MISSING = Code("township_check_missing", "the township has not checked the application yet (409)")
