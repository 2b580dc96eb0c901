/**
 * vitest sequencer for `npm test`: the order vitest would use (longest or largest files first), with
 * the console's browser files spread through the API files instead of handed out together. A browser
 * file (Koe, chromium, a page) is the heaviest work of the run; spread out, each overlaps API files
 * rather than the other browser files (test/setup/one-browser-at-a-time.ts waits if one still runs).
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const BROWSER_PROJECT = 'console';

export default class SpreadBrowserFiles extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const browser = sorted.filter((f) => f.project.name === BROWSER_PROJECT);
    const rest = sorted.filter((f) => f.project.name !== BROWSER_PROJECT);
    if (browser.length === 0 || rest.length === 0) return sorted;
    // One browser file at the start, the others at even steps through the first part of the list,
    // so the short API files at its end fill the last minutes on every worker.
    const step = Math.floor(rest.length / (browser.length + 1));
    const out: TestSpecification[] = [];
    rest.forEach((f, i) => {
      if (step > 0 && i % step === 0 && i / step < browser.length) out.push(browser[i / step]!);
      out.push(f);
    });
    out.push(...browser.slice(out.length - rest.length));
    return out;
  }
}
