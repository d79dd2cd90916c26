/**
 * One MQTT message in, one GatewayMessage out: the single entry point the broker client
 * calls for every message. It must never throw, whatever a gateway (or an attacker on
 * the store network) publishes, and it runs at tens of thousands of messages a second,
 * so topics are routed before any payload is decoded.
 */
import type { IngestionConfig } from '../config/agent-config';
import { matchEspresenseTopic, parseEspresenseSighting } from './espresense-parser';
import { matchGenericTopic, parseGenericSighting } from './generic-parser';
import { clip, ignored, rejected } from './message-builders';
import { matchScanTopic, parseScan } from './scan-parser';
import type { GatewayMessage, NotParsed } from './sighting';
import { matchTheengsTopic, parseTheengsSighting } from './theengs-parser';

type RouteKind = 'espresense' | 'theengs' | 'generic' | 'scan';

interface Route {
  kind: RouteKind;
  /** The configured prefix with one trailing "/", or "" for an empty prefix (matches every topic). */
  head: string;
}

// Fatal, so that a payload of random bytes is rejected instead of parsed as U+FFFD soup.
const utf8 = new TextDecoder('utf-8', { fatal: true });

const NOT_UTF8 = Object.freeze(rejected('not-json', 'payload is not valid UTF-8'));
const NOT_JSON = Object.freeze(rejected('not-json', 'payload is not valid JSON'));
const NOT_TEXT = Object.freeze(rejected('invalid-fields', 'scan payload is not UTF-8 text'));
const CLEARED = ignored('empty payload (a retained message being cleared)');

function trimSlashes(prefix: string): string {
  let end = prefix.length;
  while (end > 0 && prefix.charCodeAt(end - 1) === 0x2f) end--;
  return prefix.slice(0, end);
}

function join(prefix: string, rest: string): string {
  const p = trimSlashes(prefix);
  return p.length === 0 ? rest : `${p}/${rest}`;
}

// Configs are immutable once loaded; caching by identity keeps the per-message cost to a few startsWith calls.
const routeCache = new WeakMap<IngestionConfig, readonly Route[]>();

function routesFor(config: IngestionConfig): readonly Route[] {
  let routes = routeCache.get(config);
  if (routes === undefined) {
    const list: Route[] = [
      { kind: 'espresense', head: join(config.espresensePrefix, '') },
      { kind: 'theengs', head: join(config.theengsPrefix, '') },
      { kind: 'generic', head: join(config.genericPrefix, '') },
      { kind: 'scan', head: join(config.scanPrefix, '') },
    ];
    // Longest prefix first, so "home/presence" configured as generic wins over "home" for Theengs.
    routes = list.sort((a, b) => b.head.length - a.head.length);
    routeCache.set(config, routes);
  }
  return routes;
}

/** The MQTT subscription filters that deliver everything parseGatewayMessage understands. */
export function subscriptionTopics(config: IngestionConfig): string[] {
  const filters = [
    join(config.espresensePrefix, 'devices/#'),
    join(config.theengsPrefix, '+/BTtoMQTT/+'),
    join(config.genericPrefix, '+'),
    join(config.scanPrefix, '+'),
  ];
  return [...new Set(filters)];
}

/**
 * The decoded JSON value, or a constant ignored/rejected message (compared by identity,
 * so a valid payload costs no wrapper object).
 */
function decodeJson(payload: Uint8Array): unknown {
  if (payload.byteLength === 0) return CLEARED;
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return NOT_UTF8;
  }
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

function isUndecodable(value: unknown): value is NotParsed {
  return value === CLEARED || value === NOT_UTF8 || value === NOT_JSON;
}

function route(kind: RouteKind, levels: readonly string[], payload: Uint8Array, at: number): GatewayMessage {
  switch (kind) {
    case 'espresense': {
      const topic = matchEspresenseTopic(levels);
      if (topic.kind !== 'device') return topic;
      const json = decodeJson(payload);
      return isUndecodable(json) ? json : parseEspresenseSighting(topic.deviceId, topic.room, json, at);
    }
    case 'theengs': {
      const topic = matchTheengsTopic(levels);
      if (topic.kind !== 'device') return topic;
      const json = decodeJson(payload);
      return isUndecodable(json) ? json : parseTheengsSighting(topic.gateway, topic.topicId, json, at);
    }
    case 'generic': {
      const topic = matchGenericTopic(levels);
      if (topic.kind !== 'room') return topic;
      const json = decodeJson(payload);
      return isUndecodable(json) ? json : parseGenericSighting(topic.room, json, at);
    }
    case 'scan': {
      const topic = matchScanTopic(levels);
      if (topic.kind !== 'screen') return topic;
      let text: string;
      try {
        text = utf8.decode(payload);
      } catch {
        return NOT_TEXT;
      }
      return parseScan(topic.screenId, text, at);
    }
  }
}

function parse(topic: string, payload: Uint8Array, config: IngestionConfig, at: number): GatewayMessage {
  // Before decoding anything: the size limit is what protects the decoder.
  if (payload.byteLength > config.maxPayloadBytes) {
    return rejected('oversized', `${payload.byteLength} bytes, over the ${config.maxPayloadBytes}-byte limit`);
  }
  for (const r of routesFor(config)) {
    if (topic.startsWith(r.head) && topic.length > r.head.length) {
      return route(r.kind, topic.slice(r.head.length).split('/'), payload, at);
    }
  }
  return rejected('unknown-topic', `no gateway format uses topic ${JSON.stringify(clip(topic))}`);
}

export function parseGatewayMessage(
  topic: string,
  payload: Uint8Array,
  config: IngestionConfig,
  at: number,
): GatewayMessage {
  try {
    return parse(topic, payload, config, at);
  } catch (error) {
    // A last line of defence: a parser bug must cost one message, not the ingestion loop.
    return rejected('invalid-fields', `parser failure: ${clip(String(error))}`);
  }
}
