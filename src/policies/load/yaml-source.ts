/**
 * Reads YAML files keeping every node's position, so any later problem found by a path in the
 * document can be reported as file:line:column.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Path, PathProblem } from '../conditions/parse-condition.js';
import type { Problem, SourceLoc } from '../errors.js';
import type { PolicySource } from '../model.js';

export interface ParsedFile {
  readonly source: PolicySource;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** The plain JS value; `undefined` when the YAML did not parse. */
  readonly data: unknown;
  readonly problems: readonly Problem[];
}

/** The files of `dir` whose names end with `suffix`, sorted by name so hashing is stable. */
export function readSources(dir: string, suffix: string): PolicySource[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => ({ name, path: join(dir, name), text: readFileSync(join(dir, name), 'utf8') }));
}

export function parseSource(source: PolicySource): ParsedFile {
  const lines = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = doc.errors.map((e) => {
    const { line, col } = lines.linePos(e.pos[0]);
    return { loc: { file: source.path, line, col }, message: `YAML syntax error: ${e.message}` };
  });
  return { source, doc, lines, data: problems.length ? undefined : doc.toJS(), problems };
}

/** The position of the node at `path` (or of its key), falling back to the nearest ancestor. */
export function locate(file: ParsedFile, path: Path, at: 'key' | 'value' = 'value'): SourceLoc {
  let node: unknown = file.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    let next: unknown;
    let keyOffset: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      next = pair?.value;
      keyOffset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    } else if (isSeq(node)) {
      // ajv paths spell indexes as strings
      next = node.items[Number(seg)];
    }
    if (next === undefined && keyOffset === undefined) break;
    const last = i === path.length - 1;
    if (last && at === 'key' && keyOffset !== undefined) {
      offset = keyOffset;
      break;
    }
    const nodeOffset = (next as Node | null)?.range?.[0];
    offset = nodeOffset ?? keyOffset ?? offset;
    node = next;
  }
  const { line, col } = file.lines.linePos(offset);
  return { file: file.source.path, line, col };
}

export function locateProblems(file: ParsedFile, problems: readonly PathProblem[]): Problem[] {
  return problems.map((p) => ({ loc: locate(file, p.path, p.at), message: p.message }));
}
