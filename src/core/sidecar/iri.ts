/**
 * How documents and codes are named inside W3C annotations. The W3C model requires IRIs with a
 * scheme (a bare "interview.md" is not one), so:
 * - a code is `urn:qda:code:<id>` (the id percent-encoded), resolved against the project's codebook;
 * - a document is `file:<name>`, its file name percent-encoded, relative to the sidecar's folder.
 *   The sidecar's own place names the document (a/b.md.annotations.json belongs to a/b.md); the
 *   target is written for other tools and is rewritten when a document is renamed.
 */
export const CODE_IRI_PREFIX = 'urn:qda:code:';
export const DOCUMENT_IRI_PREFIX = 'file:';

export function codeIri(codeId: string): string {
  return CODE_IRI_PREFIX + encodeURIComponent(codeId);
}

export function codeIdFromIri(iri: string): string | undefined {
  if (!iri.startsWith(CODE_IRI_PREFIX)) return undefined;
  try {
    return decodeURIComponent(iri.slice(CODE_IRI_PREFIX.length));
  } catch {
    return undefined;
  }
}

export function documentIri(fileName: string): string {
  return DOCUMENT_IRI_PREFIX + fileName.split('/').map(encodeURIComponent).join('/');
}

/** The sidecar path of a document path: `a/b.md` → `a/b.md.annotations.json`. */
export const SIDECAR_SUFFIX = '.annotations.json';

export function sidecarPathFor(documentPath: string): string {
  return documentPath + SIDECAR_SUFFIX;
}

export function documentPathFor(sidecarPath: string): string | undefined {
  return sidecarPath.endsWith(SIDECAR_SUFFIX) ? sidecarPath.slice(0, -SIDECAR_SUFFIX.length) : undefined;
}

export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? path : path.slice(i + 1);
}
