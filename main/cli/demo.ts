/**
 * `npm run demo`: a whole demo store on embedded defaults. The agent with its embedded
 * broker, sample customers, the signage screen served in browser mode, and a simulator
 * walking customers past the entrance screen in a loop.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAgentConfig, DEFAULT_SCREENS } from '../config/agent-config';
import { startAgent } from '../agent';
import { openDatabase } from '../store/database';
import { ProfileStore } from '../store/profile-store';
import { importProfiles } from '../store/profile-import';
import { BeaconSimulator } from '../demo/beacon-simulator';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8787' }, 'data-dir': { type: 'string' } }, allowPositionals: true });
const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'soo-demo-'));
const config = parseAgentConfig({
  dataDir,
  httpPort: Number(values.port),
  embeddedBrokerPort: 0,
  screens: DEFAULT_SCREENS,
});

// The sample customers, with Ava's birthday moved to today so the birthday rule shows too.
const sample = fileURLToPath(new URL('../demo/sample-customers.jsonl', import.meta.url));
const today = new Date().toISOString().slice(5, 10);
const customersFile = join(dataDir, 'sample-customers.jsonl');
writeFileSync(customersFile, readFileSync(sample, 'utf8').replace('"birthday": "1995-11-23"', `"birthday": "--${today}"`));
const db = openDatabase(join(dataDir, 'store.db'));
const report = await importProfiles(db, new ProfileStore(db), customersFile);
db.close();

const agent = await startAgent(config);
agent.onDecision((d) => console.log(`decision on ${d.screenId}: ${d.outcome === 'greet' ? `"${d.text}" (rule ${d.ruleId})` : `nothing (${d.reason})`}`));
console.log(`\nDemo store running: ${report.imported} sample customers, data in ${dataDir}`);
console.log(`  signage screen:  ${agent.httpUrl}/?screen=entrance`);
console.log(`  counter screen:  ${agent.httpUrl}/?screen=counter`);
console.log(`  staff kiosk:     ${agent.httpUrl}/?view=kiosk&screen=till`);
console.log(`  MQTT broker:     ${agent.brokerUrl} (publish ESPresense/Theengs messages here)`);
console.log('Ctrl-C stops it.\n');

const simulator = await BeaconSimulator.connect(agent.brokerUrl);
const stop = new AbortController();
const walkers = ['100-1', '100-4', '100-2', '100-3'].map((mm) => `iBeacon:426c7565-4368-6172-6d42-6561636f6e73-${mm}`);
void (async () => {
  for (let i = 0; !stop.signal.aborted; i++) {
    await simulator.walk({ espresenseId: walkers[i % walkers.length]!, room: 'entrance', staySeconds: 10 }, stop.signal);
  }
})();

const shutdown = async (): Promise<void> => {
  stop.abort();
  await simulator.close();
  await agent.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
