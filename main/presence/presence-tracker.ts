/**
 * Turns noisy sightings from several gateways into stable per-screen facts: entered,
 * dwelling, left.
 *
 * Each (beacon, room) reading goes through a 1-D Kalman filter (kalmanjs), so one
 * spike does not move the estimate. A screen sees the nearest fresh estimate among its
 * rooms. Entering needs `minReadings` estimates in a row at or under `enterDistance`;
 * leaving needs an estimate over `leaveDistance` (the gap between the two is the
 * hysteresis) or no reading for `absenceMs`. A gateway whose room belongs to no screen
 * never triggers one, so walking past a far gateway greets nobody.
 */
import KalmanFilter from 'kalmanjs';
import type { PresenceConfig, ScreenConfig } from '../config/agent-config';
import type { Sighting } from '../ingestion/sighting';
import { distanceFromRssi } from './distance';

export type PresenceFactKind = 'entered' | 'dwelling' | 'left';

export interface PresenceFact {
  kind: PresenceFactKind;
  beaconId: string;
  screenId: string;
  /** ms since epoch. */
  at: number;
  /** Smoothed distance to the nearest of the screen's gateways, metres. */
  distance: number;
  /** Time since entering; 0 for "entered". */
  dwellMs: number;
}

interface RoomEstimate {
  filter: KalmanFilter;
  distance: number;
  at: number;
}

interface ScreenState {
  near: boolean;
  readingsUnder: number;
  enteredAt: number;
  lastReadingAt: number;
  dwelling: boolean;
  distance: number;
}

interface BeaconState {
  rooms: Map<string, RoomEstimate>;
  screens: Map<string, ScreenState>;
  lastAt: number;
}

export class PresenceTracker {
  private readonly beacons = new Map<string, BeaconState>();
  private readonly screensByRoom = new Map<string, Array<{ id: string; rooms: string[] }>>();

  constructor(
    screens: ReadonlyArray<Pick<ScreenConfig, 'id' | 'rooms'>>,
    private readonly config: PresenceConfig,
  ) {
    for (const screen of screens) {
      for (const room of screen.rooms) {
        const list = this.screensByRoom.get(room) ?? [];
        list.push({ id: screen.id, rooms: screen.rooms });
        this.screensByRoom.set(room, list);
      }
    }
  }

  /** Beacons currently tracked (for memory accounting and the status view). */
  get trackedBeacons(): number {
    return this.beacons.size;
  }

  observe(sighting: Sighting): PresenceFact[] {
    const screens = this.screensByRoom.get(sighting.room);
    if (!screens) return [];
    const measured = this.measuredDistance(sighting);
    if (measured === undefined) return [];

    let beacon = this.beacons.get(sighting.beaconId);
    if (!beacon) {
      beacon = { rooms: new Map(), screens: new Map(), lastAt: sighting.at };
      this.beacons.set(sighting.beaconId, beacon);
    }
    beacon.lastAt = sighting.at;
    let room = beacon.rooms.get(sighting.room);
    if (!room || sighting.at - room.at > this.config.absenceMs) {
      // A stale estimate says nothing about now: start the filter afresh.
      room = {
        filter: new KalmanFilter({ R: this.config.processNoise, Q: this.config.measurementNoise }),
        distance: measured,
        at: sighting.at,
      };
      beacon.rooms.set(sighting.room, room);
    }
    room.distance = room.filter.filter(measured);
    room.at = sighting.at;

    const facts: PresenceFact[] = [];
    for (const screen of screens) {
      const distance = this.nearestFresh(beacon, screen.rooms, sighting.at);
      this.step(sighting.beaconId, beacon, screen.id, distance, sighting.at, facts);
    }
    return facts;
  }

  /** Absence timeouts and dwell thresholds that pass without a new reading. */
  tick(now: number): PresenceFact[] {
    const facts: PresenceFact[] = [];
    for (const [beaconId, beacon] of this.beacons) {
      for (const [screenId, state] of beacon.screens) {
        if (state.near && now - state.lastReadingAt > this.config.absenceMs) {
          state.near = false;
          state.readingsUnder = 0;
          facts.push({ kind: 'left', beaconId, screenId, at: now, distance: state.distance, dwellMs: state.lastReadingAt - state.enteredAt });
        } else if (state.near && !state.dwelling && now - state.enteredAt >= this.config.dwellMs) {
          state.dwelling = true;
          facts.push({ kind: 'dwelling', beaconId, screenId, at: now, distance: state.distance, dwellMs: now - state.enteredAt });
        }
        if (!state.near && now - state.lastReadingAt > this.config.absenceMs) beacon.screens.delete(screenId);
      }
      // Forget beacons gone for twice the absence time, so passers-by do not pile up.
      if (beacon.screens.size === 0 && now - beacon.lastAt > 2 * this.config.absenceMs) this.beacons.delete(beaconId);
    }
    return facts;
  }

  private measuredDistance(sighting: Sighting): number | undefined {
    if (sighting.distance !== undefined) return sighting.distance;
    if (sighting.rssi !== undefined) return distanceFromRssi(sighting.rssi, sighting.rssiAt1m, this.config.pathLossExponent);
    return undefined;
  }

  private nearestFresh(beacon: BeaconState, rooms: readonly string[], now: number): number {
    let nearest = Number.POSITIVE_INFINITY;
    for (const name of rooms) {
      const room = beacon.rooms.get(name);
      if (room && now - room.at <= this.config.absenceMs && room.distance < nearest) nearest = room.distance;
    }
    return nearest;
  }

  private step(beaconId: string, beacon: BeaconState, screenId: string, distance: number, at: number, facts: PresenceFact[]): void {
    let state = beacon.screens.get(screenId);
    if (!state) {
      state = { near: false, readingsUnder: 0, enteredAt: 0, lastReadingAt: at, dwelling: false, distance };
      beacon.screens.set(screenId, state);
    }
    state.lastReadingAt = at;
    state.distance = distance;
    if (!state.near) {
      state.readingsUnder = distance <= this.config.enterDistance ? state.readingsUnder + 1 : 0;
      if (state.readingsUnder >= this.config.minReadings) {
        state.near = true;
        state.enteredAt = at;
        state.dwelling = false;
        facts.push({ kind: 'entered', beaconId, screenId, at, distance, dwellMs: 0 });
      }
      return;
    }
    if (distance > this.config.leaveDistance) {
      state.near = false;
      state.readingsUnder = 0;
      facts.push({ kind: 'left', beaconId, screenId, at, distance, dwellMs: at - state.enteredAt });
    } else if (!state.dwelling && at - state.enteredAt >= this.config.dwellMs) {
      state.dwelling = true;
      facts.push({ kind: 'dwelling', beaconId, screenId, at, distance, dwellMs: at - state.enteredAt });
    }
  }
}
