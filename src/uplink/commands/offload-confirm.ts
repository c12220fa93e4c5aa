/** `offload.confirm` / `offload.reject`: the centre's answer after it checked an uploaded case (docs/offload.md). */
import type { Handler } from './context.js';
import { NotAvailableError } from './context.js';

export const offloadConfirm: Handler<'offload.confirm'> = async (cmd, ctx) => {
  if (!ctx.offload) throw new NotAvailableError('offload is not configured on this device');
  return ctx.offload.confirm({ caseId: cmd.caseId, receipt: cmd.receipt, files: cmd.files });
};

export const offloadReject: Handler<'offload.reject'> = async (cmd, ctx) => {
  if (!ctx.offload) throw new NotAvailableError('offload is not configured on this device');
  return ctx.offload.reject({ caseId: cmd.caseId, problems: cmd.problems });
};
