/** What command handlers may touch: the recorder's sessions and state, the bus, the clock. */
import type { Bus } from '../../core/bus.js';
import type { Clock } from '../../core/clock.js';
import type { CaseSessions } from '../../recording/case-sessions.js';
import type { DeviceState } from '../../recording/device-state.js';
import type { Command, CommandAction } from '../payloads.js';

export interface ClaimRequest {
  caseId: string;
  from: number;
  to: number;
  reason?: string;
  source: string;
  /** Kind of a case the claim creates (e.g. `footage-request`). */
  kind?: string;
}

/**
 * Files a past interval under a case (implemented by the evidence store). Resolves with
 * a JSON-able summary; rejects with a CasecamError whose code names the failure.
 */
export type ClaimHandler = (req: ClaimRequest) => Promise<unknown>;

/** The uploader's side of the offload commands (src/offload/), when offload is configured. */
export interface OffloadCommands {
  enqueue(caseId: string, incident: boolean): Promise<unknown>;
  /** The longest interval one `footage.upload` may ask for. */
  readonly footageMaxSeconds: number;
  confirm(req: { caseId: string; receipt?: string; files: Array<{ file: string; sha256: string }> }): Promise<unknown>;
  reject(req: { caseId: string; problems: Array<{ file?: string; reason: string }> }): Promise<unknown>;
  /** The queue for the health report. */
  health(): Promise<{ cases: number; bytes: number; incidents: number; oldestQueuedAt: number | null; awaitingConfirmation: number; bytesPerSecond: number }>;
}

/** Live view (src/live/live-controller.ts); both calls throw a CasecamError on bad input. */
export interface LiveControl {
  startLive(req: { channel?: string; url?: string; durationSeconds?: number; reason: string }): unknown;
  stopLive(req: { channel?: string }): unknown;
}

export interface CommandContext {
  sessions: Pick<CaseSessions, 'open' | 'marker' | 'close'>;
  state: () => DeviceState;
  bus: Bus;
  clock: Clock;
  claim?: ClaimHandler;
  offload?: OffloadCommands;
  live?: LiveControl;
}

export type Handler<A extends CommandAction> = (cmd: Extract<Command, { action: A }>, ctx: CommandContext) => Promise<unknown>;
export type HandlerTable = { [A in CommandAction]: Handler<A> };

/** Every command arrives from the fleet platform or the counter system over MQTT. */
export const SOURCE = 'mqtt';

/** The device lacks what the command needs (e.g. no evidence-store claim handler). */
