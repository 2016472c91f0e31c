// Actor search (graph/search.py): a full-text index over the tokens each actor is found by.
// search_text is normalised when loaded (graph.search.search_text), so the whitespace
// analyzer only splits it and both stores search the very same tokens; kind is indexed too,
// so a search within one kind is cut to its limit after the kind is applied, not before.
CREATE FULLTEXT INDEX actor_search IF NOT EXISTS FOR (a:Actor) ON EACH [a.search_text, a.kind]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}
