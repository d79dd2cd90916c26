/**
 * Node/V8 flags the store agent's own process runs with, wherever it is started (the
 * Electron utility process, `npm run agent`, the tests' and benchmarks' agent processes).
 *
 * --max-semi-space-size=1 (MiB): V8's young generation otherwise grows to 16 MiB per
 * semi-space under a burst of scans and keeps that garbage resident; the agent's live heap
 * is ~26 MiB, and its memory goal with a million profiles is 200 MB. Scavenges become more
 * frequent but each stays small, since the agent's allocations are short-lived messages.
 * (The `agent` script in package.json repeats the flag: npm scripts cannot import this.)
 */
export const AGENT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
