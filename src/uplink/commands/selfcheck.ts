/**
 * `selfcheck`: runs the start-of-duty self-check. The reply only says it started; the
 * result follows on the retained `selfcheck` topic and as a `selfcheck.completed` event,
 * since the check watches the channels for several seconds.
 */
import type { Handler } from './context.js';

export const selfcheck: Handler<'selfcheck'> = async (_cmd, ctx) => {
  ctx.bus.emit('selfcheck.requested', { trigger: 'command' });
  return { started: true, resultTopic: 'selfcheck' };
};
