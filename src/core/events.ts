/**
 * Every event that crosses the bus, in one place. Payloads are plain data so they
 * can be journaled and published without translation.
 */
import type { RingSegment } from './segment.js';
import type { SelfCheckResult } from './selfcheck-schema.js';

export interface GapEvent {
  channel: string;
  /** Wall-clock ms: last media before the gap, first media after it. */
  from: number;
  to: number;
  cause: string;
}

export interface AlarmEvent {
  /** Stable alarm kind, e.g. `video.lost`, `storage.low`. */
  kind: string;
  /** What it is about (a channel, a disk); one alarm per kind and subject. */
  subject: string;
  message: string;
  at: number;
}

export interface CaseOpenedEvent {
  caseId: string;
  at: number;
  trigger: string;
  source: string;
  officerId?: string;
  windowStart: number;
}

export interface CaseMarkerEvent {
  caseId: string;
  at: number;
  type: string;
  note?: string;
  by?: string;
}

export interface CaseClosedEvent {
  caseId: string;
  at: number;
  trigger: string;
  reason?: string;
  segments: number;
  gaps: number;
}

export interface SealedSegmentEvent {
  segmentId: string;
  channel: string;
  caseIds: string[];
  sha256: string;
  bytes: number;
}

export interface ChannelStateEvent {
  channel: string;
  ok: boolean;
  fps: number;
}

export interface GpsFixEvent {
  at: number;
  lat: number;
  lon: number;
  speedKmh?: number;
  course?: number;
  fixQuality?: number;
  satellites?: number;
  hdop?: number;
}

/** Something an operator did (a command, a button, a CLI action), for the journal. */
export interface OperatorActionEvent {
  action: string;
  /** Where it came from: `button`, `barcode`, `mqtt`, `cli`, … */
  source: string;
  at: number;
  /** The operator, when known. */
  by?: string;
  caseId?: string;
  detail?: Record<string, unknown>;
}

/** A past interval filed under a case (record-after-the-fact). */
export interface CaseClaimedEvent {
  caseId: string;
  at: number;
  from: number;
  to: number;
  source: string;
  by?: string;
  created: boolean;
  segments: number;
  /** Parts of the interval with no footage left on the device, per channel. */
  missing: Array<{ channel: string; from: number; to: number }>;
}

/** An offload target confirmed it holds these segments; retention may now evict them. */
export interface OffloadConfirmedEvent {
  segmentIds: string[];
  caseIds: string[];
  target: string;
  at: number;
}

/** Offload (docs/offload.md): a case entered the upload queue. */
export interface OffloadQueuedEvent {
  caseId: string;
  category: string;
  incident: boolean;
  at: number;
}

/** Upload progress of one case, at most every 5 s per case. */
export interface OffloadProgressEvent {
  caseId: string;
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  files: number;
  at: number;
}

/** Every object of a case is in the bucket; the centre is to verify it and confirm. */
export interface OffloadUploadedEvent {
  caseId: string;
  category: string;
  bucket: string;
  /** The case's key prefix: `<prefix>/<category>/<unit>/<deviceId>/<caseId>`. */
  key: string;
  manifestSha256: string;
  files: number;
  bytes: number;
  at: number;
}

/** An attempt failed (retried later), or the centre rejected a file. */
export interface OffloadFailedEvent {
  caseId: string;
  reason: string;
  file?: string;
  retryInSeconds?: number;
  at: number;
}

/** Retention deleted footage (journaled before the files went). */
export interface StorageEvictedEvent {
  /** `background`: unclaimed footage from the ring; `sealed`: evidence files (unclaimed or offloaded). */
  kind: 'background' | 'sealed';
  reason: string;
  segments: number;
  bytes: number;
  at: number;
}

/** A media-health sample from a channel's worker (src/media/health-probe.ts). */
export interface MediaHealthSample {
  channel: string;
  at: number;
  video?: { mean: number; stdDev: number; change?: number };
  audio?: { rmsDb: number; peakDb: number };
}

/** The MQTT uplink's view, for the self-check: emitted on start, (dis)connect and on request. */
export interface UplinkStatusEvent {
  connected: boolean;
  url: string;
  outboxDepth: number;
}

/** From a channel's media worker, about its live sender (internal: the live controller listens). */
export interface LiveWorkerEvent {
  channel: string;
  kind: 'playing' | 'bytes' | 'ended';
  /** Bytes handed to the sender since this stream started. */
  bytes?: number;
  /** Why the sender ended, when it failed. */
  error?: string;
}

/** A live stream as state and events show it: the URL without credentials. */
export interface LiveStreamEvent {
  channel: string;
  url: string;
  at: number;
  since?: number;
  until?: number;
  /** live.stopped and live.failed: why; the bytes sent. */
  reason?: string;
  bytes?: number;
}

export interface BusEvents {
  'segment.opened': RingSegment;
  'segment.closed': RingSegment;
  'segment.sealed': SealedSegmentEvent;
  'recording.gap': GapEvent;
  'alarm.raised': AlarmEvent;
  'alarm.cleared': AlarmEvent;
  'case.opened': CaseOpenedEvent;
  'case.marker': CaseMarkerEvent;
  'case.closed': CaseClosedEvent;
  'channel.state': ChannelStateEvent;
  /** A GPS fix (about 1 Hz) from whatever GPS source is attached. */
  'gps.fix': GpsFixEvent;
  'case.claimed': CaseClaimedEvent;
  'operator.action': OperatorActionEvent;
  'offload.confirmed': OffloadConfirmedEvent;
  'offload.queued': OffloadQueuedEvent;
  'offload.progress': OffloadProgressEvent;
  'offload.uploaded': OffloadUploadedEvent;
  'offload.failed': OffloadFailedEvent;
  'storage.evicted': StorageEvictedEvent;
  'live.worker': LiveWorkerEvent;
  'live.started': LiveStreamEvent;
  'live.stopped': LiveStreamEvent;
  'live.failed': LiveStreamEvent;
  /** OSD fields changed (officer, case, GPS); the OSD driver re-renders. */
  'osd.changed': Record<string, never>;
  /** About 2 video and 2 audio samples a second per channel; media-health.ts judges them. */
  'media.health': MediaHealthSample;
  /** Run the start-of-duty self-check now (the `selfcheck` command). */
  'selfcheck.requested': { trigger: 'command' | 'cli' | 'start' };
  'selfcheck.completed': SelfCheckResult;
  'uplink.status': UplinkStatusEvent;
  'uplink.status.requested': Record<string, never>;
}
