/**
 * The servers' structured log: pino, JSON lines on stdout, level from LOG_LEVEL. Request lines carry
 * ids, names, outcomes and durations only; never variables, response data or credentials.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** `level`: the configuration's (LOG_LEVEL; under vitest `silent`, as request lines would bury the report). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'koe' },
    // Belt and braces: should a header ever be logged, the credential is not.
    redact: ['req.headers.authorization', 'authorization'],
  });
}

/** Tests and benchmarks: nothing written. */
export const silentLogger: Logger = pino({ level: 'silent' });
