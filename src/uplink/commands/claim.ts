/** `claim`: file a past interval under a case; only where the evidence store provides it. */
import { CasecamError } from '../../core/errors.js';
import type { Handler } from './context.js';
import { SOURCE } from './context.js';

export const claim: Handler<'claim'> = async (cmd, ctx) => {
  if (!ctx.claim) throw new CasecamError('not-available', 'claim is not available on this device');
  if (cmd.to <= cmd.from) throw new CasecamError('bad-request', '"to" must be after "from"');
  return ctx.claim({ caseId: cmd.caseId, from: cmd.from, to: cmd.to, reason: cmd.reason, source: SOURCE });
};
