/**
 * Distance from RSSI for gateways that send none (OpenMQTTGateway, Theengs): the
 * log-distance path-loss model, with the beacon's own calibrated RSSI at 1 m.
 */
export const DEFAULT_RSSI_AT_1M = -59;

export function distanceFromRssi(rssi: number, rssiAt1m: number = DEFAULT_RSSI_AT_1M, pathLossExponent = 2.5): number {
  return 10 ** ((rssiAt1m - rssi) / (10 * pathLossExponent));
}
