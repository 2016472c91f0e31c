// Lints Cypher texts with Neo4j's own Cypher front end (@neo4j-cypher/language-support),
// with Neo4j 5 semantics, so that no Neo4j server is needed to know a text parses and
// binds. Reads JSON on stdin: {"schema": {labels, relationshipTypes, propertyKeys},
// "queries": [{"name", "text", "params": {name: sample value}}]}; writes one JSON array of
// {"name", "diagnostics": [{"severity", "message", "line", "column"}]} (line/column 1-based).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const require = createRequire(import.meta.url);

// Neo4j's function and procedure signatures, as the package's own test data captured them
// from a Neo4j 5 server: without them unknown functions (e.g. Kùzu's label()) pass unseen.
async function neo4jCatalogue() {
  const main = require.resolve('@neo4j-cypher/language-support');
  const root = join(dirname(main), '..', '..');
  const url = pathToFileURL(join(root, 'dist/esm/project/language-support/src/tests/testData.js'));
  const { testData } = await import(url.href);
  return { functions: testData.mockSchema.functions, procedures: testData.mockSchema.procedures };
}

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
}));

const catalogue = await neo4jCatalogue();
const out = input.queries.map(({ name, text, params }) => {
  const schema = {
    ...input.schema,
    ...catalogue,
    parameters: params || {},
    defaultLanguage: 'CYPHER 5',
  };
  const { diagnostics } = lintCypherQuery(text, schema);
  return {
    name,
    diagnostics: diagnostics.map((d) => ({
      severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info',
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    })),
  };
});
process.stdout.write(JSON.stringify(out));
