"""Personal data never reaches a log line in clear (architecture.md: ID numbers and names are masked)."""

import io
import json
import logging

import pytest
from structlog.contextvars import bind_contextvars, clear_contextvars, get_contextvars
from structlog.testing import capture_logs

from shared.logging import configure_logging, enabled, get_logger, info_lines, log_context
from shared.masking import mask_text, mask_value

MALE = "610502199001010011"
FEMALE = "61050219900101002X"


def test_id_numbers_inside_text_keep_only_division_and_last_four():
    assert mask_text(f"parties {MALE} and {FEMALE.lower()}") == (
        "parties 610502********0011 and 610502********002x"
    )


def test_first_generation_numbers_are_masked_too():
    assert mask_text("old 610502900101001") == "old 610502*****1001"


def test_longer_digit_runs_are_not_mistaken_for_id_numbers():
    assert mask_text("position 12345678901234567890") == "position 12345678901234567890"


@pytest.mark.parametrize("identifier", [
    "41f7f52e8531486ea811544512675885",  # a correlation id a run masked: 15 digits between two letters
    "c0ffee610502199001010011deadbeef",  # 18 digits between two letters
])
def test_hexadecimal_identifiers_are_not_mistaken_for_id_numbers(identifier):
    assert mask_text(identifier) == identifier
    assert mask_value({"correlation_id": identifier, "trace_id": identifier}) == {
        "correlation_id": identifier, "trace_id": identifier}


def test_an_id_number_between_separators_or_chinese_text_is_masked():
    assert mask_text(f"subject:{MALE}/婚姻{FEMALE}的") == "subject:610502********0011/婚姻610502********002X的"
    assert mask_text("persons/610502900101001?") == "persons/610502*****1001?"


def test_names_are_masked_by_key_and_ids_anywhere_in_nested_values():
    masked = mask_value({"name": "王小明", "parties": [{"party_name": "李华", "id": MALE}], "count": 2})
    assert masked == {"name": "王**", "parties": [{"party_name": "李*", "id": "610502********0011"}], "count": 2}


def capture(service: str = "marriage") -> io.StringIO:
    stream = io.StringIO()
    configure_logging(service, "DEBUG", stream=stream)
    return stream


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_structlog_lines_are_json_with_service_and_correlation_and_masked_personal_data():
    stream = capture()
    with log_context(correlation_id="corr-1", causation_id="evt-9"):
        get_logger("t").info("registered", id_number=MALE, name="王小明", detail=f"for {FEMALE}")
    [line] = lines(stream)
    assert line["service"] == "marriage" and line["correlation_id"] == "corr-1" and line["causation_id"] == "evt-9"
    assert MALE not in json.dumps(line, ensure_ascii=False) and FEMALE not in json.dumps(line, ensure_ascii=False)
    assert line["name"] == "王**"


def test_a_hot_paths_debug_line_asked_first_is_written_exactly_when_the_level_lets_it():
    for level, written in (("DEBUG", True), ("INFO", False)):
        stream = io.StringIO()
        configure_logging("marriage", level, stream=stream)
        if enabled("shared.outbox"):
            get_logger("shared.outbox").debug("events published", count=2)
        assert [line["event"] for line in lines(stream)] == (["events published"] if written else [])
        assert enabled("shared.outbox", logging.INFO)


def test_a_log_context_gives_each_key_its_earlier_value_back_or_none_and_skips_nones():
    clear_contextvars()
    bind_contextvars(correlation_id="outer")
    try:
        with log_context(correlation_id="inner", principal="clerk.x", causation_id=None):
            assert get_contextvars() == {"correlation_id": "inner", "principal": "clerk.x"}
            with log_context(principal="nested"):
                assert get_contextvars()["principal"] == "nested"
            assert get_contextvars()["principal"] == "clerk.x"
        assert get_contextvars() == {"correlation_id": "outer"}
        with pytest.raises(RuntimeError), log_context(principal="failing"):
            raise RuntimeError("the block failed")
        assert get_contextvars() == {"correlation_id": "outer"}
    finally:
        clear_contextvars()


def test_standard_library_loggers_of_nameko_and_kombu_are_masked_too():
    stream = capture()
    logging.getLogger("nameko.containers").error("worker failed for %s", MALE)
    [line] = lines(stream)
    assert line["event"] == "worker failed for 610502********0011"


def test_exception_tracebacks_are_masked():
    stream = capture()
    try:
        raise ValueError(f"duplicate {MALE}")
    except ValueError:
        get_logger("t").exception("failed")
    [line] = lines(stream)
    assert MALE not in line["exception"] and "610502********0011" in line["exception"]


def test_names_of_a_value_are_masked_in_its_free_text_error_strings_too():
    """Issue 14: an error message quoting a person is masked like the person's own fields."""
    masked = mask_value({"error": f"no marriage of 王小明 ({MALE})", "parties": [{"name": "王小明"}]})
    assert masked == {"error": "no marriage of 王** (610502********0011)", "parties": [{"name": "王**"}]}


def test_an_input_quoted_by_a_validation_error_is_masked_whole():
    text = ("1 validation error for Party\nname\n"
            "  String too long [type=too_long, input_value='欧阳娜娜娜', input_type=str]")
    assert "欧阳" not in mask_text(text) and "input_value=***, input_type=str" in mask_text(text)


def test_a_log_line_masks_a_name_inside_its_message_when_the_name_is_also_a_field():
    stream = io.StringIO()
    configure_logging("test", "INFO", stream=stream)
    get_logger("t").info("registration refused", reason="李华 is married already", name="李华")
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["reason"] == "李* is married already" and line["name"] == "李*"


def test_a_dict_of_plain_fields_masks_as_the_same_fields_nested_do():
    """A log line's event dict (scalars only) is masked in one pass: names by key and in the other fields' text,
    ID numbers anywhere; numbers, booleans and None untouched."""
    fields = {"reason": f"王小明 and 李华 ({MALE}) refused", "name": "王小明", "spouse_name": "李华", "n": 2,
              "ok": False, "none": None, "ratio": 0.5}
    masked = {"reason": "王** and 李* (610502********0011) refused", "name": "王**", "spouse_name": "李*", "n": 2,
              "ok": False, "none": None, "ratio": 0.5}
    assert mask_value(fields) == masked
    assert mask_value({"line": fields}) == {"line": masked}


def test_lines_written_many_at_once_are_the_lines_written_one_by_one_and_as_masked():
    """`info_lines` (the timeline's `event handled` lines) makes each line as `info` does — context, service,
    level, masking, key order — and writes them all; below the level it writes none."""
    stream = capture()
    fields = [{"type": "t.Registered", "id_number": MALE, "name": "王小明", "reason": f"王小明 ({FEMALE})", "n": n}
              for n in range(3)]
    with log_context(correlation_id="corr-1"):
        for each in fields:
            get_logger("t").info("event handled", **each)
        info_lines("t", "event handled", iter(fields))
    one_by_one, at_once = (lines(stream)[:3], lines(stream)[3:])
    for line in [*one_by_one, *at_once]:
        assert line.pop("timestamp")
    assert at_once == one_by_one and [list(line) for line in at_once] == [list(line) for line in one_by_one]
    assert at_once[0]["name"] == "王**" and at_once[0]["id_number"] == "610502********0011"
    assert MALE not in stream.getvalue() and FEMALE not in stream.getvalue() and "王小明" not in stream.getvalue()

    quiet = io.StringIO()
    configure_logging("marriage", "WARNING", stream=quiet)
    info_lines("t", "event handled", fields)
    assert quiet.getvalue() == ""


def test_lines_written_many_at_once_go_line_by_line_where_logging_is_configured_otherwise():
    capture()
    with capture_logs() as captured:
        info_lines("t", "event handled", [{"n": 1}, {"n": 2}])
    assert [(line["event"], line["n"]) for line in captured] == [("event handled", 1), ("event handled", 2)]
