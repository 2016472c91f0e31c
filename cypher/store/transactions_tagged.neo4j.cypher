// The running transactions whose metadata holds `token` under `key` (a research query's request tag).
// params: key, token
SHOW TRANSACTIONS YIELD transactionId, metaData
WHERE metaData[$key] = $token
RETURN transactionId AS id
