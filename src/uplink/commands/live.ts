/** `live.start` / `live.stop`: remote live view of one channel or the configured ones (docs/live.md). */
import type { Handler } from './context.js';
import { NotAvailableError } from './context.js';

export const liveStart: Handler<'live.start'> = async (cmd, ctx) => {
  if (!ctx.live) throw new NotAvailableError('live view is not available on this device');
  return { streams: ctx.live.startLive({ channel: cmd.channel, url: cmd.url, durationSeconds: cmd.durationSeconds, reason: 'command' }) };
};

export const liveStop: Handler<'live.stop'> = async (cmd, ctx) => {
  if (!ctx.live) throw new NotAvailableError('live view is not available on this device');
  return { stopped: ctx.live.stopLive({ channel: cmd.channel }) };
};
