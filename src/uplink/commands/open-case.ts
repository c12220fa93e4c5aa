/** `application.accepted` / `investigation.started`: open a case (or mark it, if it is already open). */
import type { Command } from '../payloads.js';
import type { CommandContext } from './context.js';
import { SOURCE } from './context.js';

type OpenCommand = Extract<Command, { action: 'application.accepted' | 'investigation.started' }>;

export const openCase = async (cmd: OpenCommand, ctx: CommandContext): Promise<unknown> => {
  const { caseId, created } = await ctx.sessions.open({ caseId: cmd.caseId, trigger: cmd.action, source: SOURCE, officerId: cmd.officerId });
  return { caseId, created };
};
