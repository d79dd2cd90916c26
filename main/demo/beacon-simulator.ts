/**
 * Plays customers walking into the store, as an ESPresense node and a Theengs gateway
 * would report them (noisy distances, a report a second), so the demo needs no hardware.
 */
import mqtt, { type MqttClient } from 'mqtt';

export interface SimulatedWalk {
  /** ESPresense-style id, e.g. "iBeacon:<uuid>-<major>-<minor>". */
  espresenseId: string;
  room: string;
  /** Seconds near the screen before walking off. */
  staySeconds: number;
}

export class BeaconSimulator {
  private constructor(
    private readonly client: MqttClient,
    private readonly intervalMs: number,
  ) {}

  static async connect(url: string, intervalMs = 1000): Promise<BeaconSimulator> {
    const client = await mqtt.connectAsync(url, { clientId: `soo-simulator-${process.pid}` });
    return new BeaconSimulator(client, intervalMs);
  }

  /** Approach from 6 m to about 1 m, stay, walk away; with ±0.4 m of noise on each report. */
  async walk(walk: SimulatedWalk, signal?: AbortSignal): Promise<void> {
    const path = [6, 4.5, 3, 2, 1.4, 1.1];
    for (let i = 0; i < walk.staySeconds * (1000 / this.intervalMs); i++) path.push(1 + Math.random() * 0.3);
    path.push(2.5, 4, 6, 8, 9, 9, 9);
    for (const metres of path) {
      if (signal?.aborted) return;
      await this.report(walk.espresenseId, walk.room, Math.max(0.3, metres + (Math.random() - 0.5) * 0.8));
      await new Promise((done) => setTimeout(done, this.intervalMs));
    }
  }

  async report(espresenseId: string, room: string, distance: number): Promise<void> {
    const payload = {
      id: espresenseId,
      'rssi@1m': -59,
      rssi: Math.round((-59 - 25 * Math.log10(distance)) * 10) / 10,
      rxAdj: 0,
      distance: Math.round(distance * 100) / 100,
      var: 0.2,
      int: this.intervalMs,
    };
    await this.client.publishAsync(`espresense/devices/${espresenseId}/${room}`, JSON.stringify(payload));
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
