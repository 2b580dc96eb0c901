export { cutoffFor } from './cutoff.js';
export { DISPOSALS, type Disposal } from './disposals.js';
export {
  applyLifecycle, DEFAULT_LIFECYCLE_BATCH, findDue,
  type ApplyOptions, type CategoryResult, type DueCategory, type LifecycleBatch, type LifecycleProgress,
} from './run-lifecycle.js';
