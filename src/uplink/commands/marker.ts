/** `marker`: inspection, inquiry, evidence registration… on the open case. */
import type { Handler } from './context.js';
import { SOURCE } from './context.js';

export const marker: Handler<'marker'> = async (cmd, ctx) =>
  ctx.sessions.marker({ caseId: cmd.caseId, type: cmd.type, note: cmd.note, by: cmd.by, source: SOURCE });
