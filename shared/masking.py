"""Masking of personal data in anything written to logs (architecture.md: "ID numbers and names never appear
in logs in clear").

ID numbers are found wherever they occur in text (`610502199001010011` → `610502********0011`). Names can
only be recognised by the key they are stored under, so values of keys called `name` or ending in `_name`
(and lists of them) are reduced to their first character — and, because an error message quotes what it
failed on ("no marriage of 王小明", pydantic's `input_value='王小明'`), every name found so in a value is also
masked wherever it occurs in that value's free text (error strings, dead-letter headers: issue 14). Free
text that quotes a rejected input (`input_value=…`) has the input masked whole: a name there has no key.
"""

from __future__ import annotations

import re
from typing import Any

# 18-digit numbers (6-digit division, 8-digit birth date, 3-digit sequence, check character) and
# first-generation 15-digit numbers, standing alone: neither a digit nor a Latin letter on either side, so that
# longer numbers and hexadecimal identifiers stay untouched. A correlation or trace id (32 hex digits) holds a
# run of exactly 15 or 18 decimal digits between two letters once in about 340 (uuid4, counted over 400,000):
# with only digits excluded, such an id was masked in every log line, and a search for it found nothing. An ID
# number glued to a letter ("x610502…") is left as it is; the gateway takes no caller's correlation id that
# holds 15 digits in a row (services/gateway/app.py).
_ID_18 = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])", re.ASCII)
_ID_15 = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{5})[0-9]{5}([0-9]{4})(?![0-9A-Za-z])", re.ASCII)
# Both need 15 digits in a row: one search for that spares most text (ids, types, times) both substitutions,
# which were a third of a log line's cost.
_DIGIT_RUN = re.compile(r"[0-9]{15}", re.ASCII)


# pydantic's error text: `input_value='…', input_type=str` (the input may itself contain quotes and commas).
_INPUT_VALUE = re.compile(r"input_value=(.*?)(?=, input_type=|\]$|$)", re.S)


def may_hold_id_number(text: str) -> bool:
    """Fifteen digits in a row: what an ID number needs, whatever stands around it."""
    return _DIGIT_RUN.search(text) is not None


def mask_text(text: str, names: tuple[str, ...] = ()) -> str:
    """Mask every ID number inside free text, every occurrence of the given names, and quoted inputs."""
    if may_hold_id_number(text):
        text = _ID_18.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
        text = _ID_15.sub(lambda m: f"{m.group(1)}*****{m.group(2)}", text)
    for name in names:
        text = text.replace(name, mask_name(name))
    return _INPUT_VALUE.sub("input_value=***", text) if "input_value=" in text else text


def names_in(value: Any, *, is_name: bool = False) -> tuple[str, ...]:
    """The names a JSON-like value holds under name keys, longest first (so that a full name is masked
    before a part of it), each at least two characters long (one character is masked by its key anyway)."""
    found: set[str] = set()
    stack: list[tuple[Any, bool]] = [(value, is_name)]
    while stack:
        item, named = stack.pop()
        if isinstance(item, str):
            if _is_a_name(item, named):
                found.add(item)
        elif isinstance(item, dict):
            stack.extend((child, _is_name_key(key)) for key, child in item.items())
        elif isinstance(item, list | tuple):
            stack.extend((child, named) for child in item)
    return _longest_first(found)


def _is_a_name(text: str, named: bool) -> bool:
    """A string under a name key, of two characters or more, is masked wherever else it appears too."""
    return named and len(text) >= 2


def _longest_first(found: set[str]) -> tuple[str, ...]:
    return tuple(sorted(found, key=len, reverse=True))


def mask_name(name: str) -> str:
    """Keep the first character of a name (the surname, for most Chinese names)."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else name


def _is_name_key(key: object) -> bool:
    return isinstance(key, str) and (key == "name" or key == "names" or key.endswith("_name"))


def mask_value(value: Any, *, is_name: bool = False, names: tuple[str, ...] | None = None) -> Any:
    """Mask ID numbers and names inside any JSON-like value, the value's names also in its free text."""
    if names is None:
        if type(value) is dict and not is_name:
            flat = _mask_flat(value)
            if flat is not None:
                return flat
        names = names_in(value, is_name=is_name)
    if isinstance(value, str):
        return mask_name(value) if is_name else mask_text(value, names)
    if isinstance(value, dict):
        return {key: mask_value(item, is_name=_is_name_key(key), names=names) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(item, is_name=is_name, names=names) for item in value]
    return value


_SCALARS = (str, int, float, bool, type(None))


def _mask_flat(value: dict) -> dict | None:
    """`mask_value` of a dict of scalars (a log line's event dict, mostly) in one pass; None for any other."""
    named = {key: _is_name_key(key) for key in value}
    names: set[str] = set()
    for key, item in value.items():
        if type(item) not in _SCALARS:
            return None
        if type(item) is str and _is_a_name(item, named[key]):
            names.add(item)
    found = _longest_first(names)
    return {key: (mask_name(item) if named[key] else mask_text(item, found)) if type(item) is str else item
            for key, item in value.items()}
