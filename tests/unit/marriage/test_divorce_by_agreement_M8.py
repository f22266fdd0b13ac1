"""M-8: divorce by agreement with the cooling-off period — windows by the calendar (0.3), withdrawal,
registration only within its window, deemed withdrawn automatically, the marriage ending only on
registration."""

from __future__ import annotations

import datetime as dt

import pytest

from services.marriage.contract.commands import ApplyForDivorce, RegisterDivorce, WithdrawDivorce
from services.marriage.domain import divorce
from services.marriage.domain import events as ev
from shared.actor import Actor
from shared.errors import Refusal
from tests.unit.marriage.given import CLERK, MAN, OTHER_CLERK, REGISTRAR, WOMAN, fold, registered_events

AGREEMENT = {"children": "none", "property": "split equally", "debts": "none"}
DIVORCE_ID = "d1f0c2a4-0000-4000-8000-000000000001"


def apply(on: dt.date, actor=CLERK):
    marriage = fold(registered_events())
    command = ApplyForDivorce(office="MR-610502", registration_id=marriage.registration_id,
                              agreement=AGREEMENT, applied_on=on)
    return marriage, divorce.decide_application(marriage, command, actor, on, DIVORCE_ID, None)


def refusal_of(action) -> Refusal:
    with pytest.raises(Refusal) as refused:
        action()
    return refused.value


def test_the_windows_are_days_1_to_30_then_the_next_30_M8():
    w = divorce.windows(dt.date(2025, 6, 16))  # day 30: Wednesday 16 July; day 30 after it: Friday 15 August

    assert (w.withdraw_until, w.register_from, w.register_until) == (
        dt.date(2025, 7, 16), dt.date(2025, 7, 17), dt.date(2025, 8, 15))


def test_a_period_ending_on_a_holiday_or_weekend_moves_to_the_next_working_day_M8():
    w = divorce.windows(dt.date(2025, 9, 1))  # day 30 is 1 October, National Day; the holiday runs to 8 October

    assert w.withdraw_until == dt.date(2025, 10, 9)
    assert w.register_from == dt.date(2025, 10, 10)
    assert w.register_until == dt.date(2025, 11, 10)  # 8 November is a Saturday → Monday 10 November


def test_before_the_civil_code_there_is_no_cooling_off_M8():
    w = divorce.windows(dt.date(2020, 12, 1))

    assert w.register_from == w.register_until == dt.date(2020, 12, 1)


def test_an_application_records_its_windows_and_leaves_the_marriage_in_force_M8():
    marriage, [applied] = apply(dt.date(2025, 6, 16))

    assert applied.type == ev.DIVORCE_APPLIED
    assert (applied.payload["withdraw_until"], applied.payload["register_from"], applied.payload["register_until"]) == (
        "2025-07-16", "2025-07-17", "2025-08-15")
    assert marriage.status == "married"  # the application is another stream: nothing ends yet


def test_a_second_pending_application_for_the_same_marriage_is_refused_M8():
    marriage = fold(registered_events())
    command = ApplyForDivorce(office="MR-610502", registration_id=marriage.registration_id, agreement=AGREEMENT)

    refused = refusal_of(lambda: divorce.decide_application(marriage, command, CLERK, dt.date(2025, 6, 16),
                                                            "other", DIVORCE_ID))
    assert (refused.code, refused.status) == ("divorce_pending", 409)


def test_either_party_may_withdraw_until_day_30_and_not_after_M8():
    marriage, applied = apply(dt.date(2025, 6, 16))
    state = divorce.fold(applied)

    [withdrawn] = divorce.decide_withdrawal(state, marriage, WithdrawDivorce(by_id_number=WOMAN), WOMAN, CLERK,
                                            dt.date(2025, 7, 16))
    assert (withdrawn.type, withdrawn.payload["by_id_number"]) == (ev.DIVORCE_WITHDRAWN, WOMAN)
    late = refusal_of(lambda: divorce.decide_withdrawal(state, marriage, WithdrawDivorce(by_id_number=MAN), MAN,
                                                        CLERK, dt.date(2025, 7, 17)))
    assert (late.code, late.status) == ("withdrawal_period_over", 409)
    stranger = refusal_of(lambda: divorce.decide_withdrawal(state, marriage, WithdrawDivorce(by_id_number=MAN),
                                                            "610502199001010038", CLERK, dt.date(2025, 7, 1)))
    assert stranger.code == "not_a_party"


def test_a_clerk_withdraws_only_their_own_offices_divorce_applications_M8():
    marriage, applied = apply(dt.date(2025, 6, 16))
    state = divorce.fold(applied)
    command = WithdrawDivorce(by_id_number=WOMAN)

    elsewhere = refusal_of(lambda: divorce.decide_withdrawal(state, marriage, command, WOMAN, OTHER_CLERK,
                                                             dt.date(2025, 7, 1)))
    assert (elsewhere.code, elsewhere.status) == ("forbidden_place", 403)
    [withdrawn] = divorce.decide_withdrawal(state, marriage, command, WOMAN, REGISTRAR, dt.date(2025, 7, 1))
    assert withdrawn.type == ev.DIVORCE_WITHDRAWN


def test_registration_during_the_cooling_off_is_refused_cooling_off_M8():
    marriage, applied = apply(dt.date(2025, 6, 16))

    refused = refusal_of(lambda: divorce.decide_registration(divorce.fold(applied), marriage, RegisterDivorce(),
                                                             CLERK, dt.date(2025, 7, 16), ("L1", "L2")))
    assert (refused.code, refused.status) == ("cooling_off", 409)


def test_registration_within_the_window_ends_the_marriage_with_two_divorce_certificates_M8():
    marriage, applied = apply(dt.date(2025, 6, 16))

    [registered] = divorce.decide_registration(divorce.fold(applied), marriage, RegisterDivorce(), CLERK,
                                               dt.date(2025, 7, 17), "L610502-2025-000001")

    assert registered.type == ev.DIVORCE_REGISTERED
    assert [c["id_number"] for c in registered.payload["certificates"]] == [MAN, WOMAN]
    ended = fold(registered_events(), [registered])
    assert (ended.status, ended.ended_on, ended.divorce_id) == ("divorced", dt.date(2025, 7, 17), DIVORCE_ID)
    assert divorce.with_marriage(divorce.fold(applied), ended).status == "registered"


def test_both_parties_appear_at_the_office_of_the_application_M8():
    marriage, applied = apply(dt.date(2025, 6, 16))

    refused = refusal_of(lambda: divorce.decide_registration(divorce.fold(applied), marriage, RegisterDivorce(),
                                                             OTHER_CLERK, dt.date(2025, 7, 20), ("L1", "L2")))
    assert refused.status == 403


def test_after_the_window_registration_is_refused_application_lapsed_M8():
    marriage, applied = apply(dt.date(2025, 6, 16))

    refused = refusal_of(lambda: divorce.decide_registration(
        divorce.fold(applied), marriage, RegisterDivorce(registered_on=dt.date(2025, 8, 16)), REGISTRAR,
        dt.date(2025, 8, 20), ("L1", "L2")))
    assert (refused.code, refused.status) == ("application_lapsed", 409)


def test_nobody_by_the_end_of_the_window_means_deemed_withdrawn_the_day_after_M8():
    marriage, applied = apply(dt.date(2025, 6, 16))
    state = divorce.fold(applied)

    assert divorce.decide_lapse(state, marriage.id_numbers, dt.date(2025, 8, 15)) == []
    [lapsed] = divorce.decide_lapse(state, marriage.id_numbers, dt.date(2025, 8, 16))

    assert (lapsed.type, lapsed.occurred_on) == (ev.DIVORCE_DEEMED_WITHDRAWN, dt.date(2025, 8, 16))
    after = divorce.fold([*applied, lapsed])
    assert divorce.decide_lapse(after, marriage.id_numbers, dt.date(2025, 9, 1)) == []
    refused = refusal_of(lambda: divorce.decide_registration(after, marriage, RegisterDivorce(), CLERK,
                                                             dt.date(2025, 8, 14), ("L1", "L2")))
    assert refused.code == "application_lapsed"


def test_a_withdrawn_application_cannot_be_registered_M8():
    marriage, applied = apply(dt.date(2025, 6, 16))
    withdrawn = divorce.decide_withdrawal(divorce.fold(applied), marriage, WithdrawDivorce(by_id_number=MAN), MAN,
                                          CLERK, dt.date(2025, 6, 20))

    state = divorce.fold([*applied, *withdrawn])
    refused = refusal_of(lambda: divorce.decide_registration(state, marriage, RegisterDivorce(), CLERK,
                                                             dt.date(2025, 7, 20), ("a", "b")))
    assert (refused.code, refused.status) == ("divorce_withdrawn", 409)


def test_an_admin_records_no_marriage_business_separation_of_duties():
    marriage, applied = apply(dt.date(2025, 6, 16))
    admin = Actor("admin.city", "admin")
    command = ApplyForDivorce(office="MR-610502", registration_id=marriage.registration_id, agreement=AGREEMENT)

    refused = refusal_of(lambda: divorce.decide_application(marriage, command, admin, dt.date(2025, 6, 16),
                                                            DIVORCE_ID, None))
    assert (refused.code, refused.status) == ("forbidden_role", 403)
    withdrawing = refusal_of(lambda: divorce.decide_withdrawal(divorce.fold(applied), marriage,
                                                               WithdrawDivorce(by_id_number=WOMAN), WOMAN, admin,
                                                               dt.date(2025, 7, 1)))
    assert withdrawing.code == "forbidden_role"
