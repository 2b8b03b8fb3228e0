import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { CodebookIndex } from '../../src/core/codebook/codebook';
import { networkOrchestrationTemplate } from '../../src/core/codebook/templates/networkOrchestration';
import { createAnnotation } from '../../src/core/annotations';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import { segmentsCsv, segmentsTable } from '../../src/core/index/exportSegments';
import { serializeSidecar } from '../../src/core/sidecar/format';
import { Text } from '../../src/core/text/text';

describe('exporting coded segments with memos', () => {
  const cb = new CodebookIndex(networkOrchestrationTemplate);
  const text = new Text('Interviewer: Who decides?\nND: The board, "in principle", but really the audit data, we said.\n');
  const now = new Date('2026-01-01T00:00:00Z');
  const a = createAnnotation(text, { start: 30, end: 91, codes: ['strategic-use-of-evidence', 'relational-leadership'], creator: 'Ana', memo: 'Evidence, "strategically"\nused', now, id: 'urn:uuid:00000000-0000-4000-8000-000000000001' });
  const b = createAnnotation(text, { start: 0, end: 12, codes: ['not-in-codebook'], creator: 'Ben', now, id: 'urn:uuid:00000000-0000-4000-8000-000000000002' });
  const ix = new WorkspaceIndex(cb);
  ix.upsertSidecar('interviews/nd.md.annotations.json', serializeSidecar({ version: 1, id: 'urn:uuid:11111111-1111-4111-8111-111111111111', annotations: [a, b] }, 'interviews/nd.md'));
  ix.setAttributes('interviews/nd.md', { site: 'Hospital C', role: ['director', 'clinician'] });

  it('has a row per segment and code, with quote, memo, coder and case attributes', () => {
    const rows = segmentsTable(ix, cb);
    assert.deepEqual(rows[0].slice(-2), ['attribute: role', 'attribute: site']);
    assert.equal(rows.length, 4);
    const evidence = rows.find((r) => r[2] === 'strategic-use-of-evidence')!;
    assert.equal(evidence[0], 'interviews/nd.md');
    assert.equal(evidence[3], 'Strategic use of evidence');
    assert.equal(evidence[5], 'Leadership and governance');
    assert.equal(evidence[6], a.exact);
    assert.equal(evidence[9], 'Evidence, "strategically"\nused');
    assert.deepEqual(evidence.slice(-2), ['director; clinician', 'Hospital C']);
    assert.match(rows.find((r) => r[2] === 'not-in-codebook')![3], /not in the codebook/);
  });

  it('writes valid CSV that reads back to the same table, commas, quotes and line breaks included', () => {
    const csv = segmentsCsv(ix, cb);
    assert.ok(csv.includes('\r\n'));
    assert.deepEqual(parse(csv, { record_delimiter: '\r\n' }), segmentsTable(ix, cb));
  });

  it('follows the case-attribute filter', () => {
    assert.equal(segmentsTable(ix, cb, { attributes: { site: ['Hospital A'] } }).length, 1);
    assert.equal(segmentsTable(ix, cb, { attributes: { site: ['Hospital C'] } }).length, 4);
  });
});
