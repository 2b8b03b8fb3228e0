/**
 * Writes a sidecar straight to the UTF-8 bytes of its file: the same bytes as
 * `serializeSidecar` (that is, `JSON.stringify(page, null, 2)` and a final newline, encoded), in a
 * third of the time, which matters for long transcripts coded densely (10,000 annotations make a
 * 12 MB file, saved with the document).
 *
 * Why by hand: no JSON library writes indented output for a fixed shape straight to bytes
 * (fast-json-stringify, for one, writes compact strings only). `JSON.stringify` with an indent
 * builds the whole file as one string (two bytes a character as soon as one quote holds a
 * non-ASCII character) which must then be encoded again; here the fixed parts of each annotation
 * are encoded once, copied in, and only the values are escaped and encoded. Unit and property tests
 * check that the output is byte for byte that of `serializeSidecar`.
 *
 * Saving again after a few changes reuses the bytes of every unchanged annotation.
 *
 * An annotation or page holding content kept from another tool or a later version (`kept`, see
 * format.ts) is rare and of no fixed shape: it is written through `JSON.stringify` of
 * `annotationToW3C` / `pageToW3C`, indented to its place, which gives the same bytes by definition.
 */
import type { Annotation } from '../model/annotation';
import { annotationToW3C, compareAnnotations, isWholeDocument, pageToW3C, W3C_CONTEXT, type Sidecar } from './format';
import { baseName, codeIri, documentIri } from './iri';

const utf8 = new TextEncoder();
const bytes = (s: string): Uint8Array => utf8.encode(s);

/** The fixed text between the values of an annotation, indented as items of the page. */
const T = {
  open: bytes(`    {\n      "@context": ${JSON.stringify(W3C_CONTEXT)},\n      "id": `),
  motivationClassifying: bytes(',\n      "type": "Annotation",\n      "motivation": "classifying",\n      "creator": {\n        "type": "Person",\n        "name": '),
  motivationCommenting: bytes(',\n      "type": "Annotation",\n      "motivation": "commenting",\n      "creator": {\n        "type": "Person",\n        "name": '),
  created: bytes('\n      },\n      "created": '),
  modified: bytes(',\n      "modified": '),
  bodyOpen: bytes(',\n      "body": ['),
  codeOpen: bytes('\n        {\n          "type": "SpecificResource",\n          "purpose": "classifying",\n          "source": '),
  bodyItemClose: bytes('\n        }'),
  comma: bytes(','),
  memoOpen: bytes('\n        {\n          "type": "TextualBody",\n          "purpose": "commenting",\n          "value": '),
  memoClose: bytes(',\n          "format": "text/markdown"\n        }'),
  bodyClose: bytes('\n      ]'),
  targetSource: bytes(',\n      "target": {\n        "source": '),
  selectorOpen: bytes(',\n        "selector": ['),
  positionStart: bytes('\n          {\n            "type": "TextPositionSelector",\n            "start": '),
  positionEnd: bytes(',\n            "end": '),
  positionClose: bytes('\n          },'),
  quoteExact: bytes('\n          {\n            "type": "TextQuoteSelector",\n            "exact": '),
  quotePrefix: bytes(',\n            "prefix": '),
  quoteSuffix: bytes(',\n            "suffix": '),
  quoteClose: bytes('\n          }\n        ]\n      }\n    }'),
  wholeDocumentId: bytes(',\n      "target": {\n        "id": '),
  wholeDocumentClose: bytes(',\n        "type": "Text",\n        "format": "text/markdown"\n      }\n    }'),
  itemSeparator: bytes(',\n'),
};

const HEX = '0123456789abcdef';
/** How JSON.stringify escapes the ASCII characters it escapes (quotes, backslashes, control characters); empty for the others. */
const ESCAPES: Uint8Array[] = Array.from({ length: 0x5d }, (_, c) => bytes(c < 0x20 || c === 0x22 || c === 0x5c ? JSON.stringify(String.fromCharCode(c)).slice(1, -1) : ''));
/** Strings at least this long are encoded by the platform's TextEncoder, shorter ones here (a call costs more than it saves). */
const NATIVE_FROM = 16;

/** A growable byte buffer with JSON string writing as JSON.stringify does it. */
class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(capacity, 1024));
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** ASCII text without anything to escape (numbers, fixed keys). */
  ascii(s: string): void {
    this.reserve(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A JSON string, escaped exactly as JSON.stringify escapes it, in UTF-8. */
  string(s: string): void {
    // At most six bytes per UTF-16 unit (\uXXXX), plus the quotes.
    this.reserve(s.length * 6 + 2);
    if (s.length >= NATIVE_FROM && this.nativeString(s)) return;
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x22;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
          b[p++] = c;
          continue;
        }
        b[p++] = 0x5c;
        switch (c) {
          case 0x22: b[p++] = 0x22; break;
          case 0x5c: b[p++] = 0x5c; break;
          case 0x08: b[p++] = 0x62; break; // \b
          case 0x0c: b[p++] = 0x66; break; // \f
          case 0x0a: b[p++] = 0x6e; break; // \n
          case 0x0d: b[p++] = 0x72; break; // \r
          case 0x09: b[p++] = 0x74; break; // \t
          default:
            b[p++] = 0x75; // \u00XX
            b[p++] = 0x30;
            b[p++] = 0x30;
            b[p++] = HEX.charCodeAt(c >> 4);
            b[p++] = HEX.charCodeAt(c & 15);
        }
      } else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 63);
      } else if (c < 0xd800 || c > 0xdfff) {
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 63);
        b[p++] = 0x80 | (c & 63);
      } else {
        const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          b[p++] = 0xf0 | (cp >> 18);
          b[p++] = 0x80 | ((cp >> 12) & 63);
          b[p++] = 0x80 | ((cp >> 6) & 63);
          b[p++] = 0x80 | (cp & 63);
          i++;
        } else {
          // A lone surrogate: JSON.stringify writes it as an escape (well-formed JSON.stringify).
          b[p++] = 0x5c;
          b[p++] = 0x75;
          b[p++] = HEX.charCodeAt(c >> 12);
          b[p++] = HEX.charCodeAt((c >> 8) & 15);
          b[p++] = HEX.charCodeAt((c >> 4) & 15);
          b[p++] = HEX.charCodeAt(c & 15);
        }
      }
    }
    b[p++] = 0x22;
    this.pos = p;
  }

  /**
   * A JSON string through the platform's TextEncoder (space already reserved): the text is encoded
   * in one call, then the characters JSON.stringify escapes (all ASCII, so single bytes in UTF-8)
   * are escaped in place. False, with nothing written, when the text may hold a lone surrogate
   * (TextEncoder writes U+FFFD for one, JSON.stringify an escape): the caller then writes it.
   */
  private nativeString(s: string): boolean {
    const b = this.buf;
    const start = this.pos + 1;
    let end = start + utf8.encodeInto(s, b.subarray(start)).written;
    let first = -1;
    let extra = 0;
    for (let i = start; i < end; i++) {
      const c = b[i];
      if (c < 0x20 || c === 0x22 || c === 0x5c) {
        if (first < 0) first = i;
        extra += ESCAPES[c].length - 1;
      } else if (c === 0xef && b[i + 1] === 0xbf && b[i + 2] === 0xbd) {
        return false; // U+FFFD: written for a lone surrogate, or there already
      }
    }
    if (first >= 0) {
      // Move the text after the first escape to its place, from the end back, escaping as it goes.
      let w = end + extra;
      for (let r = end - 1; r >= first; r--) {
        const c = b[r];
        if (c < 0x20 || c === 0x22 || c === 0x5c) {
          const e = ESCAPES[c];
          w -= e.length;
          b.set(e, w);
        } else b[--w] = c;
      }
      end += extra;
    }
    b[this.pos] = 0x22;
    b[end] = 0x22;
    this.pos = end + 1;
    return true;
  }

  number(n: number): void {
    if (Number.isSafeInteger(n) && n >= 0) {
      // Positions: the digits, as JSON.stringify writes a non-negative integer.
      let digits = 1;
      for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
      this.reserve(digits);
      let p = this.pos + digits;
      this.pos = p;
      let m = n;
      do {
        this.buf[--p] = 0x30 + (m % 10);
        m = Math.floor(m / 10);
      } while (m > 0);
      return;
    }
    this.ascii(JSON.stringify(n));
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** How many values an annotation's bytes are made from (see `putFields`). */
const FIELDS = 13;

/** Records the values an annotation's bytes are made from at `at`, to tell later whether they still fit. */
function putFields(f: unknown[], at: number, a: Annotation): void {
  f[at] = a.id;
  f[at + 1] = a.creator;
  f[at + 2] = a.created;
  f[at + 3] = a.modified;
  f[at + 4] = a.start;
  f[at + 5] = a.end;
  f[at + 6] = a.exact;
  f[at + 7] = a.prefix;
  f[at + 8] = a.suffix;
  f[at + 9] = a.memo;
  f[at + 10] = a.codes.length;
  f[at + 11] = codesValue(a.codes);
  f[at + 12] = a.kept;
}

/** The codes as one value (no allocation for the usual single code). */
function codesValue(codes: readonly string[]): string {
  return codes.length === 0 ? '' : codes.length === 1 ? codes[0] : JSON.stringify(codes);
}

function sameFields(f: readonly unknown[], at: number, a: Annotation): boolean {
  return (
    f[at] === a.id && f[at + 1] === a.creator && f[at + 2] === a.created && f[at + 3] === a.modified &&
    f[at + 4] === a.start && f[at + 5] === a.end && f[at + 6] === a.exact && f[at + 7] === a.prefix &&
    f[at + 8] === a.suffix && f[at + 9] === a.memo &&
    f[at + 10] === a.codes.length && f[at + 11] === codesValue(a.codes) && f[at + 12] === a.kept
  );
}

/**
 * The last file written for a sidecar: its bytes, its annotations (the objects) and, for each,
 * the values it was written from and where its bytes are. Flat arrays rather than an object per
 * annotation: the cache then costs the garbage collector little.
 */
interface LastWrite {
  documentName: string;
  file: Uint8Array;
  annotations: Annotation[];
  fields: unknown[];
  starts: Int32Array;
  ends: Int32Array;
}

/** By sidecar id (stable for a document's whole life); the least recently written are dropped. */
const lastWrites = new Map<string, LastWrite>();
/** Bytes of sidecars kept for reuse; beyond this the least recently written are forgotten. */
const CACHE_BYTES = 64 * 1024 * 1024;

function remember(id: string, entry: LastWrite): void {
  lastWrites.delete(id);
  lastWrites.set(id, entry);
  let total = 0;
  for (const e of lastWrites.values()) total += e.file.length;
  for (const [k, e] of lastWrites) {
    if (total <= CACHE_BYTES || k === id) break;
    lastWrites.delete(k);
    total -= e.file.length;
  }
}

/** Writes one annotation as `annotationToW3C` shapes it, indented as an item of the page. */
function writeItem(w: ByteWriter, a: Annotation, name: string, source: string, codeIris: Map<string, string>): void {
  if (a.kept !== undefined) {
    w.raw(bytes('    ' + indented(annotationToW3C(a, name), '    ')));
    return;
  }
  w.raw(T.open);
  w.string(a.id);
  w.raw(a.codes.length > 0 ? T.motivationClassifying : T.motivationCommenting);
  w.string(a.creator);
  w.raw(T.created);
  w.string(a.created);
  w.raw(T.modified);
  w.string(a.modified);
  const memo = a.memo !== undefined && a.memo !== '';
  if (a.codes.length > 0 || memo) {
    w.raw(T.bodyOpen);
    let first = true;
    for (const c of a.codes) {
      if (!first) w.raw(T.comma);
      first = false;
      w.raw(T.codeOpen);
      let iri = codeIris.get(c);
      if (iri === undefined) codeIris.set(c, (iri = codeIri(c)));
      w.string(iri);
      w.raw(T.bodyItemClose);
    }
    if (memo) {
      if (!first) w.raw(T.comma);
      w.raw(T.memoOpen);
      w.string(a.memo!);
      w.raw(T.memoClose);
    }
    w.raw(T.bodyClose);
  }
  if (isWholeDocument(a)) {
    w.raw(T.wholeDocumentId);
    w.string(source);
    w.raw(T.wholeDocumentClose);
    return;
  }
  w.raw(T.targetSource);
  w.string(source);
  w.raw(T.selectorOpen);
  if (a.start !== undefined && a.end !== undefined) {
    w.raw(T.positionStart);
    w.number(a.start);
    w.raw(T.positionEnd);
    w.number(a.end);
    w.raw(T.positionClose);
  }
  w.raw(T.quoteExact);
  w.string(a.exact);
  w.raw(T.quotePrefix);
  w.string(a.prefix);
  w.raw(T.quoteSuffix);
  w.string(a.suffix);
  w.raw(T.quoteClose);
}

/** A value as `JSON.stringify(…, null, 2)` writes it at a place indented by `indent` (the first line not indented). */
function indented(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, '\n' + indent);
}

/** About how many bytes a sidecar takes, so the buffer rarely grows. */
function estimate(annotations: readonly Annotation[]): number {
  let n = 1024;
  for (const a of annotations) n += 900 + 110 * a.codes.length + a.exact.length + a.prefix.length + a.suffix.length + (a.memo?.length ?? 0);
  return Math.ceil(n * 1.1);
}

/**
 * The bytes of the sidecar file for the document at `documentPath` (workspace-relative): exactly
 * the UTF-8 encoding of `serializeSidecar(sidecar, documentPath)`.
 */
export function encodeSidecar(sidecar: Sidecar, documentPath: string): Uint8Array {
  const name = baseName(documentPath);
  const sorted = [...sidecar.annotations].sort(compareAnnotations);
  const w = new ByteWriter(estimate(sorted));
  if (sidecar.kept !== undefined || sidecar.id === '') {
    // Another shape of page: its properties in the order JSON.stringify writes them, the items among them.
    const page = pageToW3C(sidecar, []);
    let written: Omit<LastWrite, 'file'> | undefined;
    w.ascii('{');
    Object.keys(page).forEach((k, i) => {
      w.ascii(i === 0 ? '\n  ' : ',\n  ');
      w.string(k);
      w.ascii(': ');
      if (k === 'items') written = writeItems(w, sidecar, sorted, name);
      else w.raw(bytes(indented(Object.getOwnPropertyDescriptor(page, k)!.value, '  ')));
    });
    w.ascii('\n}\n');
    return finish(w, sidecar.id, written);
  }
  w.ascii(`{\n  "@context": ${JSON.stringify(W3C_CONTEXT)},\n  "id": `);
  w.string(sidecar.id);
  w.ascii(',\n  "type": "AnnotationPage",\n  "version": ');
  w.number(sidecar.version);
  if (sidecar.textHash) {
    w.ascii(',\n  "textHash": ');
    w.string(sidecar.textHash);
  }
  w.ascii(',\n  "items": ');
  const written = writeItems(w, sidecar, sorted, name);
  w.ascii('\n}\n');
  return finish(w, sidecar.id, written);
}

/** The file's bytes, remembered with where each annotation's are for the next write. */
function finish(w: ByteWriter, id: string, written: Omit<LastWrite, 'file'> | undefined): Uint8Array {
  const file = w.bytes();
  if (written) remember(id, { ...written, file });
  return file;
}

/** The items array (sorted), from its "[" to its "]", reusing the bytes of annotations unchanged since the last write. */
function writeItems(w: ByteWriter, sidecar: Sidecar, sorted: Annotation[], name: string): Omit<LastWrite, 'file'> | undefined {
  if (sorted.length === 0) {
    w.ascii('[]');
    return undefined;
  }
  w.ascii('[\n');
  const source = documentIri(name);
  const codeIris = new Map<string, string>();
  // Reuse the bytes of annotations unchanged since the last write of this sidecar.
  const last = lastWrites.get(sidecar.id);
  const previous = new Map<Annotation, number>();
  if (last && last.documentName === name) last.annotations.forEach((a, i) => previous.set(a, i));
  const fields: unknown[] = new Array(sorted.length * FIELDS);
  const starts = new Int32Array(sorted.length);
  const ends = new Int32Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    if (i > 0) w.raw(T.itemSeparator);
    starts[i] = w.pos;
    const k = previous.get(a);
    if (k !== undefined && sameFields(last!.fields, k * FIELDS, a)) w.raw(last!.file.subarray(last!.starts[k], last!.ends[k]));
    else writeItem(w, a, name, source, codeIris);
    ends[i] = w.pos;
    putFields(fields, i * FIELDS, a);
  }
  w.ascii('\n  ]');
  return { documentName: name, annotations: sorted, fields, starts, ends };
}

/** Whether two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  // Compare four bytes at a time where both are aligned (they usually are: fresh buffers).
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const n = a.length >> 2;
    const a4 = new Uint32Array(a.buffer, a.byteOffset, n);
    const b4 = new Uint32Array(b.buffer, b.byteOffset, n);
    for (; i < n; i++) if (a4[i] !== b4[i]) return false;
    i = n << 2;
  }
  for (; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
