/** CPU profile summaries for the benchmarks: self time by package or file and by function. */

/** This checkout's root as profile URLs name it (any worktree, not only one called main). */
const ROOT = new URL('../../', import.meta.url).href;
/** A frame's file relative to the checkout (or as given when outside it). */
export const relative = (url: string): string => (url.startsWith(ROOT) ? url.slice(ROOT.length) : url);
/** A frame of Koe's own code (src/, or bench/ when `bench`). */
export const isKoe = (url: string, bench = false): boolean => url.startsWith(`${ROOT}src/`) || (bench && url.startsWith(`${ROOT}bench/`));
export interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** The top functions and files by self time. */
export function selfTime(p: Profile, top = 30): string {
  const byNode = new Map(p.nodes.map((n) => [n.id, n]));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const n = byNode.get(id)!;
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const url = relative(n.callFrame.url).replace(/^.*node_modules\//, '');
    const k = `${n.callFrame.functionName || '(anon)'} ${url}:${n.callFrame.lineNumber}`;
    fn.set(k, (fn.get(k) ?? 0) + dt);
    const f = url.startsWith('@') ? url.split('/').slice(0, 2).join('/') : url.includes('/') ? url.split('/')[0]! : url || n.callFrame.functionName;
    file.set(f, (file.get(f) ?? 0) + dt);
  });
  const fmt = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, ms]) => `  ${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  return `profile: ${total.toFixed(0)} ms sampled\nby package/file:\n${fmt(file)}\nby function:\n${fmt(fn)}`;
}

/** Total time (self and callees) of the functions whose name or file matches, each stack counted once. */
export function inclusiveTime(p: Profile & { nodes: Array<{ children?: number[] }> }, top = 40): string {
  const { parent, byNode } = tree(p);
  const incl = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byNode.get(at)!.callFrame;
      if (!isKoe(f.url, true)) continue;
      const k = `${f.functionName || '(anon)'} ${relative(f.url)}:${f.lineNumber}`;
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + dt);
    }
  });
  const rows = [...incl].sort((a, b) => b[1] - a[1]).slice(0, top);
  return `Koe's own functions by total time (self and callees):\n${rows.map(([k, ms]) => `  ${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`).join('\n')}`;
}

/** Each sample charged to the innermost Koe function on its stack: what Koe's code costs with the library work it asks for. */
export function byKoeCaller(p: Profile & { nodes: Array<{ children?: number[] }> }, top = 30): string {
  const { parent, byNode } = tree(p);
  const charged = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    let key = '(no Koe frame)';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byNode.get(at)!.callFrame;
      if (isKoe(f.url)) {
        key = `${f.functionName || '(anon)'} ${relative(f.url)}:${f.lineNumber}`;
        break;
      }
    }
    charged.set(key, (charged.get(key) ?? 0) + dt);
  });
  const rows = [...charged].sort((a, b) => b[1] - a[1]).slice(0, top);
  return `samples charged to the innermost Koe function:\n${rows.map(([k, ms]) => `  ${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`).join('\n')}`;
}

function tree(p: Profile & { nodes: Array<{ children?: number[] }> }) {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return { parent, byNode: new Map(p.nodes.map((n) => [n.id, n])) };
}
