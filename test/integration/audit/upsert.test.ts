// The audited bulk upsert (the YAML sync's path): a `created` entry per new job, a `modified`
// entry with the diff per changed one, none for unchanged ones, and a cost that does not grow by
// a statement per job (it read each job's previous version one by one: 10 000 round trips for an
// unchanged sync of 10 000 files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testLogger } from '../../helpers/database.ts';
import { definition, engineDatabase } from '../engine/engine-fixture.ts';
import { createJobCommands } from '../../../src/jobs/commands.ts';
import { auditedCommands } from '../../../src/audit/audited-commands.ts';
import { listAuditEntries } from '../../../src/audit/repository.ts';

const { db, boss } = await engineDatabase();
let statements = 0;
const counted = db.withPlugin({ transformQuery: ({ node }) => (statements++, node), transformResult: async ({ result }) => result });
const commands = auditedCommands(createJobCommands({ db: counted, boss, logger: testLogger }), { db: counted, logger: testLogger, actor: 'yaml-sync' });
const WHEN = '2031-01-01T00:00:00Z';
const actions = async (jobId: string) => (await listAuditEntries(db, { job_id: jobId, limit: 10, offset: 0 })).entries.map((e) => e.action).sort();

test('new, unchanged and changed jobs in one upsert: entries for what changed, a fixed number of statements', async () => {
  const defs = Array.from({ length: 40 }, (_, i) => definition(`au-${i}`, { periodically: '1 day', when: WHEN }));
  await commands.upsert(defs);
  assert.deepEqual(await actions('au-7'), ['created']);

  statements = 0;
  assert.deepEqual(new Set((await commands.upsert(defs)).map((r) => r.change)), new Set(['unchanged']));
  assert.ok(statements <= 4, `${statements} statements for 40 unchanged jobs`);
  assert.deepEqual(await actions('au-7'), ['created']);

  const changed = definition('au-7', { periodically: '2 days', when: WHEN });
  const fresh = definition('au-new', { periodically: '1 day', when: WHEN });
  const results = await commands.upsert([...defs.slice(0, 7), changed, fresh]);
  assert.deepEqual(results.map((r) => r.change).slice(-2), ['updated', 'created']);
  assert.deepEqual(await actions('au-7'), ['created', 'modified']);
  assert.deepEqual(await actions('au-new'), ['created']);
  assert.deepEqual(await actions('au-3'), ['created']);
});
