/**
 * Supervises one channel's media worker. A worker that exits without being asked to
 * (crash, kill -9, pipeline error, stall) is restarted with capped exponential
 * backoff; the interval with no media becomes a `recording.gap` with its cause, and a
 * `video.lost` alarm is raised until media flows again.
 *
 * Invariant: every segment the worker opened is reported closed exactly once, even
 * when the worker dies mid-segment (then it is marked partial, ending at the file's
 * last write).
 */
import { wallTime } from './wall-time.js';
import { fork } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Bus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { FromWorkerSchema, type ToWorker } from './worker-protocol.js';
import { parseSegmentFileName, type RingSegment } from '../core/segment.js';
import { pidFilePath, removePidFile, writePidFile } from './worker-pidfile.js';
import { WORKER_EXEC_ARGV, threadPoolFor } from './worker-exec-argv.js';
import { workerEnv } from './parent-watch.js';
import type { WorkerHandle } from './worker-handle.js';

export interface SupervisorSettings {
  restartInitialMs: number;
  restartMaxMs: number;
  stallSeconds: number;
}

export interface ChannelSupervisorDeps {
  channel: string;
  fps: number;
  ringDir: string;
  /** Builds the pipeline description for a run, given its splitmuxsink location pattern. */
  buildPipeline: (location: string) => string;
  workerPath: string;
  /** Runs the channel in a shared worker process instead of forking `workerPath` (media/shared-worker.ts). */
  launch?: () => WorkerHandle;
  settings: SupervisorSettings;
  bus: Bus;
  clock: Clock;
  log: Logger;
  /** End of the last media recorded before this process started, and why it stopped. */
  resumeFrom?: { at: number; cause: string };
}

/** A worker that has produced media this long is healthy again: backoff resets. */
const HEALTHY_AFTER_MS = 30_000;

export class ChannelSupervisor {
  private child: WorkerHandle | undefined;
  private stopping = false;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private wallBase: number | undefined;
  private current: RingSegment | undefined;
  private runId = '';
  private runStartedAt = 0;
  private lastError: string | undefined;
  private pendingGap: { from: number; cause: string } | undefined;
  private lastEnd: number | undefined;
  private exited: Promise<void> = Promise.resolve();
  private alarmRaised = false;
  private osdText: string | undefined;
  private osdSent = false;
  ok = false;
  restarts = 0;

  constructor(private readonly deps: ChannelSupervisorDeps) {
    if (deps.resumeFrom) this.pendingGap = { from: deps.resumeFrom.at, cause: deps.resumeFrom.cause };
  }

  get channel(): string {
    return this.deps.channel;
  }

  get fps(): number {
    return this.ok ? this.deps.fps : 0;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.stopping = false;
    this.spawn();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    this.send({ type: 'stop' });
    const killer = setTimeout(() => child.kill('SIGKILL'), 6000);
    await this.exited;
    clearTimeout(killer);
  }

  /**
   * The watermark text (the overlay draws the time itself). Sent only when it changes,
   * and again to every new worker: each set makes the overlay lay the text out anew.
   */
  setOsd(text: string): void {
    if (text === this.osdText && this.osdSent) return;
    this.osdText = text;
    this.osdSent = this.child?.connected === true;
    this.send({ type: 'osd', text });
  }

  /** Set a property of a named element of the running pipeline (test sources made to misbehave). */
  setProperty(element: string, property: string, value: number | boolean): void {
    this.send({ type: 'set', element, property, value });
  }

  /** Open this channel's live branch towards a receiver (see src/live/live-controller.ts). False when no worker runs. */
  startLive(req: Omit<Extract<ToWorker, { type: 'live-start' }>, 'type'>): boolean {
    if (!this.child?.connected) return false;
    this.send({ type: 'live-start', ...req });
    return true;
  }

  stopLive(): void {
    this.send({ type: 'live-stop' });
  }

  private send(msg: ToWorker): void {
    const child = this.child;
    if (child?.connected) child.send(msg, (err) => err && this.deps.log.debug({ err }, 'worker send failed'));
  }

  private spawn(): void {
    const { deps } = this;
    // Run IDs are epoch ms and part of every segment name, so names never collide across runs.
    let runId = deps.clock.now();
    if (String(runId) <= this.runId) runId = Number(this.runId) + 1;
    this.runId = String(runId);
    this.runStartedAt = deps.clock.now();
    this.wallBase = undefined;
    this.lastError = undefined;
    const location = path.join(deps.ringDir, `${deps.channel}_${this.runId}_%05d.mkv`);
    let pipeline: string;
    try {
      pipeline = deps.buildPipeline(location);
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.onExit(null, null);
      return;
    }
    const child = deps.launch?.() ?? fork(deps.workerPath, [], { execArgv: WORKER_EXEC_ARGV, env: workerEnv({ UV_THREADPOOL_SIZE: threadPoolFor(1) }), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    // So the next start finds this worker if the service dies without stopping it.
    const pidFile = pidFilePath(deps.ringDir, deps.channel);
    if (child.pid !== undefined) {
      try {
        writePidFile(pidFile, child.pid);
      } catch (err) {
        deps.log.warn({ err, channel: deps.channel }, 'cannot write the media worker pidfile');
      }
    }
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        removePidFile(pidFile, child.pid);
        this.onExit(code, signal);
        resolve();
      });
    });
    child.on('error', (err) => deps.log.error({ err, channel: deps.channel }, 'media worker process error'));
    child.on('message', (raw) => this.onMessage(raw));
    this.send({ type: 'start', channel: deps.channel, pipeline, stallSeconds: deps.settings.stallSeconds });
    this.osdSent = false;
    if (this.osdText !== undefined) this.setOsd(this.osdText);
    deps.log.info({ channel: deps.channel, workerPid: child.pid, runId: this.runId }, 'media worker started');
  }

  private onMessage(raw: unknown): void {
    const parsed = FromWorkerSchema.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    const { deps } = this;
    switch (msg.type) {
      case 'playing':
        this.wallBase = msg.wallBase;
        break;
      case 'segment-opened': {
        const name = parseSegmentFileName(path.basename(msg.file));
        if (!name) return;
        const base = this.wallBase ?? deps.clock.now();
        const seg: RingSegment = {
          id: name.id,
          channel: deps.channel,
          runId: name.runId,
          index: name.index,
          file: msg.file,
          start: wallTime(base, msg.runningNs, deps.clock.now()),
          runningStartNs: msg.runningNs,
        };
        this.current = seg;
        if (this.pendingGap) {
          const gap = { channel: deps.channel, from: this.pendingGap.from, to: seg.start, cause: this.pendingGap.cause };
          this.pendingGap = undefined;
          deps.bus.emit('recording.gap', gap);
        }
        if (!this.ok) {
          this.ok = true;
          deps.bus.emit('channel.state', { channel: deps.channel, ok: true, fps: deps.fps });
        }
        if (this.alarmRaised) {
          this.alarmRaised = false;
          deps.bus.emit('alarm.cleared', { kind: 'video.lost', subject: deps.channel, message: 'media flowing again', at: deps.clock.now() });
        }
        if (deps.clock.now() - this.runStartedAt > HEALTHY_AFTER_MS) this.failures = 0;
        deps.bus.emit('segment.opened', { ...seg });
        break;
      }
      case 'segment-closed': {
        const seg = this.current;
        if (!seg || seg.file !== msg.file) return;
        seg.end = Math.max(seg.start, wallTime(this.wallBase ?? deps.clock.now(), msg.runningNs, deps.clock.now()));
        seg.runningEndNs = msg.runningNs;
        this.current = undefined;
        this.lastEnd = seg.end;
        deps.bus.emit('segment.closed', seg);
        break;
      }
      case 'error':
        this.lastError = msg.message;
        deps.log.error({ channel: deps.channel, error: msg.message, element: msg.element }, 'pipeline error');
        break;
      case 'warning':
        deps.log.warn({ channel: deps.channel, warning: msg.message }, 'pipeline warning');
        break;
      case 'health':
        deps.bus.emit('media.health', { channel: deps.channel, at: deps.clock.now(), video: msg.video, audio: msg.audio });
        break;
      case 'eos':
        break;
      case 'live-playing':
        deps.bus.emit('live.worker', { channel: deps.channel, kind: 'playing' });
        break;
      case 'live-bytes':
        deps.bus.emit('live.worker', { channel: deps.channel, kind: 'bytes', bytes: msg.bytes });
        break;
      case 'live-ended':
        deps.bus.emit('live.worker', { channel: deps.channel, kind: 'ended', bytes: msg.bytes, error: msg.error });
        break;
    }
  }

  /** Close the segment a dead worker left open: it ends at the file's last write. */
  private closeOrphan(): void {
    const seg = this.current;
    this.current = undefined;
    if (!seg) return;
    try {
      const st = statSync(seg.file);
      if (st.size === 0) return;
      seg.end = Math.max(seg.start, Math.round(st.mtimeMs));
    } catch {
      return;
    }
    seg.partial = true;
    this.lastEnd = seg.end;
    this.deps.bus.emit('segment.closed', seg);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const { deps } = this;
    this.child = undefined;
    this.closeOrphan();
    if (this.stopping) {
      this.ok = false;
      return;
    }
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    const cause = `media worker ${how}${this.lastError ? `: ${this.lastError}` : ''}`;
    if (!this.pendingGap) this.pendingGap = { from: this.lastEnd ?? deps.clock.now(), cause };
    if (this.ok) {
      this.ok = false;
      deps.bus.emit('channel.state', { channel: deps.channel, ok: false, fps: 0 });
    }
    if (!this.alarmRaised) {
      this.alarmRaised = true;
      deps.bus.emit('alarm.raised', { kind: 'video.lost', subject: deps.channel, message: cause, at: deps.clock.now() });
    }
    const delay = Math.min(deps.settings.restartMaxMs, deps.settings.restartInitialMs * 2 ** this.failures);
    this.failures++;
    this.restarts++;
    deps.log.warn({ channel: deps.channel, cause, restartInMs: delay }, 'media worker stopped; restarting');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopping) this.spawn();
    }, delay);
  }
}
