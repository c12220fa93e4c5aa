/**
 * Every journal entry type, in one place: when it is written and what its `data` holds
 * (as `core/events.ts` does for the bus). `Journal.append` is typed by this map, and the
 * table of entry types in docs/evidence.md is generated from it (`npm run journal-doc`;
 * test/evidence/journal-entries.test.ts fails when the doc drifts).
 *
 * The schemas describe what is written; they are not applied on append (what is hashed
 * must be exactly what the caller gave), so they add no cost to a write.
 */
import { z } from 'zod';
import { ClaimSchema, GapSchema, MarkerSchema } from '../store/records.js';

/** How an entry is written: in one batch with the state it records, alone, or after the fact from the bus. */
export type Written = 'with its state' | 'alone' | 'from the bus';

interface EntrySpec {
  written: Written;
  when: string;
  data: z.ZodObject;
}

const Sha256 = z.string();
const Access = { operator: z.string(), via: z.string() };
const Alarm = z.object({ kind: z.string(), subject: z.string(), message: z.string(), at: z.number() });
const RingSettings = z.object({ keepSeconds: z.number(), backgroundBytes: z.number(), freeBytes: z.number() });
const Interval = z.object({ channel: z.string(), from: z.number(), to: z.number() });

export const JOURNAL_ENTRIES = {
  'case.opened': {
    written: 'with its state',
    when: 'a case opens (trigger, source, officer)',
    data: z.object({
      trigger: z.string(),
      source: z.string(),
      officerId: z.string().optional(),
      kind: z.string(),
      note: z.string().optional(),
      windowStart: z.number(),
      site: z.string().optional(),
      unit: z.string().optional(),
    }),
  },
  'case.marker': { written: 'with its state', when: 'a marker is set in an open case (or a second opening trigger arrives)', data: MarkerSchema },
  'case.closing': {
    written: 'with its state',
    when: 'documents served or `record.stop` (with its reason): the window gets its end',
    data: z.object({
      trigger: z.string(),
      source: z.string(),
      by: z.string().optional(),
      reason: z.string().optional(),
      documents: z.array(z.string()).optional(),
      windowEnd: z.number().optional(),
    }),
  },
  'case.closed': {
    written: 'with its state',
    when: 'every channel delivered media past the window (or the grace time passed)',
    data: z.object({ trigger: z.string(), reason: z.string().optional(), segments: z.number(), gaps: z.number(), complete: z.boolean() }),
  },
  'case.claimed': {
    written: 'with its state',
    when: 'a past interval is filed under a case (`claimInterval`)',
    // The claim as the case record keeps it, plus what the claim did.
    data: ClaimSchema.extend({ created: z.boolean(), missing: z.array(Interval) }),
  },
  'recording.gap': { written: 'with its state', when: 'a gap in a channel, with the cases it falls in', data: GapSchema },
  'segment.sealed': {
    written: 'with its state',
    when: 'a segment is sealed (moved, fsynced, hashed) and indexed, under its cases',
    data: z.object({
      segmentId: z.string(),
      channel: z.string(),
      file: z.string(),
      start: z.number(),
      end: z.number(),
      bytes: z.number(),
      sha256: Sha256,
      partial: z.boolean().optional(),
      recovered: z.boolean().optional(),
    }),
  },
  'segment.linked': {
    written: 'with its state',
    when: 'an already sealed segment is filed under another case',
    data: z.object({ segmentId: z.string(), channel: z.string(), sha256: Sha256, start: z.number(), end: z.number() }),
  },
  'storage.evicted': {
    written: 'with its state',
    when: 'retention deletes footage (written before the files go); `kind` is `background` or `sealed`',
    data: z.object({
      reason: z.string(),
      kind: z.enum(['background', 'sealed']),
      bytes: z.number(),
      segments: z.array(
        z.object({
          id: z.string(),
          channel: z.string(),
          file: z.string().optional(),
          start: z.number(),
          end: z.number().optional(),
          bytes: z.number().optional(),
          sha256: Sha256.optional(),
          caseIds: z.array(z.string()).optional(),
          offloadedAt: z.number().optional(),
          offloadTarget: z.string().optional(),
        }),
      ),
    }),
  },
  'storage.ring.shrunk': { written: 'alone', when: 'free space fell below the reserve: the ring keeps only what recording needs', data: RingSettings },
  'storage.ring.restored': { written: 'alone', when: 'free space is back above the reserve', data: RingSettings },
  'offload.confirmed': {
    written: 'with its state',
    when: 'an offload target confirmed it holds segments (`markOffloaded`)',
    data: z.object({
      target: z.string(),
      by: z.string().optional(),
      segments: z.array(z.object({ id: z.string(), sha256: Sha256, bytes: z.number() })),
    }),
  },
  'case.export.started': { written: 'alone', when: 'an export begins, before any evidence is read', data: z.object({ ...Access, out: z.string() }) },
  'case.exported': {
    written: 'alone',
    when: 'an export finished (the manifest SHA-256)',
    data: z.object({ ...Access, out: z.string(), manifestSha256: Sha256, segments: z.number(), continuous: z.number(), keyFingerprint: z.string() }),
  },
  'case.viewed': {
    written: 'alone',
    when: 'a case was shown (`casecam case show`, `casecam case report`)',
    data: z.object({ ...Access, what: z.string().optional() }),
  },
  'case.alarm': {
    written: 'alone',
    when: 'a media or device alarm was raised or cleared while the case recorded (its quality timeline)',
    data: Alarm.extend({ state: z.enum(['raised', 'cleared']) }),
  },
  'case.quality.context': {
    written: 'alone',
    when: 'a case opened: its channels, and whether each burns the watermark and checks media health',
    data: z.object({
      channels: z.array(z.object({ id: z.string(), template: z.string(), watermark: z.boolean(), mediaHealth: z.boolean() })),
      preRecordSeconds: z.number(),
      postRecordSeconds: z.number(),
    }),
  },
  'selfcheck': {
    written: 'alone',
    when: 'the start-of-duty self-check ran (at start, on the `selfcheck` command, or `casecam selfcheck`)',
    data: z.object({ ok: z.boolean(), trigger: z.string(), failed: z.array(z.string()) }),
  },
  'cases.listed': { written: 'alone', when: 'the cases were listed (`casecam case list`)', data: z.object(Access) },
  'device.key.created': { written: 'alone', when: 'no device key existed, one was made', data: z.object({ fingerprint: z.string() }) },
  'device.key.changed': { written: 'alone', when: 'the device key differs from the last start\'s', data: z.object({ previous: z.string(), fingerprint: z.string() }) },
  'device.key.mode.narrowed': {
    written: 'alone',
    when: 'the private key file was open wider than 0600 (or, with `path: keyDir`, the key directory wider than 0700) and was narrowed',
    data: z.object({ path: z.literal('keyDir').optional(), was: z.string(), now: z.string() }),
  },
  'storage.mode.narrowed': {
    written: 'alone',
    when: 'a ring, evidence, background or database directory open to group or others was narrowed to 0700 at start',
    data: z.object({ dir: z.string(), was: z.string(), now: z.string() }),
  },
  'config.changed': {
    written: 'alone',
    when: 'the configuration differs from the last start\'s (its SHA-256 and the config, secrets as fingerprints)',
    data: z.object({ sha256: Sha256, previous: Sha256.optional(), config: z.record(z.string(), z.unknown()) }),
  },
  'store.migrated': { written: 'alone', when: 'a store migration step ran at open', data: z.object({ from: z.number(), to: z.number(), what: z.string() }) },
  'service.started': {
    written: 'alone',
    when: 'the service started (whether the last stop was clean)',
    data: z.object({ deviceId: z.string(), cleanShutdown: z.boolean(), lastStopAt: z.number().optional() }),
  },
  'service.stopped': { written: 'alone', when: 'the service stopped cleanly', data: z.object({ deviceId: z.string() }) },
  recovery: {
    written: 'alone',
    when: 'start-up recovery changed something',
    data: z.object({
      orphansIndexed: z.array(z.string()),
      evictionsFinished: z.array(z.string()),
      partialSegments: z.array(z.string()),
      ringRowsDropped: z.number(),
      ringFilesAdopted: z.number(),
    }),
  },
  'journal.damaged': { written: 'alone', when: 'the journal\'s end was damaged when it was opened', data: z.object({ problems: z.array(z.string()) }) },
  'alarm.raised': { written: 'from the bus', when: 'an alarm was raised', data: Alarm },
  'alarm.cleared': { written: 'from the bus', when: 'an alarm was cleared', data: Alarm },
  'operator.action': {
    written: 'from the bus',
    when: 'a subsystem acted for an operator (a command, a button, a CLI action)',
    data: z.object({
      action: z.string(),
      source: z.string(),
      at: z.number(),
      by: z.string().optional(),
      caseId: z.string().optional(),
      detail: z.record(z.string(), z.unknown()).optional(),
    }),
  },
} as const satisfies Record<string, EntrySpec>;

export type JournalEntryType = keyof typeof JOURNAL_ENTRIES;
/** The `data` of an entry of type K. */
export type JournalData<K extends JournalEntryType> = z.infer<(typeof JOURNAL_ENTRIES)[K]['data']>;
