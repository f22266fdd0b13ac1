"""V-3: screening is not only at intake — a person found ill, injured or suspected of a mental or infectious
illness during the stay is referred to hospital (`POST /v1/vagrant-aid/cases/{id}/hospital-referral`)."""

import datetime as dt

import pytest
from pydantic import ValidationError

from services.vagrant_aid.contract import commands as cmd
from services.vagrant_aid.domain.decide import decide_refer_to_hospital
from shared.errors import Refusal
from tests.unit.vagrant_aid.builders import TODAY, clock, exited, new_case, then


def referral(*reasons: str, **body) -> cmd.ReferToHospital:
    return cmd.ReferToHospital.model_validate({"reasons": list(reasons), **body})


def test_a_referral_during_the_stay_records_its_reasons_on_the_case_V3():
    case = new_case()
    assert case.hospital_referral == ()
    [draft] = decide_refer_to_hospital(referral("injured", "ill", "ill"), case, clock(TODAY + dt.timedelta(days=2)))
    assert draft.type == "vagrant_aid.HospitalReferred"
    assert (draft.payload["reasons"], draft.payload["referred_on"]) == (["ill", "injured"], "2025-06-12")
    assert then(case, [draft]).hospital_referral == ("ill", "injured")


def test_only_the_screening_reasons_and_at_least_one_V3():
    for reasons in ((), ("elderly",)):
        with pytest.raises(ValidationError):
            referral(*reasons)


def test_no_referral_on_a_closed_case_before_arrival_or_in_the_future_V3():
    case = new_case()
    for target, body, code in ((exited(case, kind="absconded"), {}, "case_closed"),
                               (case, {"referred_on": "2025-06-09"}, "date_before_arrival"),
                               (case, {"referred_on": "2025-06-11"}, "business_date_in_future")):
        with pytest.raises(Refusal) as refused:
            decide_refer_to_hospital(referral("mental", **body), target, clock())
        assert refused.value.code == code
