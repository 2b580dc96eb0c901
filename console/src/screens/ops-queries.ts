/** The queries of the Keys screen and the Overview's attention items (one document each, shared). */
export interface KeyStatus {
  active: number | null;
  maxAgeDays: number;
  rotationDue: boolean;
  rotationUnfinished: boolean;
  problems: string[];
  versions: Array<{ version: number; state: string; createdAt: string; ageDays: number; dataKeys: number; keyMaterial: number; configured: boolean; fingerprintMatches: boolean | null }>;
}

export interface LifecycleDryRun {
  asOf: string;
  categories: Array<{ category: string; keep: string; after: string; action: string; cutoff: string; due: number }>;
  auditRetention: Array<{ action: string; days: number }>;
}

export const KEY_STATUS_QUERY = `query ConsoleKeyStatus { keyStatus { active maxAgeDays rotationDue rotationUnfinished problems versions { version state createdAt ageDays dataKeys keyMaterial configured fingerprintMatches } } }`;
export const LIFECYCLE_QUERY = `query ConsoleLifecycleDryRun { lifecycleDryRun { asOf categories { category keep after action cutoff due } auditRetention { action days } } }`;
export const KEYS_SCREEN_QUERY = `query ConsoleKeys { keyStatus { active maxAgeDays rotationDue rotationUnfinished problems versions { version state createdAt ageDays dataKeys keyMaterial configured fingerprintMatches } } lifecycleDryRun { asOf categories { category keep after action cutoff due } auditRetention { action days } } }`;
