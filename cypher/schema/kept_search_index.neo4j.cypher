// After a load keeps a version: its actors searchable as the current ones are
// (actor_search_index), under the kept label. __NAME__ is `<kept label>_search`, the name
// graph/store/graph_readers.py asks for; both are made from the kept label (never input).
CREATE FULLTEXT INDEX __NAME__ IF NOT EXISTS FOR (a:__LABEL__) ON EACH [a.search_text, a.kind]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}
