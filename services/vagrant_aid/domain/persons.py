"""Who the person is, as far as relief work needs it: ID number (0.1), sex, age (0.3) and minority (V-7).

Age comes from the ID number's birth date when the number is known, else from the staff's estimate.
A person is a minor when the ID number says under 18, or the staff flag `minor`, or estimate under 18:
protection errs on the side of the child.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from services.vagrant_aid.contract.refusals import ID_NUMBER_DISAGREES, INVALID_ID_NUMBER
from shared.errors import Refusal
from shared.reference import ADULT_AGE, IdNumber, InvalidIdNumber, age_on, check_agrees, parse_id_number
from shared.reference.idnumber import Sex


def parse_identity(text: str, *, today: date, field: tuple[str, ...] = ("body", "person", "id_number")) -> IdNumber:
    """The ID number (rule 0.1), or a refusal `invalid_id_number` saying which rule it breaks."""
    try:
        return parse_id_number(text, today=today)
    except InvalidIdNumber as exc:
        raise Refusal(INVALID_ID_NUMBER, f"the ID number is invalid ({exc.reason})",
                      errors=[{"loc": list(field), "msg": exc.reason}]) from None


def check_identity_agrees(id_number: IdNumber, sex: Sex | None, field: tuple[str, ...]) -> None:
    """0.1: where a record also carries the sex, it agrees with the number."""
    try:
        check_agrees(id_number, sex=sex)
    except InvalidIdNumber:
        raise Refusal(ID_NUMBER_DISAGREES, "the recorded sex differs from the ID number's",
                      errors=[{"loc": list(field), "msg": "sex differs from the ID number"}]) from None


def age_of(birth_date: date | None, estimated_age: int | None, on: date) -> int | None:
    """Full years on `on` from the birth date, else the estimate; None when neither is known."""
    if birth_date is not None:
        return age_on(birth_date, on) if on >= birth_date else 0
    return estimated_age


def is_minor(birth_date: date | None, estimated_age: int | None, flagged_minor: bool, on: date) -> bool:
    """V-7: under 18 by the ID number, or flagged a minor, or estimated under 18."""
    age = age_of(birth_date, estimated_age, on)
    return flagged_minor or (age is not None and age < ADULT_AGE)


def name_key(name: str | None) -> str | None:
    """A name as compared for watch-list matches (V-10): compatibility-normalised, without spaces or
    middle dots, case-folded, so that `买买提·艾力` and `买买提 艾力` compare equal."""
    if not name:
        return None
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "·.・-'")
