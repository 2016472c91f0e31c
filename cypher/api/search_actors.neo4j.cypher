// Candidates for actor search: the actors whose search tokens match $lucene
// (graph.search.lucene_query: every query token by prefix, within its typos or by skeleton,
// and the kind when one is asked for), at most $cap, from the full-text index $index (the
// current graph's `actor_search`, or the one a kept version's label has). graph/search.py
// then checks each on its tokens, and ranks.
// params: index, lucene, cap
CALL db.index.fulltext.queryNodes($index, $lucene, {limit: $cap}) YIELD node
RETURN node.id AS id, node.search_text AS search_text, node.search_values AS search_values
