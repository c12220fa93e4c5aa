/**
 * What an incident does, from whichever trigger raised it (the MQTT `incident` command,
 * or the incident input on a GPIO line, e.g. a button on a patrol car's console): one
 * place, so both keep the same rules (docs/offload.md, "Incident priority"):
 *
 * - the alarm `kind` (subject `incident`) is raised: live view starts on the kinds
 *   `live.autoStartOn` names, with no person involved (docs/live.md);
 * - the named case opens, or the one open case is marked (a new case opens when none is,
 *   or when several are and none is named), with trigger `incident`;
 * - the case goes to the front of the upload queue, when offload is configured.
 */
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { CaseSessions } from './case-sessions.js';

export interface IncidentRequest {
  kind: string;
  caseId?: string;
  note?: string;
  /** Where it came from: `mqtt`, `gpio`, … */
  source: string;
}

export interface IncidentDeps {
  open: CaseSessions['open'];
  /** IDs of the cases open now. */
  openCaseIds: () => string[];
  bus: Bus;
  clock: Clock;
  /** The uploader (src/offload/), when configured. */
  offload?: { enqueue(caseId: string, incident: boolean): Promise<unknown> };
}

export interface IncidentResult {
  caseId: string;
  created: boolean;
  kind: string;
  upload: 'priority' | 'not-configured';
}

export async function raiseIncident(deps: IncidentDeps, req: IncidentRequest): Promise<IncidentResult> {
  deps.bus.emit('alarm.raised', { kind: req.kind, subject: 'incident', message: req.note ?? req.kind, at: deps.clock.now() });
  const open = deps.openCaseIds();
  // No case named: the one open case gets the incident; with none open, a new case starts.
  const caseId = req.caseId ?? (open.length === 1 ? open[0] : undefined);
  const r = await deps.open({ caseId, trigger: 'incident', source: req.source, note: req.note ? `${req.kind}: ${req.note}` : req.kind });
  if (deps.offload) await deps.offload.enqueue(r.caseId, true);
  return { caseId: r.caseId, created: r.created, kind: req.kind, upload: deps.offload ? 'priority' : 'not-configured' };
}
