"""Text fields of commands and API bodies: bounded, trimmed, and free of invisible characters.

Hostile input (control characters, bidirectional overrides that disguise text, 10,000-character names) is
refused by the model before any rule runs. Services and the gateway's body models build their fields from
these, so one field is judged the same way at both ends of an RPC call.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints

# One line: no control characters at all, no line or paragraph separators, no bidirectional overrides.
SINGLE_LINE = r"^[^\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$"
# Free text may hold line breaks and tabs; nothing else invisible.
FREE_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$"


def line(max_length: int) -> Any:
    """One line of text, trimmed, 1 to `max_length` characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length,
                                            pattern=SINGLE_LINE)]


def text(max_length: int) -> Any:
    """Free text (line breaks allowed), trimmed, 1 to `max_length` characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length,
                                            pattern=FREE_TEXT)]


NAME_SEPARATORS = frozenset(" ·.'-")


def _is_letter(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM"  # a letter or a mark, of any script


def _person_name(value: str) -> str:
    """Letters and marks of any script, with the separators names use between them (王·小明, O'Neil, Jr.).
    A function, not a `\\p{L}` pattern: JSON Schema tools (the OpenAPI validator, schemathesis) read patterns
    with Python's `re`, which has no Unicode property classes."""
    if value.isalpha():  # letters only (categories L*): most names, decided in C (a bulk import checks two a row)
        return value
    if not (_is_letter(value[0]) and (len(value) == 1 or _is_letter(value[-1]) or value[-1] == ".")
            and all(_is_letter(char) or char in NAME_SEPARATORS for char in value)):
        raise ValueError("a name is letters of any script, with spaces, ·, ., ' or - between them")
    return value


PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50),
                       AfterValidator(_person_name)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 \-]{4,23}$")]
DivisionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
# Only bounded here: whether it is an ID number is rule 0.1's to say (`invalid_id_number`, with its reason).
IdNumberText = Annotated[str, StringConstraints(min_length=1, max_length=24)]
