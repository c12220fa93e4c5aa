/**
 * Turns one raw `cmd` message into exactly one reply.
 *
 * Invariants:
 * - Every message gets one reply, whatever it holds: broken UTF-8, broken JSON,
 *   unknown action, invalid field, or a handler that fails. Nothing thrown here
 *   escapes to the connection.
 * - A retained command (replayed by the broker on every subscribe, or delivered live with
 *   its retain flag kept over MQTT 5) is refused, never run.
 * - A command whose MQTT 5 response topic the device may not answer on is refused,
 *   never run (the uplink decides which topics are allowed and says why).
 * - A repeated requestId is answered again with the first reply (marked `repeated`)
 *   and not executed twice; a repeat that arrives while the first is still running
 *   waits for the same result. The memory of request IDs is bounded (oldest forgotten).
 */
import { z } from 'zod';
import { CasecamError, isCasecamError, errorMessage, type ErrorCode } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { formatIssues } from '../../config/load.js';
import { COMMAND_ACTIONS, CommandSchema, RequestIdSchema, type Command, type Reply, ReplyErrorCodeSchema, type ReplyErrorCode } from '../payloads.js';
import type { CommandContext, HandlerTable, Handler } from './context.js';
import { openCase } from './open-case.js';
import { documentsServed } from './documents-served.js';
import { recordStop } from './record-stop.js';
import { marker } from './marker.js';
import { alarm } from './alarm.js';
import { claim } from './claim.js';
import { stateGet } from './state-get.js';
import { incident } from './incident.js';
import { offloadConfirm, offloadReject } from './offload-confirm.js';
import { footageUpload } from './footage-upload.js';
import { selfcheck } from './selfcheck.js';
import { liveStart, liveStop } from './live.js';

export const MAX_COMMAND_BYTES = 16 * 1024;
const REMEMBERED_REQUESTS = 2000;

const handlers: HandlerTable = {
  'application.accepted': openCase,
  'investigation.started': openCase,
  'documents.served': documentsServed,
  marker,
  'record.stop': recordStop,
  alarm,
  claim,
  'state.get': stateGet,
  incident,
  'footage.upload': footageUpload,
  'offload.confirm': offloadConfirm,
  'offload.reject': offloadReject,
  selfcheck,
  'live.start': liveStart,
  'live.stop': liveStop,
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Every reply code but `internal` (which stands for anything unexpected). */
const REPLY_CODES: readonly string[] = ReplyErrorCodeSchema.options.filter((c) => c !== 'internal');
// Every reply code but `internal` is an ErrorCode, so a handler can throw it (checked by tsc).
const _replyCodesAreErrorCodes: Exclude<ReplyErrorCode, 'internal'> extends ErrorCode ? true : never = true;

export class CommandDispatcher {
  private readonly seen = new Map<string, Promise<Reply>>();

  constructor(
    private readonly ctx: CommandContext,
    private readonly log: Logger,
  ) {}

  /**
   * `retained`: the message carried the retain flag (an old command replayed on subscribe,
   * or one published retained). `refuseResponseTopic`: why its response topic is refused.
   */
  async handle(payload: Buffer, opts: { retained?: boolean; refuseResponseTopic?: string } = {}): Promise<Reply> {
    let requestId: string | null = null;
    let action: string | null = null;
    try {
      const raw = this.decode(payload);
      requestId = pickRequestId(raw);
      action = pickAction(raw);
      if (requestId === null) {
        const r = RequestIdSchema.safeParse((raw as { requestId?: unknown }).requestId);
        throw new CasecamError('invalid-field', r.success ? 'requestId is missing' : formatIssues(r.error, 'requestId'));
      }
      if (opts.retained) {
        throw new CasecamError('bad-request', 'a retained command is not executed: it would run again on every reconnect; publish commands without retain');
      }
      if (opts.refuseResponseTopic !== undefined) throw new CasecamError('bad-request', opts.refuseResponseTopic);
      const earlier = this.seen.get(requestId);
      if (earlier) return { ...(await earlier), repeated: true, ts: this.ctx.clock.now() };
      const run = this.execute(raw, requestId, action);
      this.remember(requestId, run);
      return await run;
    } catch (err) {
      return this.failure(requestId, action, err);
    }
  }

  private decode(payload: Buffer): unknown {
    if (payload.length > MAX_COMMAND_BYTES) throw new CasecamError('too-large', `command is ${payload.length} bytes; the limit is ${MAX_COMMAND_BYTES}`);
    let text: string;
    try {
      text = utf8.decode(payload);
    } catch {
      throw new CasecamError('bad-utf8', 'command is not valid UTF-8');
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new CasecamError('bad-json', `command is not JSON: ${errorMessage(err)}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CasecamError('bad-json', 'command must be a JSON object');
    return raw;
  }

  private async execute(raw: unknown, requestId: string, action: string | null): Promise<Reply> {
    try {
      const cmd = this.validate(raw, action);
      const handler = handlers[cmd.action] as Handler<typeof cmd.action>;
      const result = await handler(cmd, this.ctx);
      return { requestId, ok: true, action: cmd.action, result: result ?? null, ts: this.ctx.clock.now() };
    } catch (err) {
      return this.failure(requestId, action, err);
    }
  }

  private validate(raw: unknown, action: string | null): Command {
    if (action === null || !(COMMAND_ACTIONS as string[]).includes(action)) {
      throw new CasecamError('unknown-action', `unknown action ${JSON.stringify((raw as { action?: unknown }).action ?? null).slice(0, 80)}; known: ${COMMAND_ACTIONS.join(', ')}`);
    }
    const parsed = CommandSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    throw fieldRefusal(parsed.error, action);
  }

  private failure(requestId: string | null, action: string | null, err: unknown): Reply {
    let code: ReplyErrorCode = 'internal';
    if (isCasecamError(err) && REPLY_CODES.includes(err.code)) code = err.code as ReplyErrorCode;
    if (code === 'internal') this.log.error({ err, requestId, action }, 'command failed');
    const message = errorMessage(err).slice(0, 500);
    return { requestId, ok: false, action, error: { code, message }, ts: this.ctx.clock.now() };
  }

  private remember(requestId: string, reply: Promise<Reply>): void {
    this.seen.set(requestId, reply);
    if (this.seen.size > REMEMBERED_REQUESTS) this.seen.delete(this.seen.keys().next().value!);
  }
}

/** A case ID, a missing reason and other fields are named by the code the fleet expects. */
function fieldRefusal(error: z.ZodError, action: string): CasecamError {
  const first = error.issues[0];
  const field = first?.path[0];
  if (field === 'caseId') return new CasecamError('bad-case-id', formatIssues(error, action));
  if (field === 'reason' && action === 'record.stop') return new CasecamError('reason-required', `stopping a recording early needs a reason (${formatIssues(error, action)})`);
  return new CasecamError('invalid-field', formatIssues(error, action));
}

function pickRequestId(raw: unknown): string | null {
  const id = (raw as { requestId?: unknown }).requestId;
  return RequestIdSchema.safeParse(id).success ? (id as string) : null;
}

function pickAction(raw: unknown): string | null {
  const a = (raw as { action?: unknown }).action;
  return typeof a === 'string' ? a.slice(0, 64) : null;
}
