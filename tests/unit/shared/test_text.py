"""Text fields refuse invisible and oversized input before any rule runs."""

import pytest
from pydantic import TypeAdapter, ValidationError

from shared.reference.text import PersonName, line, text

LINE, TEXT, NAME = TypeAdapter(line(20)), TypeAdapter(text(50)), TypeAdapter(PersonName)


def test_a_line_is_trimmed_and_bounded():
    assert LINE.validate_python("  双王街道  ") == "双王街道"
    for bad in ("", "   ", "x" * 21, "a\nb", "a\tb", "a\x00b", "abc\u202edcba", "a\u2028b"):
        with pytest.raises(ValidationError):
            LINE.validate_python(bad)


def test_free_text_keeps_line_breaks_but_not_other_control_characters():
    assert TEXT.validate_python("第一行\n第二行\t附注") == "第一行\n第二行\t附注"
    for bad in ("a\x07b", "a\x1bb", "x" * 51, "bidi \u2066hidden\u2069"):
        with pytest.raises(ValidationError):
            TEXT.validate_python(bad)


def test_person_names_are_letters_of_any_script_with_name_separators():
    for good in ("王小明", "阿依古丽·买买提", "O'Neil", "José"):
        assert NAME.validate_python(good) == good
    for bad in ("Robert'); DROP TABLE students;--", "<script>", "12345", "x" * 51, "·王"):
        with pytest.raises(ValidationError):
            NAME.validate_python(bad)
