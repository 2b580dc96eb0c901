/**
 * The servers' structured log: pino, JSON lines on stdout, level from LOG_LEVEL. Request lines carry
 * ids, names, outcomes and durations only; never variables, response data or credentials.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return pino({
    // Under vitest the request lines would bury the test report; LOG_LEVEL still turns them on.
    level: env.LOG_LEVEL ?? (env.VITEST ? 'silent' : 'info'),
    base: { service: 'koe' },
    // Belt and braces: should a header ever be logged, the credential is not.
    redact: ['req.headers.authorization', 'authorization'],
  });
}

/** Tests and benchmarks: nothing written. */
export const silentLogger: Logger = pino({ level: 'silent' });
