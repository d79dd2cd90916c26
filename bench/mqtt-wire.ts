/**
 * A minimal MQTT 3.1.1 publisher on a raw socket: CONNECT, then QoS 0 PUBLISH packets
 * written in batches. The load generator must cost as little CPU as possible on a 2-core
 * machine, and a gateway (an ESP32) is no heavier than this either; a full client library
 * spends several µs per message that would be taken from the broker and the agent.
 */
import { connect, type Socket } from 'node:net';

function remainingLength(length: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return bytes;
}

function utf8Field(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const field = Buffer.allocUnsafe(2 + body.length);
  field.writeUInt16BE(body.length, 0);
  body.copy(field, 2);
  return field;
}

/** CONNECT, clean session, keep-alive off (the benchmark's connections live for seconds). */
export function encodeConnect(clientId: string): Buffer {
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x00]);
  const payload = utf8Field(clientId);
  return Buffer.concat([Buffer.from([0x10, ...remainingLength(variable.length + payload.length)]), variable, payload]);
}

/** One QoS 0 PUBLISH packet. */
export function encodePublish(topic: string, payload: string | Buffer): Buffer {
  const topicField = utf8Field(topic);
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from([0x30, ...remainingLength(topicField.length + body.length)]), topicField, body]);
}

const DISCONNECT = Buffer.from([0xe0, 0x00]);

export class WirePublisher {
  private constructor(private readonly socket: Socket) {}

  /** Connects and waits for a successful CONNACK. */
  static connect(host: string, port: number, clientId: string): Promise<WirePublisher> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.setNoDelay(true);
      let received = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        received = Buffer.concat([received, chunk]);
        if (received.length < 4) return;
        socket.off('data', onData);
        socket.off('error', reject);
        if (received[0] !== 0x20 || received[3] !== 0) {
          socket.destroy();
          reject(new Error(`broker refused the connection (CONNACK ${received.subarray(0, 4).toString('hex')})`));
          return;
        }
        // Nothing else comes back on a publish-only QoS 0 connection; keep the socket flowing.
        socket.on('data', () => undefined);
        resolve(new WirePublisher(socket));
      };
      socket.once('error', reject);
      socket.on('data', onData);
      socket.once('connect', () => socket.write(encodeConnect(clientId)));
    });
  }

  /** False when the socket's buffer is full: wait for drain() before writing more. */
  write(packets: Buffer): boolean {
    return this.socket.write(packets);
  }

  drain(): Promise<void> {
    return this.socket.writableNeedDrain ? new Promise((done) => this.socket.once('drain', () => done())) : Promise.resolve();
  }

  async close(): Promise<void> {
    await this.drain();
    await new Promise<void>((done) => {
      this.socket.once('close', () => done());
      this.socket.end(DISCONNECT);
    });
  }
}
