"""T-1 and T-3 without I/O: access classes as data, what each role and scope sees, titles for known and
unknown types, identity merges and splits, the feed cursor."""

from __future__ import annotations

import pytest

from services.timeline.domain import cursor
from services.timeline.domain.access import access_class, visibility_of
from services.timeline.domain.entries import AliasChange, alias_changes
from services.timeline.domain.titles import title_of
from shared.errors import Refusal
from tests.unit.timeline.given import OTHER, PERSON, event


@pytest.mark.parametrize(("event_type", "klass"), [
    ("marriage.MarriageRegistered", "status"), ("funeral.DeathRegistered", "status"),
    ("funeral.BodyIdentified", "status"), ("funeral.BodyCremated", "case"), ("vagrant_aid.PersonTakenIn", "case"),
    ("child_welfare.ChildFileOpened", "protected"), ("adoption.AdoptionRegistered", "protected"),
])
def test_every_event_type_has_an_access_class_and_unknown_services_are_protected_T3(event_type, klass):
    assert access_class(event_type) == klass


def test_public_security_sees_status_and_case_but_not_protected_T3():
    police = visibility_of("bureau", ["status", "case"])
    assert police.sees_entry("vagrant_aid.PersonTakenIn") and police.sees_entry("marriage.DivorceRegistered")
    assert not police.sees_entry("child_welfare.EligibilityConfirmed")
    assert police.sees_fact("open_relief_case") and not police.sees_fact("child_welfare")


def test_education_sees_child_welfare_facts_only_and_no_timeline_T3():
    education = visibility_of("bureau", ["protected:facts"])
    assert not education.reads_timeline and education.reads_anything
    assert not education.sees_entry("child_welfare.ChildFileOpened")
    assert education.sees_fact("child_welfare") and not education.sees_fact("alive")


def test_staff_see_case_records_of_their_own_service_only_T3():
    funeral = visibility_of("funeral_staff")
    assert funeral.sees_entry("funeral.BodyCremated") and not funeral.sees_entry("vagrant_aid.ServiceProvided")
    assert visibility_of("relief_staff").sees_entry("vagrant_aid.ServiceProvided")


def test_a_fact_read_from_one_service_shows_only_to_grants_of_that_service_or_of_the_whole_class_T3():
    assert not visibility_of("funeral_staff").sees_fact("open_relief_case")  # case@funeral: not a relief case
    assert visibility_of("funeral_staff").sees_fact("alive")
    assert visibility_of("relief_staff").sees_fact("open_relief_case")
    assert visibility_of("bureau", ["case@vagrant_aid"]).sees_fact("open_relief_case")
    assert visibility_of("child_welfare_officer").sees_fact("open_relief_case")  # case:facts, any service
    # A fact without a service goes by its class: a grant narrowed to a service still shows it.
    assert visibility_of("bureau", ["protected@adoption"]).sees_fact("parents")


def test_the_adoption_registrar_reads_adoptions_and_standing_not_child_welfare_files_or_origins_A2_A4_A6_A14():
    registrar = visibility_of("adoption_registrar")
    assert registrar.sees_entry("adoption.AdoptionRegistered") and registrar.sees_entry("adoption.ChildPlaced")
    assert registrar.sees_entry("marriage.MarriageRegistered") and registrar.sees_entry("funeral.DeathRegistered")
    assert not registrar.sees_entry("adoption.AdoptionSealed")  # through the adoption service only
    assert not registrar.sees_entry("child_welfare.ChildFileOpened") and not registrar.sees_entry(
        "child_welfare.VisitRecorded")  # the file's case details
    assert not registrar.sees_entry("vagrant_aid.PersonTakenIn") and not registrar.sees_entry("funeral.BodyCremated")
    assert all(registrar.sees_fact(f) for f in ("alive", "death_basis", "declared_missing", "marital_status",
                                                   "child_welfare", "parents"))
    assert not registrar.sees_fact("open_relief_case") and not registrar.sees_cases


def test_oversight_and_unknown_roles_read_no_person_data_and_a_bureau_cannot_widen_its_scopes_T3():
    assert not visibility_of("oversight").reads_anything
    assert not visibility_of("bureau", ["everything", "protected@", "status;drop"]).reads_anything
    assert not visibility_of("marriage_clerk", ["protected"]).sees_entry("child_welfare.ChildFileOpened")


def test_titles_are_chinese_with_the_english_type_and_unknown_types_get_a_generic_one_T1():
    assert title_of("funeral.DeathRegistered") == "死亡登记 (funeral.DeathRegistered)"
    assert title_of("marriage.SomethingNew") == "婚姻登记事项 (marriage.SomethingNew)"
    assert title_of("registry.SomethingElse") == "其他事项 (registry.SomethingElse)"


def test_an_identification_links_the_temporary_id_to_the_person_T1():
    identified = event("vagrant_aid.PersonSettled", "2024-01-01", [("TMP-RS610500-000001", "temporary"),
                                                                    (PERSON, "settled")])
    assert alias_changes(identified, lambda *_: []) == [AliasChange("TMP-RS610500-000001", PERSON, "link")]


def test_an_event_carrying_unlinked_temporary_id_splits_it_off_T1():
    unlink = event("funeral.IdentificationWithdrawn", "2024-01-02", [(PERSON, "unlinked")],
                   unlinked_temporary_id="TMP-FH610502-000001")
    changes = alias_changes(unlink, lambda *_: [])
    assert changes == [AliasChange("TMP-FH610502-000001", PERSON, "unlink")]


def test_a_death_corrected_to_another_person_moves_the_temporary_ids_of_that_death_F7_T1():
    corrected = event("funeral.DeathCorrected", "2024-01-03", [(OTHER, "deceased"), (PERSON, "wrongly_recorded")],
                      stream="death-d", previous_subject=PERSON, subject=OTHER)
    changes = alias_changes(corrected, lambda stream, person: ["TMP-FH610502-000009"] if person == PERSON else [])
    assert changes == [AliasChange("TMP-FH610502-000009", PERSON, "unlink"),
                       AliasChange("TMP-FH610502-000009", OTHER, "link")]


def test_the_feed_cursor_round_trips_and_refuses_anything_it_did_not_give_out_T3():
    assert cursor.decode(cursor.encode({"funeral": 12, "marriage": 3})) == {"funeral": 12, "marriage": 3}
    assert cursor.decode(None) == {}
    for forged in ("%%%", cursor.encode({"Funeral": 1}), "eyJmdW5lcmFsIjoiMSJ9", "A" * 3000):
        with pytest.raises(Refusal):
            cursor.decode(forged)
