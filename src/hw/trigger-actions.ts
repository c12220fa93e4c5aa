/**
 * What a counter trigger does to the case sessions. One place for the button and
 * the scanner, so both keep the same rules:
 *
 * - button, short press: opens a case (ID generated) when none is open, else adds a
 *   marker to the open case;
 * - button, long press: closes the open case as documents served;
 * - scan with no case open: opens a case with the scanned ID;
 * - scan of the open case's own ID: a marker; scan of any other code: that code is
 *   the served document's number and closes the case.
 *
 * A refusal (bad case ID, no case open, several open) is returned as a result, never
 * thrown at the hardware loop: input must not stop the service.
 */
import type { CaseSessions } from '../recording/case-sessions.js';
import type { Logger } from '../core/logger.js';
import { errorMessage, isCasecamError } from '../core/errors.js';

export type TriggerSessions = Pick<CaseSessions, 'open' | 'marker' | 'close' | 'openCases'>;

export type TriggerAction = 'open' | 'marker' | 'close' | 'auto';

export interface TriggerOutcome {
  ok: boolean;
  action: 'open' | 'marker' | 'close' | 'none';
  caseId?: string;
  error?: string;
  code?: string;
}

export class TriggerActions {
  constructor(
    private readonly sessions: TriggerSessions,
    private readonly log: Logger,
    private readonly officerId?: () => string | undefined,
  ) {}

  async button(press: 'short' | 'long'): Promise<TriggerOutcome> {
    if (press === 'long') return this.run('close', undefined, 'button');
    return this.run(this.sessions.openCases().length ? 'marker' : 'open', undefined, 'button');
  }

  /** A scanned code; `action` from a configured pattern overrides the default rules. */
  async scan(code: string, action: TriggerAction = 'auto'): Promise<TriggerOutcome> {
    if (action !== 'auto') return this.run(action, code, 'scanner');
    const open = this.sessions.openCases();
    if (open.length === 0) return this.run('open', code, 'scanner');
    if (open.some((c) => c.id === code)) return this.run('marker', code, 'scanner');
    return this.run('close', code, 'scanner');
  }

  private async run(action: 'open' | 'marker' | 'close', code: string | undefined, source: string): Promise<TriggerOutcome> {
    const s = this.sessions;
    try {
      if (action === 'open') {
        const r = await s.open({ caseId: code, trigger: 'application.accepted', source, officerId: this.officerId?.() });
        return { ok: true, action: r.created ? 'open' : 'marker', caseId: r.caseId };
      }
      if (action === 'marker') {
        // A scan of an open case's ID marks that case; a bare marker goes to the only open case.
        const target = code !== undefined && s.openCases().some((c) => c.id === code) ? code : undefined;
        const r = await s.marker({ caseId: target, type: 'marker', note: code !== undefined && !target ? `scanned ${code}` : undefined, source });
        return { ok: true, action: 'marker', caseId: r.caseId };
      }
      const r = await s.close({ trigger: 'documents.served', source, documents: code !== undefined ? [code] : undefined });
      return { ok: true, action: 'close', caseId: r.caseId };
    } catch (err) {
      const out: TriggerOutcome = { ok: false, action: 'none', error: errorMessage(err), code: isCasecamError(err) ? err.code : undefined };
      this.log.warn({ source, action, scanned: code, error: out.error }, 'trigger refused');
      return out;
    }
  }
}
