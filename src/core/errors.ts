/**
 * Typed errors. Each carries a stable `code` so replies (MQTT, CLI) can name the
 * failure without parsing messages.
 */
export type ErrorCode =
  | 'bad-config'
  | 'bad-case-id'
  | 'bad-request'
  | 'no-open-case'
  | 'case-not-found'
  | 'reason-required'
  | 'storage'
  | 'pipeline'
  | 'bad-bundle'
  | 'usage';

export class CasecamError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CasecamError';
  }
}

export function isCasecamError(err: unknown): err is CasecamError {
  return err instanceof CasecamError;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
