/**
 * `npm run import -- <file.csv|file.jsonl> [--config path]`: loads profiles into the
 * store's SQLite file. Bad rows are listed with their line number; good rows still load.
 * Exit code 0 when the file was read to the end, 1 when it could not be read at all.
 */
import { join } from 'node:path';
import { loadAgentConfig } from '../config/agent-config';
import { openDatabase } from '../store/database';
import { ProfileStore } from '../store/profile-store';
import { importProfiles } from '../store/profile-import';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { config: { type: 'string' }, format: { type: 'string' } }, allowPositionals: true });
const file = positionals[0];
if (!file) {
  process.stderr.write('usage: npm run import -- <profiles.csv|profiles.jsonl> [--config agent.json] [--format csv|jsonl]\n');
  process.exit(1);
}
const config = loadAgentConfig(values.config ?? process.env.SOO_CONFIG);
const db = openDatabase(join(config.dataDir, 'store.db'));
const format = values.format === 'csv' || values.format === 'jsonl' ? values.format : undefined;
try {
  const report = await importProfiles(db, new ProfileStore(db), file, {
    ...(format ? { format } : {}),
    onProgress: (p) => process.stderr.write(`  ${p.rowsRead.toLocaleString('en')} rows read, ${p.imported.toLocaleString('en')} imported, ${p.rejected} rejected (${p.rowsPerSecond.toLocaleString('en')} rows/s)\n`),
  });
  for (const error of report.errors) process.stderr.write(`line ${error.line}: ${error.message}\n`);
  if (report.errorsTruncated) process.stderr.write(`… and more: ${report.rejected} rows rejected in all\n`);
  process.stdout.write(
    `imported ${report.imported} of ${report.rowsRead} rows (${report.rejected} rejected) in ${(report.elapsedMs / 1000).toFixed(1)} s, ${report.rowsPerSecond.toLocaleString('en')} rows/s\n`,
  );
} catch (error) {
  process.stderr.write(`import failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  db.close();
}
