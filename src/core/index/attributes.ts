/**
 * Case attributes from a document's YAML front matter (`site: Hospital C`, `role: consultant`,
 * `type: interview`, `date: 2025-03-12`): found with remark-frontmatter, read with the yaml
 * package. Only the leading block is parsed, so this stays cheap for long documents.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import YAML from 'yaml';
import type { Attributes, AttributeValue } from './workspaceIndex';

export interface FrontMatter {
  attributes?: Attributes;
  /** A plain-language problem with its 1-based line, when the YAML could not be read. */
  problem?: { line: number; message: string };
}

const parser = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']);

function scalar(v: unknown): string | number | boolean | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return undefined;
}

export function frontMatterAttributes(text: string): FrontMatter {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!/^---\r?\n/.test(body)) return {};
  const close = /\r?\n---[ \t]*(\r?\n|$)/.exec(body.slice(3));
  if (!close) return {};
  const block = body.slice(0, 3 + close.index + close[0].length).replace(/\r\n?/g, '\n');
  const tree = parser.parse(block);
  const yamlNode = tree.children[0];
  if (!yamlNode || yamlNode.type !== 'yaml') return {};
  const doc = YAML.parseDocument(yamlNode.value, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = (e.linePos?.[0]?.line ?? 1) + 1; // the block starts after the opening ---
    return { problem: { line, message: `The front matter is not valid YAML: ${e.message.split('\n')[0]}` } };
  }
  const data = doc.toJS() as unknown;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
  const attributes: Attributes = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (Array.isArray(v)) {
      const list = v.map(scalar).filter((x) => x !== undefined).map(String);
      attributes[k] = list;
    } else {
      const s = scalar(v);
      if (s !== undefined) attributes[k] = s as AttributeValue;
    }
  }
  return { attributes };
}
