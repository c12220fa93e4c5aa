/** `documents.served`: the regular end of a counter case. */
import type { Handler } from './context.js';
import { SOURCE } from './context.js';

export const documentsServed: Handler<'documents.served'> = async (cmd, ctx) =>
  ctx.sessions.close({ caseId: cmd.caseId, trigger: 'documents.served', source: SOURCE, documents: cmd.documents, by: cmd.by });
