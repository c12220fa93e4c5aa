/** `record.stop`: ending a recording early is an exception and must carry a reason (the schema and the sessions both insist). */
import type { Handler } from './context.js';
import { SOURCE } from './context.js';

export const recordStop: Handler<'record.stop'> = async (cmd, ctx) =>
  ctx.sessions.close({ caseId: cmd.caseId, trigger: 'record.stop', source: SOURCE, reason: cmd.reason, by: cmd.by });
