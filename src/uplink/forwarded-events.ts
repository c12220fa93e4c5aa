/**
 * The bus events the uplink publishes on `events` (docs/mqtt.md lists them); case and
 * alarm events are never dropped from the outbox.
 */
export const FORWARDED = [
  'case.opened',
  'case.marker',
  'case.closed',
  'case.claimed',
  'recording.gap',
  'alarm.raised',
  'alarm.cleared',
  'storage.evicted',
  'offload.queued',
  'offload.progress',
  'offload.uploaded',
  'offload.confirmed',
  'offload.failed',
  'operator.action',
  'selfcheck.completed',
  'live.started',
  'live.stopped',
  'live.failed',
] as const;
