// Create one batch of nodes with the label __LABEL__ in a fresh embedded database.
// __LABEL__ and __PROPERTIES__ are filled from the row shapes in graph/store/rows.py (never from input).
// params: rows
UNWIND $rows AS row
CREATE (:__LABEL__ {__PROPERTIES__})
