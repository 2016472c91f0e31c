from datetime import date

import pytest

from conflictgraph.graph.dates import PartialDate, valid_on


@pytest.mark.parametrize("text,precision,earliest,latest", [
    ("2020", "year", date(2020, 1, 1), date(2020, 12, 31)),
    ("2020-02", "month", date(2020, 2, 1), date(2020, 2, 29)),
    ("2020-11-25", "day", date(2020, 11, 25), date(2020, 11, 25)),
])
def test_partial_dates_keep_their_precision(text, precision, earliest, latest):
    d = PartialDate.parse(text)
    assert (str(d), d.precision, d.earliest(), d.latest()) == (text, precision, earliest, latest)


@pytest.mark.parametrize("text", ["20", "2020-1", "2020/11/25", "2020-00", "2019-02-29", "2020-11-31", ""])
def test_malformed_or_impossible_dates_are_rejected(text):
    with pytest.raises(ValueError):
        PartialDate.parse(text)


def test_validity_is_judged_at_each_bound_s_precision():
    started_nov = PartialDate.parse("2020-11")
    ended_april = PartialDate.parse("2019-04")
    assert valid_on(started_nov, None, date(2020, 11, 1))
    assert not valid_on(started_nov, None, date(2020, 10, 31))
    assert valid_on(None, ended_april, date(2019, 4, 30))
    assert not valid_on(None, ended_april, date(2019, 5, 1))
    assert valid_on(None, None, date(1900, 1, 1))  # unknown bounds exclude nothing
