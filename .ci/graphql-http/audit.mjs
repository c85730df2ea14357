// Runs graphql-http's GraphQL-over-HTTP audits against a running server and
// prints each result. It exits non-zero when a MUST fails, and, with
// --strict, when a SHOULD fails too.
//
//   node audit.mjs http://127.0.0.1:8080/graphql [--strict]
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const strict = process.argv.includes('--strict');
if (!url) {
  console.error('usage: node audit.mjs URL [--strict]');
  process.exit(2);
}
const results = await auditServer({ url });
let failed = 0;
for (const r of results) {
  const mark = { ok: 'ok  ', warn: 'WARN', notice: 'NOTE', error: 'FAIL' }[r.status] || r.status;
  console.log(`${mark} ${r.id} ${r.name}${r.status === 'ok' ? '' : ': ' + r.reason}`);
  if (r.status === 'error' || (strict && r.status === 'warn')) failed++;
}
const counts = results.reduce((m, r) => ({ ...m, [r.status]: (m[r.status] || 0) + 1 }), {});
console.log(`\n${results.length} audits: ${counts.ok || 0} ok, ${counts.warn || 0} warnings (SHOULD), ${counts.error || 0} errors (MUST)`);
process.exit(failed ? 1 : 0);
