/** pino logger: JSON lines, made readable by pino-pretty when stderr is a terminal. */
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(opts: { level?: string; pretty?: boolean; name?: string } = {}): Logger {
  const level = opts.level ?? process.env.CASECAM_LOG_LEVEL ?? 'info';
  const pretty = opts.pretty ?? (process.stderr.isTTY === true && !process.env.CASECAM_LOG_JSON);
  if (pretty) {
    return pino({
      level,
      name: opts.name,
      transport: { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l', singleLine: true } },
    });
  }
  // Synchronous: a line logged right before the process ends (a crash, a hung start ended
  // with SIGKILL) is on stderr, not in a buffer waiting for a thread-pool thread.
  return pino({ level, name: opts.name }, pino.destination({ dest: 2, sync: true }));
}

/** A logger that drops everything: for tests and one-shot CLI commands. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
