/**
 * Coded segments with their memos, as a table for spreadsheets and statistics packages (CSV via
 * csv-stringify): one row per segment and code, with the document's case attributes as columns.
 */
import { stringify } from 'csv-stringify/sync';
import type { CodebookIndex } from '../codebook/codebook';
import { attributeStrings, type IndexFilter, type WorkspaceIndex } from './workspaceIndex';

export function segmentsTable(ix: WorkspaceIndex, codebook: CodebookIndex | undefined, filter?: IndexFilter): string[][] {
  const attrNames = [...ix.attributeValues().keys()].sort();
  const header = ['document', 'segment id', 'code id', 'code', 'code path', 'stage', 'quote', 'start', 'end', 'memo', 'coder', 'created', ...attrNames.map((a) => `attribute: ${a}`)];
  const rows: string[][] = [header];
  const codes = codebook ? codebook.codebook.codes.map((c) => c.id) : [];
  const all = new Set<string>(codes);
  for (const [code] of ix.codeCounts()) all.add(code);
  const seen = new Set<string>();
  for (const doc of ix.segments([...all], filter)) {
    const attrs = ix.attributes(doc.document) ?? {};
    for (const s of doc.segments) {
      const codesOf = s.codes.length > 0 ? s.codes : [''];
      for (const code of codesOf) {
        const key = `${s.id}|${code}`;
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push([
          doc.document,
          s.id,
          code,
          code ? (codebook?.codes.get(code)?.name ?? `${code} (not in the codebook)`) : '',
          code && codebook ? codebook.pathOf(code) : '',
          code ? (codebook?.stageOf(code)?.name ?? '') : '',
          s.quote,
          s.start === undefined ? '' : String(s.start),
          s.end === undefined ? '' : String(s.end),
          s.memo ?? '',
          s.creator,
          s.created,
          ...attrNames.map((a) => attributeStrings(attrs[a]).join('; ')),
        ]);
      }
    }
  }
  return rows;
}

/** The table as CSV (RFC 4180, a header row, CRLF line ends as spreadsheets expect). */
export function segmentsCsv(ix: WorkspaceIndex, codebook: CodebookIndex | undefined, filter?: IndexFilter): string {
  return stringify(segmentsTable(ix, codebook, filter), { record_delimiter: 'windows' });
}
