/** Progress of a long CLI run on stderr: a bar on a terminal (or when forced), else a plain line per tenth of the way. */
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

export function progressReporter(forceBar: boolean, verb: string, unit: string): ProgressReporter {
  if (forceBar || process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: `${verb} [{bar}] {percentage}% | {value}/{total} ${unit}{label} | ETA {eta}s`, noTTYOutput: !process.stderr.isTTY, notTTYSchedule: 1000 },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update: (done, total, label) => {
        const payload = { label: label ? ` | ${label}` : '' };
        if (!started) (bar.start(total, 0, payload), (started = true));
        bar.setTotal(Math.max(total, done));
        bar.update(done, payload);
      },
      stop: () => {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let shown = -1;
  return {
    update: (done, total, label) => {
      const tenth = total === 0 ? 10 : Math.floor((done * 10) / total);
      if (tenth === shown) return;
      shown = tenth;
      console.error(`${verb}: ${done}/${total} ${unit}${label ? ` (${label})` : ''}`);
    },
    stop: () => {},
  };
}
