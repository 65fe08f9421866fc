"""The CSV syntax: the record patterns (as polars runs them) and the tokenizer agree, and the
tokenizer names each problem and where it is."""

from __future__ import annotations

import polars as pl
import pytest

from functions.core import syntax
from functions.core.syntax import Field, Problem, Record, read_record


def _accepted(text: str, width: int | None) -> str:
    """The run of whole records the anchored pattern accepts at the start of `text`."""
    left = pl.Series([text]).str.replace(syntax.records_pattern(width), "")
    return text[: len(text) - len(left[0])]


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ('a,"b,c",d\r\n"""",,"x\ny"\n', 'a,"b,c",d\r\n"""",,"x\ny"\n'),
        ("a,b,c\nd,e\nf,g,h\n", "a,b,c\n"),  # two fields: the run stops there
        ("a,b,c\nd,e,f,g\n", "a,b,c\n"),
        ('a,b,c\nd, "e",f\n', "a,b,c\n"),  # a space before an opening quote
        ('a,b,c\nd,"e" "f",g\n', "a,b,c\n"),  # text after a closing quote
        ('a,b,c\nd,e""f,g\n', "a,b,c\n"),  # an even number of quotes unquoted
        ('a,b,c\nd,"e""f" g"",h\n', "a,b,c\n"),
        ("a,b,c\nd,e\rf,g\n", "a,b,c\n"),  # a lone CR
        ('a,b,c\n"d\re",f,g\n', 'a,b,c\n"d\re",f,g\n'),  # a CR inside quotes is data
        ("a,b,c\n\n", "a,b,c\n"),  # a blank line is one empty field
        ("a,b,c\nd,e,f", "a,b,c\n"),  # no line break: the last record is checked apart
    ],
)
def test_records_pattern_accepts_exactly_the_valid_records(text: str, accepted: str) -> None:
    assert _accepted(text, 3) == accepted


def test_any_width_pattern_checks_syntax_only() -> None:
    assert _accepted('a\nb,c,"d"\n"e\n"x\n', None) == 'a\nb,c,"d"\n'


@pytest.mark.parametrize(
    ("text", "width", "last"),
    [("a,b", 2, True), ('a,"b\n"', 2, True), ("a,b\r", 2, False), ("a,b,", 2, False)],
)
def test_last_record_pattern(text: str, width: int, last: bool) -> None:
    pattern = syntax.last_record_pattern(width)

    assert pl.Series([text]).str.contains(pattern)[0] is last


def test_read_record_fields_keep_quoted_and_empty_apart() -> None:
    found = read_record('x,"",,"a""b\nc"\r\nnext', 2, 7, at_end=False)

    assert found == Record(
        (Field("", quoted=True), Field("", quoted=False), Field('a"b\nc', quoted=True)),
        end=16,
        end_line=9,
        lines=2,
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('a,b"c\n', Problem(syntax.STRAY_QUOTE, 1, 3)),
        ('a, "c"\n', Problem(syntax.STRAY_QUOTE, 1, 3)),
        ('a,"c" "d"\n', Problem(syntax.AFTER_QUOTE, 1, 5)),
        ('a,"c\nd"e\n', Problem(syntax.AFTER_QUOTE, 2, 7)),  # the line of the closing quote
        ('a,"c""', Problem(syntax.UNTERMINATED, 1, 2)),  # a doubled quote never closes
        ('a,"c\n\nd', Problem(syntax.UNTERMINATED, 1, 2)),  # the line where the field starts
        ("a,b\rc\n", Problem(syntax.LONE_CR, 1, 3)),
        ("a,b\r", Problem(syntax.LONE_CR, 1, 3)),
    ],
)
def test_read_record_names_the_problem_and_where(text: str, problem: Problem) -> None:
    assert read_record(text, 0, 1, at_end=True) == problem


@pytest.mark.parametrize("text", ['a,"b', 'a,"b""', "a,b\r", "a,b"])
def test_a_text_stopping_inside_a_record_needs_more(text: str) -> None:
    assert read_record(text, 0, 1, at_end=False) is None


def test_the_end_of_the_file_ends_the_last_record() -> None:
    assert read_record("a,", 0, 4, at_end=True) == Record(
        (Field("a", quoted=False), Field("", quoted=False)), end=2, end_line=4, lines=1
    )
