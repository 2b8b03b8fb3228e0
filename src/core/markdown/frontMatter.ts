/**
 * The one reading of a document's YAML front matter, shared by the structure (the outline and the
 * Stages view read `stage:` and `date:` from it) and the case attributes of the workspace index.
 *
 * Values come out as YAML 1.2 reads them (a plain `date: 2025-03-12` is the string "2025-03-12",
 * as are quoted dates and timestamps), except that a value YAML turns into a date (written with
 * the `!!timestamp` tag) becomes text too: "2025-03-12" for a date at midnight UTC, else its ISO
 * form ("2025-03-12T10:30:00.000Z"). So no part of the extension ever sees a Date object, and the
 * same front matter gives the same values everywhere.
 */
import { parseDocument } from 'yaml';
import type { Problem } from '../problems';

/** A problem in the front matter at a 1-based line of the document (the YAML starts on line 2). */
export type FrontMatterProblem = Omit<Problem, 'file'> & { line: number };

export interface FrontMatterReading {
  /** The YAML as a plain object; empty when it is malformed or not a mapping. */
  attributes: Record<string, unknown>;
  problems: FrontMatterProblem[];
}

/** A date YAML made, as text: the day alone when it is midnight UTC. */
export function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return String(d);
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** Dates anywhere in a value as text. */
function withoutDates(v: unknown): unknown {
  if (v instanceof Date) return dateText(v);
  if (Array.isArray(v)) return v.map(withoutDates);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = withoutDates(x);
    return out;
  }
  return v;
}

/** The line the YAML starts on, after the opening `---`. */
const FIRST_LINE = 2;

function clean(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** Reads the YAML between the front matter's fences. Never throws: malformed YAML becomes a problem with its line. */
export function readFrontMatterYaml(yaml: string): FrontMatterReading {
  const problems: FrontMatterProblem[] = [];
  let attributes: Record<string, unknown> = {};
  try {
    const doc = parseDocument(yaml, { prettyErrors: true, uniqueKeys: true, logLevel: 'silent' });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const at = e.linePos?.[0];
        problems.push({ line: FIRST_LINE - 1 + (at?.line ?? 1), ...(at ? { column: at.col } : {}), severity: 'error', message: `The front matter is not valid YAML: ${clean(e.message)}.`.replace(/\.\.$/, '.') });
      }
    } else {
      for (const w of doc.warnings) {
        const at = w.linePos?.[0];
        problems.push({ line: FIRST_LINE - 1 + (at?.line ?? 1), ...(at ? { column: at.col } : {}), severity: 'warning', message: `In the front matter: ${clean(w.message)}.`.replace(/\.\.$/, '.') });
      }
      const value: unknown = withoutDates(doc.toJS({ maxAliasCount: 100 }));
      if (value !== null && value !== undefined) {
        if (typeof value === 'object' && !Array.isArray(value)) attributes = value as Record<string, unknown>;
        else problems.push({ line: FIRST_LINE, severity: 'warning', message: 'The front matter should be a list of "name: value" lines; it is ignored.' });
      }
    }
  } catch (e) {
    problems.push({ line: FIRST_LINE, severity: 'error', message: `The front matter could not be read: ${(e as Error).message.split('\n')[0]}` });
  }
  return { attributes, problems };
}
