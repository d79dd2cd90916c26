/**
 * The gateways, in a worker thread with its own event loop so that the agent (or the raw
 * subscriber) in the main thread never delays a publish. Started by publisher.ts.
 *
 * paced: R messages/s, written as one batch per ~1 ms timer tick (the batch size catches
 *   up on timer jitter, so the long-run rate is exact). Background readings from stationary
 *   devices; after the warm-up, every `arrivalEvery`-th message is an arrival reading: a
 *   fresh known customer sends two readings at ~1 m, and the hrtime of the tick that
 *   published its second reading goes into arrivalTimes[k].
 * flood: pre-encoded stationary readings written as fast as the sockets accept them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodePublish, WirePublisher } from './mqtt-wire';
import type { FloodJob, PacedJob, PublisherJob, PublisherReport } from './publisher';
import { espresenseId, espresensePayload, espresenseTopic, MAJOR, ROOMS, stationaryReading } from './traffic';

const job = workerData as PublisherJob;
const HOST = '127.0.0.1';

function paced(spec: PacedJob): Promise<PublisherReport> {
  return new Promise((resolve, reject) => {
    void WirePublisher.connect(HOST, spec.port, `bench-paced-${process.pid}-${Date.now()}`).then((publisher) => {
      const arrivalTimes = new BigInt64Array(spec.arrivalTimes);
      const start = process.hrtime.bigint();
      let sent = 0;
      let arrivalSlots = 0;
      let lastTick = start;
      let maxGapMs = 0;
      let maxBatch = 0;
      const timer = setInterval(() => {
        const now = process.hrtime.bigint();
        maxGapMs = Math.max(maxGapMs, Number(now - lastTick) / 1e6);
        lastTick = now;
        const elapsedMs = Number(now - start) / 1e6;
        if (elapsedMs >= spec.durationMs) {
          clearInterval(timer);
          const arrivals = Math.min(spec.maxArrivals, arrivalSlots >> 1);
          void publisher.close().then(() => resolve({ startedAt: Number(start - spec.origin), sent, arrivals, elapsedMs, maxTickGapMs: maxGapMs, maxBatch }), reject);
          return;
        }
        const due = Math.floor((elapsedMs * spec.rate) / 1000) - sent;
        if (due <= 0) return;
        maxBatch = Math.max(maxBatch, due);
        const t = Number(now - spec.origin);
        const arrivalsOn = elapsedMs >= spec.warmupMs && spec.arrivalEvery > 0;
        const packets: Buffer[] = [];
        for (let n = 0; n < due; n++) {
          const slot = sent + n;
          if (arrivalsOn && slot % spec.arrivalEvery === 0 && arrivalSlots >> 1 < spec.maxArrivals) {
            const k = arrivalSlots >> 1;
            const second = (arrivalSlots & 1) === 1;
            arrivalSlots += 1;
            const id = espresenseId(MAJOR.arrival, k);
            packets.push(encodePublish(espresenseTopic(id, ROOMS[k % ROOMS.length]!), espresensePayload(id, second ? 0.95 : 1.1, t)));
            if (second) Atomics.store(arrivalTimes, k, now);
            continue;
          }
          const reading = stationaryReading(slot % spec.devices, spec.knownDevices, Math.floor(slot / spec.devices));
          packets.push(encodePublish(espresenseTopic(reading.id, reading.room), espresensePayload(reading.id, reading.distance, t)));
        }
        publisher.write(packets.length === 1 ? packets[0]! : Buffer.concat(packets));
        sent += due;
      }, 1);
    }, reject);
  });
}

/** ~64 KiB buffers of whole packets: devices × 50 distinct readings, cycled. */
function floodChunks(spec: FloodJob): Array<{ buffer: Buffer; messages: number }> {
  const chunks: Array<{ buffer: Buffer; messages: number }> = [];
  let pending: Buffer[] = [];
  let bytes = 0;
  const flush = (): void => {
    chunks.push({ buffer: Buffer.concat(pending), messages: pending.length });
    pending = [];
    bytes = 0;
  };
  for (let step = 0; step < 50; step++) {
    for (let device = 0; device < spec.devices; device++) {
      const reading = stationaryReading(device, spec.knownDevices, step);
      const packet = encodePublish(espresenseTopic(reading.id, reading.room), espresensePayload(reading.id, reading.distance));
      pending.push(packet);
      bytes += packet.length;
      if (bytes >= 64 * 1024) flush();
    }
  }
  if (pending.length > 0) flush();
  return chunks;
}

async function flood(spec: FloodJob): Promise<PublisherReport> {
  const chunks = floodChunks(spec);
  const counter = new Float64Array(spec.sent);
  const publishers = await Promise.all(
    Array.from({ length: spec.connections }, (_, n) => WirePublisher.connect(HOST, spec.port, `bench-flood-${process.pid}-${n}`)),
  );
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(spec.durationMs) * 1_000_000n;
  let sent = 0;
  await Promise.all(
    publishers.map(async (publisher, n) => {
      let next = n * 7;
      while (process.hrtime.bigint() < deadline) {
        const chunk = chunks[next++ % chunks.length]!;
        sent += chunk.messages;
        counter[0] = sent;
        if (!publisher.write(chunk.buffer)) await publisher.drain();
      }
    }),
  );
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  await Promise.all(publishers.map((publisher) => publisher.close()));
  return { startedAt: 0, sent, arrivals: 0, elapsedMs, maxTickGapMs: 0, maxBatch: 0 };
}

const run = job.mode === 'paced' ? paced(job) : flood(job);
run.then(
  (report) => parentPort!.postMessage(report),
  (error: unknown) => {
    throw error;
  },
);
