"""Every refusal code the vagrant aid service can raise, each with its one-line meaning (HTTP status in
brackets where it is not 422). The deciders raise these constants; clients, the gateway's problem message
catalogue and the documents read this list (tests/unit/contract/test_refusal_codes.py checks it is complete).
"""

from __future__ import annotations

from shared.reference.refusals import COMMON, Code  # noqa: F401 - COMMON: the codes every service raises

# V-1 the network
FORBIDDEN_STATION = Code("forbidden_station", "V-1: the caller does not work at this station (403)")
UNKNOWN_STATION = Code("unknown_station", "V-1: no such relief station")
INVALID_STATION_CODE = Code("invalid_station_code", "V-1: a point's code is RS-<county of the city>-<number>")
INVALID_PARENT_STATION = Code("invalid_parent_station",
                              "V-1: a township point hangs under its county station, a village point under a township")
STATION_EXISTS = Code("station_exists", "V-1: the station is registered already (409)")

# V-2 intake, identity
CONSENT_REQUIRED = Code("consent_required", "V-2: aid is voluntary: the person must consent")
INCAPACITY_REASON_REQUIRED = Code("incapacity_reason_required",
                                  "V-2: say why the person cannot speak for themselves (a flag)")
SEX_REQUIRED = Code("sex_required", "V-2: record the sex of a person without an ID number")
ESTIMATED_AGE_REQUIRED = Code("estimated_age_required", "V-2: estimate the age of a person without an ID number")
INVALID_ID_NUMBER = Code("invalid_id_number", "the ID number is malformed or its check digit is wrong")
ID_NUMBER_DISAGREES = Code("id_number_disagrees", "the recorded sex or age differs from the ID number's")
ALREADY_OPEN_CASE = Code("already_open_case", "the person has an open case at this station (409)")
BUSINESS_DATE_IN_FUTURE = Code("business_date_in_future", "a business date or time is in the future")
DATE_BEFORE_ARRIVAL = Code("date_before_arrival", "a date on a case is before the person arrived")

# V-4 services, V-5 stay
CASE_CLOSED = Code("case_closed", "V-8: the case has ended (409)")
AMOUNT_REQUIRED = Code("amount_required", "V-4: a cash service states its amount")
CASH_OVER_LIMIT = Code("cash_over_limit", "V-4: cash for one case is at most 20 元 in all")
EXTENSION_NOT_LATER = Code("extension_not_later", "V-5: an extension ends after the stay's current last day")

# V-6 identification and settlement
ALREADY_IDENTIFIED = Code("already_identified", "V-6: the person already has an ID number on this case (409)")
SETTLEMENT_TOO_EARLY = Code("settlement_too_early", "V-6: settlement comes after three months unidentified")
INVALID_HOUSEHOLD_DIVISION = Code("invalid_household_division", "V-6: settlement is in a county of the city")

# V-7 minors, V-8 exits
MINOR_CANNOT_SELF_DEPART = Code("minor_cannot_self_depart", "V-7: a minor's case cannot end by self-departure")
SELF_DEPARTURE_NOT_ALLOWED = Code("self_departure_not_allowed",
                                  "V-7: self-departure is for people 16+ without mental or intellectual disability")
DECLARATION_REQUIRED = Code("declaration_required", "V-7: self-departure needs the person's signed declaration")
MINOR_AID_CANNOT_BE_TERMINATED = Code("minor_aid_cannot_be_terminated",
                                      "V-7: a minor's case ends by collection, escort home or transfer")
UNKNOWN_DIVISION = Code("unknown_division", "V-8: not a known city or county division code")
INVALID_DATE_OF_DEATH = Code("invalid_date_of_death", "V-8: the date of death lies outside the stay")

# V-10 watch list
SEX_AND_BIRTH_YEAR_REQUIRED = Code("sex_and_birth_year_required",
                                   "V-10: without an ID number, give the sex and the birth year")
