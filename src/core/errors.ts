/**
 * The one error type: a `CasecamError` with a stable `code`, so replies (MQTT, CLI) and
 * callers name the failure without parsing messages or testing classes. Everything
 * that fails on purpose throws one; anything else reaching a boundary is `internal`.
 */
export type ErrorCode =
  // Input: configuration, case IDs, requests, CLI usage.
  | 'bad-config'
  | 'bad-case-id'
  | 'bad-request'
  | 'usage'
  // Commands as they arrive over MQTT (codes of the published reply contract).
  | 'bad-json'
  | 'bad-utf8'
  | 'too-large'
  | 'unknown-action'
  | 'invalid-field'
  | 'not-available'
  // Case rules.
  | 'no-open-case'
  | 'case-not-found'
  | 'reason-required'
  // The parts underneath.
  | 'storage'
  | 'pipeline'
  | 'bad-bundle'
  /** The broker answered a publish with a refusal (e.g. not authorised): sending it again would loop. */
  | 'refused-by-broker';

export class CasecamError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CasecamError';
  }
}

/** A CasecamError, or (with `code`) one with that code. */
export function isCasecamError<C extends ErrorCode>(err: unknown, code?: C): err is CasecamError<C> {
  return err instanceof CasecamError && (code === undefined || err.code === code);
}

/** The CLI's exit status for an error: 2 for a usage mistake, 1 for anything else. */
export function exitStatus(err: unknown): 1 | 2 {
  return isCasecamError(err, 'usage') ? 2 : 1;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
