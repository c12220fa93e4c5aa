/**
 * What the device is doing, as the retained `state` topic and the watermark show it:
 * whether a case is recording, which, since when and by which trigger, and each channel's
 * health. Derived on demand from the case sessions and the channel supervisors, never stored.
 */
import type { CaseRecord } from '../store/records.js';

/** A live stream as the retained state shows it (URL without credentials). */
export interface LiveStream {
  channel: string;
  url: string;
  since: number;
  until: number;
}

export interface DeviceState {
  recording: boolean;
  caseId: string | null;
  caseIds: string[];
  since: number | null;
  trigger: string | null;
  officerId: string | null;
  channels: Array<{ id: string; ok: boolean; fps: number }>;
  preRecordSeconds: number;
  live: LiveStream[];
}

export function deviceState(deps: {
  openCases: () => CaseRecord[];
  channels: ReadonlyArray<{ channel: string; ok: boolean; fps: number }>;
  officerId: string | undefined;
  preRecordSeconds: number;
  live: () => LiveStream[];
}): DeviceState {
  const open = deps.openCases();
  const first = open[0];
  return {
    recording: open.length > 0,
    caseId: first?.id ?? null,
    caseIds: open.map((c) => c.id),
    since: first?.openTrigger.at ?? null,
    trigger: first?.openTrigger.type ?? null,
    officerId: first?.officerIds[0] ?? deps.officerId ?? null,
    channels: deps.channels.map((s) => ({ id: s.channel, ok: s.ok, fps: s.fps })),
    preRecordSeconds: deps.preRecordSeconds,
    live: deps.live(),
  };
}
