/**
 * Values only GStreamer can judge (`fps: "abc"`, a test pattern that does not exist, a
 * property an element lacks) are checked at start, before the service reports started:
 * each channel's rendered pipeline is parsed and brought to PAUSED in a child process
 * (pipeline-check-worker.ts), bounded in time. A failure is a config error naming the
 * channel and, when reverting one configured parameter to the template's default makes
 * it go away, that parameter.
 *
 * Not a config error (logged, the start goes on): a source element that cannot open
 * its device or stream at PAUSED (a missing or busy camera is the dead-camera path:
 * alarm and retries), a failure at PAUSED that no configured parameter explains
 * (hardware encoders busy, …), and a check that crashed or ran out of time.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CasecamError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { CheckReplySchema, type CheckResult } from './pipeline-check-protocol.js';

const WORKER = fileURLToPath(new URL('./pipeline-check-worker.js', import.meta.url));

type Params = Record<string, string | number>;

export interface ChannelToCheck {
  id: string;
  /** Position in `channels` of the config, for the message. */
  index: number;
  /** The parameters the config sets (reverted one at a time to find the culprit). */
  params: Params;
  render: (params: Params, location: string) => string;
}

/** Run descriptions through the check child; undefined when it could not answer in time. */
async function runChecks(descriptions: string[], log: Logger): Promise<CheckResult[] | undefined> {
  const ms = 15_000 + 4_000 * descriptions.length;
  // Each bus poll holds a thread-pool thread until a message arrives: give the child room.
  const child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, UV_THREADPOOL_SIZE: '64' } });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  try {
    return await new Promise<CheckResult[] | undefined>((resolve) => {
      const timer = setTimeout(() => {
        log.warn({ seconds: ms / 1000 }, 'pipeline check did not finish in time; the channels start unchecked');
        resolve(undefined);
      }, ms);
      child.once('message', (raw) => {
        clearTimeout(timer);
        const reply = CheckReplySchema.safeParse(raw);
        resolve(reply.success && reply.data.results.length === descriptions.length ? reply.data.results : undefined);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        log.warn({ code, signal, stderr: stderr.trim().slice(-500) }, 'pipeline check ended early; the channels start unchecked');
        resolve(undefined);
      });
      child.send({ descriptions });
    });
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGKILL');
  }
}

/** The failing element is a source (v4l2src, rtspsrc, alsasrc, …): its device or stream, not the config. */
const isSourceFailure = (r: CheckResult) => !r.ok && r.stage === 'paused' && /(Src|Source)(:[^/]*)?$/.test(r.element?.split('/').pop()?.split(':')[0] ?? '');

export async function checkPipelines(channels: ChannelToCheck[], log: Logger): Promise<void> {
  if (!channels.length) return;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'casecam-pipeline-check-'));
  try {
    const location = (id: string) => path.join(dir, `${id}_check_%05d.mkv`);
    const first = await runChecks(channels.map((c) => c.render(c.params, location(c.id))), log);
    if (!first) return;
    const failed = channels.map((c, i) => ({ c, r: first[i]! })).filter(({ r }) => !r.ok);
    const problems: string[] = [];
    for (const { c, r } of failed) {
      if (r.ok) continue;
      if (isSourceFailure(r)) {
        log.warn({ channel: c.id, element: r.element, error: r.message }, 'channel source not available at start: it will be retried (dead-camera path)');
        continue;
      }
      // Which configured parameter is it? Revert each to the template's default in turn.
      const keys = Object.keys(c.params);
      const variants = keys.map((k) => {
        const rest = Object.fromEntries(Object.entries(c.params).filter(([key]) => key !== k));
        return c.render(rest, location(c.id));
      });
      const second = keys.length ? await runChecks(variants, log) : undefined;
      const culprits = keys.filter((_, i) => second?.[i]?.ok === true);
      const gst = `${r.message}${r.element ? ` (${r.element.split('/').pop()})` : ''}`;
      if (culprits.length) {
        for (const k of culprits) problems.push(`channels[${c.index}].params.${k}: ${JSON.stringify(c.params[k])} (channel ${c.id}) is refused by GStreamer: ${gst}`);
      } else if (r.stage === 'parse') {
        problems.push(`channels[${c.index}] (channel ${c.id}): its pipeline does not parse: ${gst}`);
      } else {
        log.warn({ channel: c.id, element: r.element, error: r.message }, 'channel pipeline failed at PAUSED for a reason no configured parameter explains: it will be retried');
      }
    }
    if (problems.length) throw new CasecamError('bad-config', problems.join('; '));
  } catch (err) {
    if (err instanceof CasecamError) throw err;
    log.warn({ error: errorMessage(err) }, 'pipeline check failed; the channels start unchecked');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
