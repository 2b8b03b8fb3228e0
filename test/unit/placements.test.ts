// Which placements a researcher is asked to look at: one rule for qda anchor, qda validate and the Problems panel.
import assert from 'node:assert/strict';
import { createAnnotation } from '../../src/core/annotations';
import { anchoringProblems, openDocument, placementToCheck } from '../../src/core/project';
import { serializeSidecar } from '../../src/core/sidecar/format';
import { Text } from '../../src/core/text/text';

describe('Placements to check', () => {
  it('asks about lost, approximate and unsure placements, not about ones found as they were', () => {
    assert.equal(placementToCheck({ status: 'orphan', certainty: 'low' }), 'lost');
    assert.equal(placementToCheck({ status: 'fuzzy', certainty: 'high' }), 'approximate');
    assert.equal(placementToCheck({ status: 'moved', certainty: 'medium' }), 'unsure');
    assert.equal(placementToCheck({ status: 'moved', certainty: 'high' }), undefined);
    assert.equal(placementToCheck({ status: 'exact', certainty: 'high' }), undefined);
  });

  it('validate reports a short quote found elsewhere after its context changed, with how sure it is', () => {
    const original = 'Alpha beta gamma. We said yes. Delta epsilon zeta eta theta iota kappa lambda mu.\n\nOther words here. We said yes. And more.\n';
    const t = new Text(original);
    const i = original.indexOf('We said yes.');
    const a = createAnnotation(t, { start: i, end: i + 12, codes: ['c'], creator: 't', id: 'urn:uuid:00000000-0000-4000-8000-000000000001' });
    const changed = original.replace('Alpha beta gamma. We said yes. Delta epsilon zeta eta theta iota kappa lambda mu.', 'Something else.');
    const doc = openDocument('short.md', changed, serializeSidecar({ version: 1, id: 'urn:uuid:5f1e0c4e-8d1b-4a57-9d0e-3b8f6a2c1d01', annotations: [a] }, 'short.md'));
    assert.equal(doc.results[0].status, 'moved');
    const problems = anchoringProblems(doc);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /placed elsewhere, on its unchanged quote, with (low|medium) confidence \(\d+%\)/);
    assert.equal(problems[0].severity, 'warning');
    assert.equal(problems[0].line, 3);
  });
});
