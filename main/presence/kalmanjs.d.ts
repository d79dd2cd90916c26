// kalmanjs ships no types; this is the part of its API we use.
declare module 'kalmanjs' {
  export default class KalmanFilter {
    constructor(options?: { R?: number; Q?: number; A?: number; B?: number; C?: number });
    filter(measurement: number, control?: number): number;
    lastMeasurement(): number;
  }
}
