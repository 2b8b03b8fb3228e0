/**
 * Case attributes from a document's YAML front matter (`site: Hospital C`, `role: consultant`,
 * `type: interview`, `date: 2025-03-12`): found with remark-frontmatter, read by the one
 * front-matter reader the outline and stages use too (markdown/frontMatter.ts), so both see the
 * same values, dates included. Only the leading block is parsed, so this stays cheap for long
 * documents.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkFrontmatter from 'remark-frontmatter';
import { readFrontMatterYaml } from '../markdown/frontMatter';
import type { Attributes, AttributeValue } from './workspaceIndex';

export interface FrontMatter {
  attributes?: Attributes;
  /** A plain-language problem with its 1-based line, when the YAML could not be read. */
  problem?: { line: number; message: string };
}

const parser = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']);

function scalar(v: unknown): string | number | boolean | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return undefined;
}

/**
 * The case attributes among a front matter's values (as markdown/frontMatter.ts reads them):
 * texts, numbers and yes/no values, and lists of them (as texts); nested mappings and empty values
 * are left out.
 */
export function caseAttributes(values: Record<string, unknown>): Attributes {
  const attributes: Attributes = {};
  for (const [k, v] of Object.entries(values)) {
    if (Array.isArray(v)) {
      attributes[k] = v.map(scalar).filter((x) => x !== undefined).map(String);
    } else {
      const s = scalar(v);
      if (s !== undefined) attributes[k] = s as AttributeValue;
    }
  }
  return attributes;
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
  const { attributes, problems } = readFrontMatterYaml(yamlNode.value);
  const error = problems.find((p) => p.severity === 'error');
  if (error) return { problem: { line: error.line, message: error.message } };
  return { attributes: caseAttributes(attributes) };
}
