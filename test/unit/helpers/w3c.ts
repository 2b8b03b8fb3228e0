/**
 * The W3C Web Annotation "Annotation MUSTs" assertions (web-platform-tests), run with the draft-04
 * schemas from ../shared/conformance. Returns undefined when that folder is absent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

export const CONFORMANCE = path.resolve(__dirname, '../../../../shared/conformance/w3c-web-annotation');
const MODEL = path.join(CONFORMANCE, 'wpt/annotation-model');

export type Checker = (annotation: unknown) => string[];

export function loadAnnotationMusts(): Checker | undefined {
  if (!fs.existsSync(MODEL)) return undefined;
  const ajv = new Ajv04({ strict: false, allErrors: true });
  addFormats(ajv);
  const defs = path.join(MODEL, 'definitions');
  for (const f of fs.readdirSync(defs)) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(defs, f), 'utf8')));
  const list = JSON.parse(fs.readFileSync(path.join(MODEL, 'annotations/annotationMusts.test'), 'utf8')) as { assertions: string[] };
  const assertions = list.assertions.map((rel) => {
    const schema = JSON.parse(fs.readFileSync(path.join(MODEL, rel), 'utf8')) as { expectedResult?: string; title?: string };
    return { rel, expectValid: schema.expectedResult !== 'invalid', validate: ajv.compile(schema) };
  });
  if (assertions.length !== 14) throw new Error(`expected the 14 Annotation MUSTs, found ${assertions.length}`);
  return (annotation) => {
    const failures: string[] = [];
    for (const a of assertions) {
      const ok = a.validate(annotation) as boolean;
      if (ok !== a.expectValid) failures.push(`${a.rel}: ${ajv.errorsText(a.validate.errors)}`);
    }
    return failures;
  };
}
