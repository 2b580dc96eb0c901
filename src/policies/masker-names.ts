/**
 * The masker names a policy may give as `masker:` and each `@pii` category's default, taken from
 * the masker implementations so there is one list.
 */
import { DEFAULT_MASKER, isMaskerName, MASKERS, type MaskerName } from './maskers/index.js';

export { DEFAULT_MASKER, isMaskerName, type MaskerName };

export const MASKER_NAMES = Object.keys(MASKERS) as readonly MaskerName[];
