/**
 * The memory floor for benchmark 4: the same runtime and loader as the agent CLI (node
 * --import tsx) with the agent's whole module graph loaded, but nothing started.
 */
import '../main/agent';

process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
setInterval(() => undefined, 60_000);
process.on('SIGTERM', () => process.exit(0));
