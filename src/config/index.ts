/** Koe's settings: read and validated once at start-up (loadConfig), then passed down typed. */
export { ConfigError, loadConfig, parseDurationSeconds, type Env } from './load-config.js';
export * from './settings.js';
