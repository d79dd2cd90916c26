/** Running the agent in-process for a benchmark. */
import mqtt from 'mqtt';
import type { Agent } from '../main/agent';
import { createLogger, type Logger } from '../main/log/logger';
import { sleep } from './result';

/** Pino at level silent: the agent's logs would otherwise go to stderr mid-measurement. */
export function silentLogger(): Logger {
  return createLogger('bench', 'silent');
}

/**
 * The agent subscribes after its client connects; until then messages are lost. Publishes
 * a message on a subscribed topic that the agent counts and ignores (an ESPresense device
 * sub-report) until the count moves.
 */
export async function waitUntilListening(agent: Agent, brokerUrl: string): Promise<void> {
  const probe = await mqtt.connectAsync(brokerUrl, { clientId: `bench-probe-${process.pid}-${Date.now()}` });
  try {
    const deadline = Date.now() + 10_000;
    while (agent.status().broker.messagesReceived === 0) {
      if (Date.now() > deadline) throw new Error('the agent did not subscribe within 10 s');
      await probe.publishAsync('espresense/devices/probe/bench/status', '{}');
      await sleep(50);
    }
  } finally {
    await probe.endAsync(true);
  }
}
