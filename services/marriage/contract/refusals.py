"""Every refusal code the marriage service can raise, each with its one-line meaning (HTTP status in brackets
where it is not 422). Clients, the gateway's problem message catalogue and the documents read this list; a
unit test checks that every code the service's code raises is here (tests/unit/contract/test_refusal_codes.py).
"""

from __future__ import annotations

from shared.reference.refusals import COMMON, Code  # noqa: F401 - COMMON: the codes every service raises

ALREADY_MARRIED = Code("already_married", "a party is married, whichever office registered it (M-3) (409)")
APPLICATION_LAPSED = Code("application_lapsed", "the registration window ended on … (409)")
APPOINTMENT_CANCELLED = Code("appointment_cancelled", "the appointment was cancelled (409)")
APPOINTMENT_MISSED = Code("appointment_missed", "the appointment was missed (409)")
APPOINTMENT_NOT_DUE = Code("appointment_not_due", "the appointment is on … (409)")
BATCH_TOO_LARGE = Code("batch_too_large", "at most … records per batch (422)")
BEFORE_APPLICATION = Code("before_application", "withdrawn_on is before the application")
BEFORE_REGISTRATION = Code("before_registration", "… is before the registration date")
BELOW_LEGAL_AGE = Code("below_legal_age", "M-1: a party is below the legal age to marry")
BLANK_ALREADY_RECEIVED = Code("blank_already_received", "K-5: blanks of that range were received already (409)")
CERTIFICATE_NOT_FOUND = Code("certificate_not_found", "K-8: no such certificate, or the code does not match (404)")
INVALID_BLANK_RANGE = Code("invalid_blank_range", "K-5: the range of blank numbers is not valid")
SERIALS_EXHAUSTED = Code("serials_exhausted", "K-2: the office's serials of the year are used up (409)")
BLANK_ALREADY_VOIDED = Code("blank_already_voided", "M-7: the certificate blank is void already (409)")
BLANK_NOT_ON_HAND = Code("blank_not_on_hand", "K-5: the number is not a blank the office has on hand (409)")
BLANK_ALREADY_USED = Code("blank_already_used", "K-5: a copy was printed on the blank: it cannot be voided (409)")
BORN_AFTER_REGISTRATION = Code("born_after_registration", "a party was born after the registration date")
DIVORCE_BEFORE_REGISTRATION = Code("divorce_before_registration",
                                   "M-12: a paper divorce is dated before the marriage or in the future")
BUSINESS_DATE_IN_FUTURE = Code("business_date_in_future", "a business date is in the future")
CERTIFICATE_NUMBER_TAKEN = Code("certificate_number_taken", "a certificate number is in use already (409)")
CERTIFICATE_NUMBERS_REPEAT = Code("certificate_numbers_repeat", "each party has a certificate of its own number")
COOLING_OFF = Code("cooling_off", "the cooling-off period runs until …; register from … (409)")
DATE_IN_PAST = Code("date_in_past", "appointments are booked for today or later")
DATE_TOO_FAR = Code("date_too_far", "appointments are booked at most … days ahead")
DECEASED = Code("deceased", "M-3: a party is recorded as deceased (409)")
DIVORCE_CLOSED = Code("divorce_closed", "M-8: the application ended with the marriage (409)")
STATEMENT_NOT_ALLOWED = Code("statement_not_allowed", "K-7: a record-of-registration statement is issued only for a "
                             "notarisation for Taiwan or the nine listed countries")
STATEMENT_TOO_LONG = Code("statement_too_long", "K-7: more registrations than one statement page lists (409)")
NO_DIVORCE_CERTIFICATE = Code("no_divorce_certificate", "K-1: no divorce certificate was issued for this divorce "
                              "(not registered, or ended by a court) (409)")
DIVORCE_PENDING = Code("divorce_pending", "a divorce application is pending for this marriage (409)")
DIVORCE_REGISTERED = Code("divorce_registered", "M-8: the divorce is registered already (409)")
DIVORCE_WITHDRAWN = Code("divorce_withdrawn", "M-8: the divorce application was withdrawn (409)")
FORBIDDEN_PLACE = Code("forbidden_place", "the caller may not act for this place (403)")
FORBIDDEN_ROLE = Code("forbidden_role", "an admin records no registrations, divorces or appointments (403)")
INVALID_CERTIFICATE_NUMBER = Code("invalid_certificate_number", "not a certificate number (422)")
INVALID_DIVISION = Code("invalid_division", "household_division is not a known county-level code")
INVALID_FILE = Code("invalid_file", "the header lacks … (422)")
INVALID_ID_NUMBER = Code("invalid_id_number", "the ID number is malformed or its check digit is wrong")
INVALID_PLACE = Code("invalid_place", "… is not a registry office code")
MARRIAGE_ENDED = Code("marriage_ended", "the marriage is …: … (409)")
MARRIAGE_NEVER_EXISTED = Code("marriage_never_existed", "the registration is already … (409)")
MISSING_DECLARATION = Code("missing_declaration", "M-4: the declaration of no impediment is missing")
NOT_A_PARTY = Code("not_a_party", "this person is not a party to the marriage")
NOT_IN_JURISDICTION = Code("not_in_jurisdiction", "M-6: neither party's household is in the office's jurisdiction")
NOT_ONE_MAN_ONE_WOMAN = Code("not_one_man_one_woman", "M-2: the parties are not one man and one woman")
REGISTRATION_NOT_FOUND = Code("registration_not_found", "no marriage is registered under this registration_id (404)")
SLOT_FULL = Code("slot_full", "all … places of this slot are booked (409)")
WITHDRAWAL_PERIOD_OVER = Code("withdrawal_period_over", "withdrawal was possible until … (409)")
