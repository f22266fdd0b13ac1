"""What the fields of civreg's event payloads mean, by name: one wording for a name used by many events
(`death_id`, `office`, `died_on`…). A model's own `Field(description=…)` says more where a field means more
in that event; the generated catalogue (docs/events.md) and the AsyncAPI document read both through
`field_description`."""

from __future__ import annotations

from pydantic.fields import FieldInfo

GLOSSARY: dict[str, str] = {
    # identities and records
    "registration_id": "the marriage registration (stream `marriage-<id>`)",
    "divorce_id": "the divorce application or registration",
    "appointment_id": "the appointment (M-13)", "refusal_id": "the refusal record",
    "death_id": "the death record (stream `death-<id>`)", "child_id": "the child's file (stream `child-<id>`)",
    "case_id": "the relief case (stream `case-<id>`)", "plot_id": "the cemetery plot", "burial_id": "the burial",
    "cremation_id": "the cremation", "assistance_id": "the funeral assistance grant",
    "entry_id": "the watch-list entry",
    "batch_id": "the import batch (M-12)", "record_id": "the registration id the record would have had",
    "record_ref": "the paper record's reference", "row": "the row in the imported file",
    "relief_case_id": "the relief case it came from", "id_number": "an ID number (18 characters, 0.1)",
    "id_numbers": "the ID numbers of the persons", "temporary_id": "a temporary subject id (`TMP-…`)",
    "deceased_id_number": "the spouse who died", "survivor_id_number": "the surviving spouse",
    "dishonest_id_number": "who used false documents (dishonesty list), if anyone",
    "by_id_number": "the party who withdrew", "previous_subject": "whom the record concerned before",
    "subject": "whom the record concerns now", "registered_by": "who registered it",
    # places and offices
    "office": "the office (place code, e.g. `MR-610502`)", "office_division": "the office's county (division)",
    "station": "the relief station (place code)", "station_division": "the station's division",
    "station_tier": "the station's tier", "funeral_home": "the funeral home (place code)",
    "cemetery": "the cemetery (place code)", "division": "an administrative division (six digits)",
    "household_division": "the household registration's division", "place_division": "where it happened (division)",
    "destination_division": "where the person went (division)", "institution": "the welfare institution",
    "location": "where (storage place, deposit hall…)", "court": "the court", "school": "the school",
    "code": "the place code", "tier": "the station's tier", "parent": "the parent (index, or place code)",
    # dates
    "date": "the date", "registered_on": "the registration date", "died_on": "the date of death",
    "effective_on": "from when it takes effect", "applied_on": "the application date",
    "decided_on": "the decision date", "refused_on": "the refusal date", "recorded_on": "the recording date",
    "identified_on": "the identification date", "cancelled_on": "the cancellation date",
    "reissued_on": "the reissue date", "voided_on": "the date the blank was voided",
    "previous_died_on": "the date of death before the correction",
    "closed_on": "the closing date", "withdraw_until": "the last day to withdraw (cooling-off, M-8)",
    "register_from": "the first day to register the divorce", "register_until": "the last day to register it",
    "withdrawn_on": "the withdrawal date", "revoked_on": "the revocation date", "signed_on": "the signing date",
    "valid_until": "valid until", "opened_on": "the opening date", "condition_since": "the condition holds since",
    "ends_on": "the condition ends on", "replaces_since": "the start date of the fact it corrects",
    "set_on": "the date it was set", "full_time_until": "full-time education until",
    "from_effective_on": "the date before the correction", "checked_on": "the check date",
    "visited_on": "the visit date", "next_due": "the next visit is due", "disposed_on": "the disposal date",
    "deposit_until": "deposited until", "granted_on": "the grant date", "collected_on": "the collection date",
    "cremated_on": "the cremation date", "stored_on": "the storage date", "interred_on": "the interment date",
    "published_on": "the publication date", "corrected_on": "the correction date", "approved_on": "the approval date",
    "term_from": "the term starts", "term_until": "the term ends", "renewed_on": "the renewal date",
    "previous_until": "the term ended before the renewal", "referred_on": "the referral date",
    "exited_on": "the exit date", "settled_on": "the settlement date", "arrived_at": "arrival time",
    "arrived_on": "arrival date", "provided_on": "the date of the service", "until": "until",
    "filed_on": "the filing date", "previous_last_day": "the last day of the stay before", "birth_date": "birth date",
    "birth_year": "birth year", "at": "when (time)", "on": "the date", "month": "the month (`YYYY-MM`)",
    "from_month": "from the month (`YYYY-MM`)", "allowance_from": "allowance from the month (`YYYY-MM`)",
    "allowance_until": "allowance until the month (`YYYY-MM`)",
    # what and why
    "kind": "the kind", "reason": "why", "reasons": "why (rule codes)",
    "cause": "what caused it (officer, schedule, or the triggering event type)",
    "category": "the category", "care": "the form of care", "carer": "the foster carer", "source": "where it came from",
    "sex": "`male` or `female`", "name": "the name (masked in every log line)", "method": "how",
    "document_ref": "the document's reference", "certificates": "the certificates issued",
    "number": "the certificate number", "old_number": "the number no longer valid", "new_number": "the new number",
    "parties": "the parties", "cross_county": "the parties' households are in another county than the office",
    "imported": "imported from a paper record (M-12)", "jurisdiction": "the M-6 phase it was judged by",
    "agreement": "the divorce agreement (children, property, debts)", "party": "the other party",
    "renewal": "a renewal", "months": "the months recomputed", "paid": "paid", "due": "due",
    "difference": "due less paid", "total": "arrears positive, recovery negative", "amount": "amount (decimal string)",
    "suggested_category": "the category it may now qualify for", "from_care": "the care before",
    "from_institution": "the institution before", "transfer": "between institutions",
    "parents": "the parents and their conditions", "guardian": "the guardian",
    "from_category": "the category before", "to_category": "the category now", "condition": "the condition",
    "evidence_ref": "the evidence's reference", "withdrawn": "the corrected fact never held", "notes": "notes",
    "outcome": "`passed` or `failed`", "visitor": "who visited", "findings": "what was found",
    "disposition": "what was done with the ashes", "taken_by": "who took them", "term_years": "term in years",
    "ashes_number": "the ashes' number", "items": "the services waived", "collected_from": "collected from",
    "cremation_certificate": "the cremation certificate's number", "burial_type": "the burial type",
    "eco": "an eco burial", "rights_holder": "who holds the rights to the plot", "medium": "where it was published",
    "changes": "the corrected fields: `{field: {from, to}}`", "police_case": "the police case (unidentified only)",
    "natural": "a natural death", "certificate_no": "the death certificate's number", "issuer": "who issued it",
    "description": "a description of an unidentified person", "identified": "identified by an ID number",
    "area_m2": "area in square metres", "capacity": "how many it holds", "basis": "on what basis",
    "exception": "the exception allowed", "reserved_for": "the living person it is reserved for",
    "fills_reservation": "the reservation it fills", "years": "years", "step": "the step", "detail": "detail",
    "guardianship": "who has guardianship", "minor": "a minor", "estimated_age": "estimated age",
    "returned_home": "returned home", "handed_to": "to whom the person was handed",
    "collected_by": "who collected the person", "relation": "relation to the person",
    "transferred_to": "where to", "declaration_signed": "the declaration was signed", "flags": "intake flags",
    "consent": "consented", "speaks_for_self": "speaks for themselves", "belongings": "belongings kept",
    "relatives": "relatives named", "source_detail": "more about the source", "section": "the section",
    "contacts": "whom to call", "phone": "a phone number",
}


def field_description(name: str, info: FieldInfo) -> str:
    """The field's own description, else the glossary's wording for its name."""
    return info.description or GLOSSARY.get(name, "")
