// Stop these transactions now (a research query whose client went away).
// params: ids
TERMINATE TRANSACTIONS $ids
