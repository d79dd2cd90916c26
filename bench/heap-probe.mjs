// Preloaded (node --expose-gc --import) into the agent process by the memory benchmark: on
// SIGUSR2 it writes the V8 heap and Node's memory figures to $BENCH_HEAP_FILE, then the heap
// still in use after a full garbage collection (what the agent really holds). Plain
// JavaScript so that both the tsx and the bundled runs can load it.
import { writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

process.on('SIGUSR2', () => {
  const heap = getHeapStatistics();
  const memory = process.memoryUsage();
  globalThis.gc?.();
  writeFileSync(
    process.env.BENCH_HEAP_FILE,
    JSON.stringify({
      total: heap.total_heap_size,
      used: heap.used_heap_size,
      liveAfterGc: globalThis.gc ? getHeapStatistics().used_heap_size : Number.NaN,
      external: memory.external,
    }),
  );
});
