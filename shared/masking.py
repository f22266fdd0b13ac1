"""Masking of personal data in anything written to logs (architecture.md: "ID numbers and names never appear
in logs in clear").

ID numbers are found wherever they occur in text (`610502199001010011` → `610502********0011`); names can
only be recognised by the key they are stored under, so values of keys called `name` or ending in `_name`
(and lists of them) are reduced to their first character.
"""

from __future__ import annotations

import re
from typing import Any

# 18-digit numbers (6-digit division, 8-digit birth date, 3-digit sequence, check character) and
# first-generation 15-digit numbers; digits only on the boundaries so longer numbers stay untouched.
_ID_18 = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])", re.ASCII)
_ID_15 = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{5}([0-9]{4})(?![0-9])", re.ASCII)


def mask_text(text: str) -> str:
    """Mask every ID number inside free text."""
    text = _ID_18.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _ID_15.sub(lambda m: f"{m.group(1)}*****{m.group(2)}", text)


def mask_name(name: str) -> str:
    """Keep the first character of a name (the surname, for most Chinese names)."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else name


def _is_name_key(key: object) -> bool:
    return isinstance(key, str) and (key == "name" or key == "names" or key.endswith("_name"))


def mask_value(value: Any, *, is_name: bool = False) -> Any:
    """Mask ID numbers and names inside any JSON-like value."""
    if isinstance(value, str):
        return mask_name(value) if is_name else mask_text(value)
    if isinstance(value, dict):
        return {key: mask_value(item, is_name=_is_name_key(key)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(item, is_name=is_name) for item in value]
    return value
