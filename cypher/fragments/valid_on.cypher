// The as_of rule: relation `r` holds on the day $as_of (YYYY-MM-DD). Each bound is compared
// at its own precision (a relation that started in "2020-11" holds on 2020-11-01; one that
// ended in "2019-04" still holds on 2019-04-30) and a missing bound excludes nothing.
// The same rule in Python: graph/dates.py (valid_on, holds_on); tests/test_as_of.py asks both.
// An expression: a query writes `true /* include: valid_on */` where it goes.
// params: as_of
(r.start_date IS NULL OR r.start_date <= left($as_of, size(r.start_date)))
AND (r.end_date IS NULL OR r.end_date >= left($as_of, size(r.end_date)))
