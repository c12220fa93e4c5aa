/** `offload.confirm` / `offload.reject`: the centre's answer after it checked an uploaded case (docs/offload.md). */
import type { Handler } from './context.js';
import { CasecamError } from '../../core/errors.js';

export const offloadConfirm: Handler<'offload.confirm'> = async (cmd, ctx) => {
  if (!ctx.offload) throw new CasecamError('not-available', 'offload is not configured on this device');
  return ctx.offload.confirm({ caseId: cmd.caseId, receipt: cmd.receipt, files: cmd.files });
};

export const offloadReject: Handler<'offload.reject'> = async (cmd, ctx) => {
  if (!ctx.offload) throw new CasecamError('not-available', 'offload is not configured on this device');
  return ctx.offload.reject({ caseId: cmd.caseId, problems: cmd.problems });
};
