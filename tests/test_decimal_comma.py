"""A number typed with a decimal comma (14,5 in much of Europe) is refused, never read as
145; commas between thousands (2,400) still read as they always did."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resetkit.format.model import NumberQuestion
from resetkit.question_types import AnswerError, check_answer

QUESTION = NumberQuestion(id="hours", type="number", prompt="Hours spent")
DAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("2,400", 2400), ("2,400.50", 2400.5), ("-1,000,000", -1_000_000), ("14.5", 14.5), ("7", 7)],
)
def test_commas_between_thousands_read_as_before(typed: str, stored: float) -> None:
    assert check_answer(QUESTION, typed, DAY) == stored


@given(
    whole=st.integers(min_value=0, max_value=10**6),
    decimals=st.text(alphabet="0123456789", min_size=1, max_size=5).filter(lambda d: len(d) != 3),
)
def test_a_decimal_comma_is_refused_never_read_as_a_bigger_number(
    whole: int, decimals: str
) -> None:
    with pytest.raises(AnswerError, match="a dot for decimals"):
        check_answer(QUESTION, f"{whole},{decimals}", DAY)


@pytest.mark.parametrize("typed", ["14,500,5", "1,2345", ",5", "1,,000", "12,34,567"])
def test_commas_out_of_thousands_groups_are_refused(typed: str) -> None:
    with pytest.raises(AnswerError):
        check_answer(QUESTION, typed, DAY)
