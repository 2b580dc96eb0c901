/**
 * Compiles `rotation:` (keys.policy.yaml) after the schema passed: declared at most once across the
 * directory, with a default of 90 days when no file declares it. Problems carry file:line.
 */
import type { Problem } from '../errors.js';
import type { KeyPolicy } from '../model.js';
import { locate, type ParsedFile } from './yaml-source.js';

export const DEFAULT_ROTATION_MAX_AGE_DAYS = 90;

export function compileKeyPolicy(files: readonly ParsedFile[], problems: Problem[]): KeyPolicy {
  let rotationMaxAgeDays = DEFAULT_ROTATION_MAX_AGE_DAYS;
  let first: string | null = null;
  for (const file of files) {
    const rotation = (file.data as { rotation?: { maxAgeDays: number } }).rotation;
    if (rotation === undefined) continue;
    if (first) problems.push({ loc: locate(file, ['rotation'], 'key'), message: `"rotation:" is declared twice (first in ${first}): keep one` });
    first ??= file.source.path;
    rotationMaxAgeDays = rotation.maxAgeDays;
  }
  return { rotationMaxAgeDays };
}
