"""F-3 cemeteries and plots, F-4 eco burial: cemeteries by kind and division; plots within the area limits
of their burial type; allocation only against a registered death or a recorded exception; 20-year terms,
renewable; sea burial and scattering need no plot; eco burial types are marked as such."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from services.funeral.contract.commands import AddPlots, Bury, Cremate, OpenCemetery, RenewTerm, ReservePlot
from services.funeral.domain import body
from services.funeral.domain.cemetery import (
    Cemetery,
    Cenotaph,
    decide_burial,
    decide_open_cemetery,
    decide_plots,
    decide_renewal,
    decide_reservation,
)
from services.funeral.domain.events import BURIAL_RECORDED, CEMETERY_OPENED, PLOT_ADDED, PLOT_ALLOCATED
from tests.unit.funeral.given import (
    CEMETERY,
    CEMETERY_STAFF,
    DEATH_ID,
    FUNERAL_HOME,
    OTHER_PERSON,
    PERSON,
    STAFF,
    TODAY,
    plot_of,
    record,
    refused,
    registered,
)

PUBLIC = Cemetery(CEMETERY, "渭南市临渭区公益性公墓", "public_welfare", "610502")
HOLDER = {"name": "张三", "phone": "13800000000"}


def plots(*specs, existing=frozenset()):
    return decide_plots(PUBLIC, set(existing), AddPlots(plots=specs), TODAY)


def plot(number="A-1", kind="plot", burial_type="ashes", area="0.8"):
    [draft] = plots({"number": number, "kind": kind, "burial_type": burial_type,
                     "area_m2": None if area is None else Decimal(area)}).values()
    return [draft]


def cremated():
    death = record(registered())
    return record(registered(), body.decide_cremation(
        death, Cremate(death_id=DEATH_ID, funeral_home=FUNERAL_HOME), STAFF, TODAY,
        body.CremationNumbers("c-1", "CC-1")))


def bury(death, laid_out, burial_type="ashes", actor=CEMETERY_STAFF, **changes):
    fields = {"death_id": DEATH_ID, "cemetery": CEMETERY, "plot": "A-1", "burial_type": burial_type,
              "rights_holder": HOLDER, "interred_on": TODAY, **changes}
    return decide_burial(death, laid_out, Bury(**fields), actor, TODAY, "b-1", 20)


def test_a_cemetery_has_a_kind_and_the_division_of_its_code_F3():
    [event] = decide_open_cemetery(None, OpenCemetery(code=CEMETERY, name="公墓", kind="commercial"), TODAY)
    assert (event.type, event.payload["division"], event.payload["kind"]) == (CEMETERY_OPENED, "610502", "commercial")

    with refused("division_mismatch", 422):
        decide_open_cemetery(None, OpenCemetery(code=CEMETERY, name="公墓", kind="commercial", division="610503"),
                             TODAY)
    with refused("cemetery_exists", 409):
        decide_open_cemetery(PUBLIC, OpenCemetery(code=CEMETERY, name="公墓", kind="commercial"), TODAY)
    # The contract refuses a funeral home's code as a cemetery's; the rule still guards a command built
    # without it.
    with pytest.raises(ValidationError):
        OpenCemetery(code="FH-610502", name="x", kind="commercial")
    with refused("invalid_place", 422):
        decide_open_cemetery(None, OpenCemetery.model_construct(code="FH-610502", name="x", kind="commercial",
                                                                division=None), TODAY)
    with pytest.raises(ValidationError):
        OpenCemetery(code=CEMETERY, name="公墓", kind="private")


@pytest.mark.parametrize(("burial_type", "limit"), [("ashes", "1"), ("body_single", "4"), ("body_double", "6"),
                                                    ("tree", "1")])
def test_plot_areas_are_limited_by_burial_type_F3(burial_type, limit):
    assert plot(burial_type=burial_type, area=limit)
    with refused("area_exceeds_limit", 422):
        plot(burial_type=burial_type, area=str(Decimal(limit) + Decimal("0.01")))


def test_niches_hold_ashes_sea_burials_take_no_plot_plots_have_an_area_F3_F4():
    [niche] = plot(kind="niche", burial_type="ashes_niche", area=None)
    assert (niche.type, niche.payload["capacity"]) == (PLOT_ADDED, 1)
    with refused("plot_kind_mismatch", 422):
        plot(kind="niche", burial_type="ashes", area=None)
    with refused("plot_not_applicable", 422):
        plot(burial_type="sea", area=None)
    with refused("area_required", 422):
        plot(area=None)
    with refused("plot_exists", 409):
        plots({"number": "A-1", "kind": "plot", "burial_type": "ashes", "area_m2": "1"},
              existing={f"{CEMETERY}.A-1"})


def test_a_double_body_plot_holds_two_F3():
    [double] = plot(burial_type="body_double", area="6")
    assert double.payload["capacity"] == 2


def test_a_burial_allocates_the_plot_for_a_20_year_term_F3():
    decision = bury(cremated(), plot_of(plot()))

    [burial], [allocation] = decision.death, decision.plot
    assert (burial.type, burial.payload["eco"]) == (BURIAL_RECORDED, False)
    assert burial.payload["plot_id"] == f"{CEMETERY}.A-1"
    assert allocation.type == PLOT_ALLOCATED
    assert (allocation.payload["basis"], allocation.payload["death_id"]) == ("death", DEATH_ID)
    assert (allocation.payload["term_from"], allocation.payload["term_until"]) == ("2025-06-16", "2045-06-16")
    assert allocation.subjects == ((PERSON, "deceased"),)


def test_an_occupied_plot_is_refused_F3():
    laid_out = plot_of(plot(), bury(cremated(), plot_of(plot())).plot)
    other = record(registered(), body.decide_cremation(record(registered()), Cremate(
        death_id=DEATH_ID, funeral_home=FUNERAL_HOME), STAFF, TODAY, body.CremationNumbers("c-2", "CC-2")))
    with refused("plot_occupied", 409):
        bury(other, laid_out)


def test_the_burial_must_fit_the_plot_and_the_remains_F3():
    with refused("plot_type_mismatch", 422):
        bury(cremated(), plot_of(plot(burial_type="tree")))
    with refused("not_cremated", 409):
        bury(record(registered()), plot_of(plot()))
    with refused("already_cremated", 409):
        bury(cremated(), plot_of(plot(burial_type="body_single", area="4")), burial_type="body_single")
    assert bury(record(registered()), plot_of(plot(burial_type="body_single", area="4")), burial_type="body_single")


def test_plot_burials_need_a_cemetery_and_a_plot_of_it_F3():
    with refused("plot_required", 422):
        bury(cremated(), None, plot=None)
    with refused("cemetery_required", 422):
        bury(cremated(), None, cemetery=None, actor=STAFF)
    with refused("not_found", 404):
        bury(cremated(), None)
    with refused("forbidden_place", 403):
        bury(cremated(), plot_of(plot()), actor=STAFF)


def test_a_death_is_buried_once_F3():
    buried = record(registered(), body.decide_cremation(record(registered()), Cremate(
        death_id=DEATH_ID, funeral_home=FUNERAL_HOME), STAFF, TODAY, body.CremationNumbers("c-1", "CC-1")),
        bury(cremated(), plot_of(plot())).death)
    with refused("already_buried", 409):
        bury(buried, plot_of(plot(number="A-2")), plot="A-2")


@pytest.mark.parametrize("eco_type", ["tree", "lawn", "flower"])
def test_tree_lawn_and_flower_burials_are_eco_burials_in_a_small_plot_F4(eco_type):
    decision = bury(cremated(), plot_of(plot(burial_type=eco_type, area="0.5")), burial_type=eco_type)

    assert decision.death[0].payload["eco"] is True
    assert decision.plot


@pytest.mark.parametrize("eco_type", ["sea", "scattering"])
def test_sea_burial_and_scattering_are_eco_burials_without_a_plot_F4(eco_type):
    decision = bury(cremated(), None, burial_type=eco_type, plot=None, cemetery=None, actor=STAFF)

    assert (decision.death[0].payload["eco"], decision.death[0].payload["plot_id"]) == (True, None)
    assert decision.plot == []
    with refused("plot_not_applicable", 422):
        bury(cremated(), None, burial_type=eco_type)


def reserve(laid_out, reserved_for=None, declared=None):
    command = ReservePlot(exception={"reason": "92-year-old widow keeps the place beside her husband",
                                     "approved_by": "民政局殡葬科", "approval_ref": "LW-2025-3"},
                          reserved_for=reserved_for or {"name": "王五", "id_number": OTHER_PERSON},
                          rights_holder=HOLDER, declaration_id=declared.declaration_id if declared else None)
    return decide_reservation(laid_out, command, CEMETERY_STAFF, TODAY, 20, declared)


def test_an_approved_exception_allocates_a_place_before_any_death_and_is_recorded_as_such_F3():
    double = plot_of(plot(burial_type="body_double", area="6"))
    [event] = reserve(double)

    assert (event.payload["basis"], event.payload["death_id"]) == ("exception", None)
    assert event.payload["exception"]["approval_ref"] == "LW-2025-3"
    assert event.subjects == ((OTHER_PERSON, "reserved_for"),)
    reserved = plot_of(plot(burial_type="body_double", area="6"), [event])
    assert (reserved.free_places, reserved.term_until) == (1, dt.date(2045, 6, 16))


def test_the_reserved_person_takes_the_reserved_place_others_do_not_F3():
    single = plot(burial_type="body_single", area="4")
    reserved = plot_of(single, reserve(plot_of(single), {"name": "张三", "id_number": PERSON}))
    [allocation] = bury(record(registered()), reserved, burial_type="body_single").plot
    assert allocation.payload["fills_reservation"] == PERSON

    for_someone_else = plot_of(single, reserve(plot_of(single)))
    with refused("plot_occupied", 409):
        bury(record(registered()), for_someone_else, burial_type="body_single")


DECLARATION_ID = "5d0c7a1e-8b2f-4e3a-9c6d-2f1e0a9b8c7d"


def test_D_8_a_cenotaph_for_a_person_declared_dead_is_an_approved_exception_naming_the_declaration_F3():
    declared = Cenotaph(DECLARATION_ID, "death", PERSON, standing=True)
    [event] = reserve(plot_of(plot()), {"name": "张三", "id_number": PERSON}, declared)

    assert (event.payload["basis"], event.payload["death_id"], event.payload["declaration_id"]) == (
        "exception", None, DECLARATION_ID)  # no death record, no body: a place kept, by exception
    assert event.subjects == ((PERSON, "reserved_for"),)


@pytest.mark.parametrize("declared", [Cenotaph(DECLARATION_ID, "missing", PERSON, True),
                                      Cenotaph(DECLARATION_ID, "death", PERSON, False),
                                      Cenotaph(DECLARATION_ID, "death", OTHER_PERSON, True)],
                         ids=["declared_missing", "revoked", "someone_else"])
def test_D_8_no_cenotaph_on_a_missing_revoked_or_another_persons_declaration(declared):
    with refused("cenotaph_not_applicable", 409):
        reserve(plot_of(plot()), {"name": "张三", "id_number": PERSON}, declared)


def test_a_term_is_renewed_from_its_end_for_at_most_a_full_term_F3():
    buried = plot_of(plot(), bury(cremated(), plot_of(plot())).plot)

    [renewal] = decide_renewal(buried, RenewTerm(), CEMETERY_STAFF, TODAY, 20)
    assert (renewal.payload["previous_until"], renewal.payload["term_until"]) == ("2045-06-16", "2065-06-16")
    with refused("renewal_too_long", 422):
        decide_renewal(buried, RenewTerm(years=21), CEMETERY_STAFF, TODAY, 20)
    with refused("plot_not_allocated", 409):
        decide_renewal(plot_of(plot()), RenewTerm(), CEMETERY_STAFF, TODAY, 20)
