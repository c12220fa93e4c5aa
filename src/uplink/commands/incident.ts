/**
 * `incident` (violent resistance, emergency, …): raises an alarm, opens the case or
 * marks the open one, and puts the case at the front of the upload queue, so its
 * segments go to the centre as they are sealed. The rules are src/recording/incident.ts,
 * shared with the GPIO incident input.
 */
import type { Handler } from './context.js';
import { SOURCE } from './context.js';
import { raiseIncident } from '../../recording/incident.js';

export const incident: Handler<'incident'> = (cmd, ctx) =>
  raiseIncident(
    { open: (req) => ctx.sessions.open(req), openCaseIds: () => ctx.state().caseIds, bus: ctx.bus, clock: ctx.clock, offload: ctx.offload },
    { kind: cmd.kind, caseId: cmd.caseId, note: cmd.note, source: SOURCE },
  );
