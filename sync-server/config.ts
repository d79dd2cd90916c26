/** What the sync server is started with, and the defaults for what is left out. */
import type { Logger } from '../main/log/logger';

export interface SyncServerConfig {
  /** Holds the SQLite file and the pairing-code key. */
  dataDir: string;
  /** The admin API's bearer token (at least 24 characters). */
  adminToken: string;
  /** Default 127.0.0.1: head office is put behind a TLS proxy, never exposed bare. */
  host?: string;
  /** Default 8790; 0 picks a free port. */
  port?: number;
  scope?: {
    /** A store holds the profiles of people who visited it within this many days (default 90). */
    recentVisitDays?: number;
    /** How often visits past that window are expired (default hourly). */
    sweepIntervalMs?: number;
    /**
     * Every store of a region also holds the profiles whose home store is in that region
     * (default false: a region's stores may be many, and each would hold them all).
     */
    homeRegion?: boolean;
  };
  pairing?: {
    /** How long a pairing code lives (default 15 minutes). */
    codeTtlMs?: number;
    /** Pairing attempts per client IP per minute (default 10). */
    attemptsPerMinute?: number;
  };
  /** Admin API requests per client IP per minute (default 600). */
  adminRequestsPerMinute?: number;
  /** HTTP body limit (default 1 MiB; 413 beyond). */
  bodyLimitBytes?: number;
  /** Largest Socket.IO message (default 8 MiB): a full upload batch fits, a flood does not. */
  maxSocketMessageBytes?: number;
  /** Store files for a fast first sync (store-files/store-files.ts). */
  storeFiles?: {
    /** A store gets a file once it has this many changes (default 10,000); smaller ones sync by pages. */
    minChanges?: number;
    /** A store's file is built again once this many changes came after it (default 50,000). */
    rebuildAfterChanges?: number;
    /** How often stores are checked (default every 15 minutes; also once at start). */
    checkEveryMs?: number;
  };
  /** The server's node id in field clocks (default "head-office"). */
  nodeId?: string;
  /** Trust X-Forwarded-For from a proxy in front (for per-IP rate limits). Default false. */
  trustProxy?: boolean;
  /** The wall clock (tests move it). */
  now?: () => number;
  logger?: Logger;
}

export interface ResolvedSyncConfig {
  dataDir: string;
  adminToken: string;
  host: string;
  port: number;
  scope: { recentVisitDays: number; sweepIntervalMs: number; homeRegion: boolean };
  pairing: { codeTtlMs: number; attemptsPerMinute: number };
  adminRequestsPerMinute: number;
  bodyLimitBytes: number;
  maxSocketMessageBytes: number;
  storeFiles: { minChanges: number; rebuildAfterChanges: number; checkEveryMs: number };
  nodeId: string;
  trustProxy: boolean;
  now: () => number;
}

export const DEFAULT_PORT = 8790;
export const MIN_ADMIN_TOKEN_LENGTH = 24;

export function resolveConfig(config: SyncServerConfig): ResolvedSyncConfig {
  if (config.adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new Error(`the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  }
  return {
    dataDir: config.dataDir,
    adminToken: config.adminToken,
    host: config.host ?? '127.0.0.1',
    port: config.port ?? DEFAULT_PORT,
    scope: {
      recentVisitDays: config.scope?.recentVisitDays ?? 90,
      sweepIntervalMs: config.scope?.sweepIntervalMs ?? 60 * 60 * 1000,
      homeRegion: config.scope?.homeRegion ?? false,
    },
    pairing: {
      codeTtlMs: config.pairing?.codeTtlMs ?? 15 * 60 * 1000,
      attemptsPerMinute: config.pairing?.attemptsPerMinute ?? 10,
    },
    adminRequestsPerMinute: config.adminRequestsPerMinute ?? 600,
    bodyLimitBytes: config.bodyLimitBytes ?? 1024 * 1024,
    maxSocketMessageBytes: config.maxSocketMessageBytes ?? 8 * 1024 * 1024,
    storeFiles: {
      minChanges: config.storeFiles?.minChanges ?? 10_000,
      rebuildAfterChanges: config.storeFiles?.rebuildAfterChanges ?? 50_000,
      checkEveryMs: config.storeFiles?.checkEveryMs ?? 15 * 60 * 1000,
    },
    nodeId: config.nodeId ?? 'head-office',
    trustProxy: config.trustProxy ?? false,
    now: config.now ?? Date.now,
  };
}
