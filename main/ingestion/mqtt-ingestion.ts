/**
 * Subscribes to the store's broker and turns each message into a sighting or a scan.
 * Never throws on input: whatever a gateway sends is parsed, ignored or rejected and
 * counted. Reconnects with exponential backoff and jitter when the broker goes away.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { IngestionConfig } from '../config/agent-config';
import type { Logger, RejectionCounter } from '../log/logger';
import { parseGatewayMessage, subscriptionTopics } from './gateway-message';
import type { ScanMessage, Sighting } from './sighting';

export interface IngestionHandlers {
  onSighting(sighting: Sighting): void;
  onScan(scan: ScanMessage): void;
}

export interface MqttIngestionOptions {
  url: string;
  username?: string;
  password?: string;
  config: IngestionConfig;
  handlers: IngestionHandlers;
  rejections: RejectionCounter;
  log: Logger;
  minReconnectMs?: number;
  maxReconnectMs?: number;
}

export class MqttIngestion {
  received = 0;
  /** Connected and subscribed: only then does a gateway's message reach us (QoS 0 keeps nothing). */
  private subscribed = false;
  private readonly subscribedListeners = new Set<() => void>();
  private constructor(private readonly client: MqttClient) {}

  get connected(): boolean {
    return this.client.connected && this.subscribed;
  }

  /** Resolves true once listening to the gateways, false if that takes longer than `timeoutMs`. */
  whenListening(timeoutMs: number): Promise<boolean> {
    if (this.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.subscribedListeners.delete(done);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.subscribedListeners.delete(done);
        resolve(false);
      }, timeoutMs);
      this.subscribedListeners.add(done);
    });
  }

  static start(options: MqttIngestionOptions): MqttIngestion {
    const minDelay = options.minReconnectMs ?? 250;
    const maxDelay = options.maxReconnectMs ?? 15_000;
    let failures = 0;
    const client = mqtt.connect(options.url, {
      clientId: `soo-agent-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: minDelay,
      connectTimeout: 5_000,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
    });
    const ingestion = new MqttIngestion(client);
    const topics = subscriptionTopics(options.config);

    client.on('connect', () => {
      failures = 0;
      client.options.reconnectPeriod = minDelay;
      client.subscribe(topics, { qos: 0 }, (error) => {
        if (error) {
          options.log.error({ err: error, topics }, 'subscribe failed');
          return;
        }
        ingestion.subscribed = true;
        for (const listener of [...ingestion.subscribedListeners]) listener();
        options.log.info({ url: options.url, topics }, 'listening to gateways');
      });
    });
    client.on('close', () => {
      ingestion.subscribed = false;
      failures += 1;
      // Backoff with jitter, so a store's agents do not all hammer a broker that just came back.
      const delay = Math.min(maxDelay, minDelay * 2 ** Math.min(failures, 10));
      client.options.reconnectPeriod = Math.round(delay / 2 + Math.random() * (delay / 2));
    });
    client.on('offline', () => options.log.warn({ url: options.url }, 'broker unreachable; retrying'));
    client.on('error', (error) => options.log.warn({ err: error.message }, 'mqtt error'));
    client.on('message', (topic, payload) => {
      ingestion.received += 1;
      const message = parseGatewayMessage(topic, payload, options.config, Date.now());
      try {
        if (message.kind === 'sighting') options.handlers.onSighting(message.sighting);
        else if (message.kind === 'scan') options.handlers.onScan(message.scan);
        else if (message.kind === 'rejected') options.rejections.reject(`mqtt-${message.reason}`, { topic: topic.slice(0, 200), detail: message.detail });
      } catch (error) {
        // A bug downstream must not take ingestion down with it: log and keep listening.
        options.rejections.reject('mqtt-handler-error', { topic: topic.slice(0, 200), error: (error as Error).message });
      }
    });
    return ingestion;
  }

  async stop(): Promise<void> {
    await this.client.endAsync(true);
  }
}
