/**
 * `incident` (violent resistance, emergency, …): raises an alarm, opens the case or
 * marks the open one, and puts the case at the front of the upload queue, so its
 * segments go to the centre as they are sealed.
 */
import type { Handler } from './context.js';
import { SOURCE } from './context.js';

export const incident: Handler<'incident'> = async (cmd, ctx) => {
  ctx.bus.emit('alarm.raised', { kind: cmd.kind, subject: 'incident', message: cmd.note ?? cmd.kind, at: ctx.clock.now() });
  const open = ctx.state().caseIds;
  // No case named: the one open case gets the incident; with none open, a new case starts.
  const caseId = cmd.caseId ?? (open.length === 1 ? open[0] : undefined);
  const r = await ctx.sessions.open({ caseId, trigger: 'incident', source: SOURCE, note: cmd.note ? `${cmd.kind}: ${cmd.note}` : cmd.kind });
  if (ctx.offload) await ctx.offload.enqueue(r.caseId, true);
  return { caseId: r.caseId, created: r.created, kind: cmd.kind, upload: ctx.offload ? 'priority' : 'not-configured' };
};
