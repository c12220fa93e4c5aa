/**
 * `footage.upload` (footage on request, as JT/T 1078 0x9205/0x9206): files the interval
 * [from, to) from the ring or background footage as a claimed case of kind
 * `footage-request` and queues it for upload. The reply says what was filed and which
 * parts were already gone. Refused with a clear reason: an interval in the future,
 * reversed, longer than `offload.footageMaxSeconds`, or naming a channel this device
 * does not have.
 */
import { CasecamError } from '../../core/errors.js';
import type { Handler } from './context.js';
import { SOURCE } from './context.js';

const compact = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

export const footageUpload: Handler<'footage.upload'> = async (cmd, ctx) => {
  if (!ctx.offload) throw new CasecamError('not-available', 'offload is not configured on this device');
  if (!ctx.claim) throw new CasecamError('not-available', 'footage on request needs the evidence store\'s claims');
  const now = ctx.clock.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  if (cmd.to <= cmd.from) throw new CasecamError('bad-request', `"to" (${iso(cmd.to)}) must be after "from" (${iso(cmd.from)})`);
  if (cmd.to > now) throw new CasecamError('bad-request', `the interval ends in the future (${iso(cmd.to)}; now ${iso(now)})`);
  const seconds = (cmd.to - cmd.from) / 1000;
  if (seconds > ctx.offload.footageMaxSeconds) throw new CasecamError('bad-request', `the interval is ${seconds} s; at most ${ctx.offload.footageMaxSeconds} s per request`);
  const channels = ctx.state().channels.map((c) => c.id);
  if (cmd.channel !== undefined && !channels.includes(cmd.channel)) throw new CasecamError('bad-request', `unknown channel "${cmd.channel}"; this device has ${channels.join(', ')}`);
  const caseId = `footage-${compact(cmd.from)}-${compact(cmd.to)}`;
  const r = (await ctx.claim({ caseId, from: cmd.from, to: cmd.to, reason: cmd.reason, source: SOURCE, kind: 'footage-request' })) as {
    segments: number;
    missing: Array<{ channel: string; from: number; to: number }>;
  };
  await ctx.offload.enqueue(caseId, false);
  const missing = r.missing.filter((m) => cmd.channel === undefined || m.channel === cmd.channel).map((m) => ({ channel: m.channel, from: iso(m.from), to: iso(m.to) }));
  return { caseId, segments: r.segments, gone: missing, upload: 'queued' };
};
