/** `alarm`: an operator alarm (violent resistance, emergency) raised or cleared from the platform. */
import type { Handler } from './context.js';

export const alarm: Handler<'alarm'> = async (cmd, ctx) => {
  const event = { kind: cmd.kind, subject: 'operator', message: cmd.message ?? cmd.kind, at: ctx.clock.now() };
  ctx.bus.emit(cmd.clear ? 'alarm.cleared' : 'alarm.raised', event);
  return { kind: cmd.kind, active: !cmd.clear };
};
