/** Where the browser tests find Debian's chromium, and what they say when it is not there. */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.KOE_CHROMIUM ?? '/usr/bin/chromium';

export const hasChromium = () => existsSync(CHROMIUM);

export function chromiumMissingMessage(): string {
  const bar = '!'.repeat(78);
  return [
    bar,
    `!! ${CHROMIUM} is missing: the console browser tests (test/console) DID NOT RUN.`,
    '!! Install it with: apt-get install -y chromium fonts-noto-cjk   (.ci/run does this; CI=true fails without it)',
    bar,
  ].join('\n');
}
