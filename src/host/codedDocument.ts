/**
 * The coding of one open document, as the editor holds it. Segment positions are document offsets
 * (UTF-16, the document's own line ends) and move with every edit; the sidecar is written in code
 * points by `toSidecarBytes`.
 */
import * as vscode from 'vscode';
import { refreshQuote } from '../core/annotations';
import { applyChange, type TextChange } from '../core/anchoring/live';
import { setTarget, type AnchorCertainty, type AnchorStatus, type Annotation } from '../core/model/annotation';
import type { Problem } from '../core/problems';
import type { FileStamp } from '../core/sidecar/files';
import { anchorDocument } from '../core/project';
import { encodeSidecar } from '../core/sidecar/encode';
import { compareAnnotations, isWholeDocument, type Sidecar, type SidecarLoad } from '../core/sidecar/format';
import { hashText } from '../core/text/text';
import { DocumentMapper } from './convert';

/** A coded segment in the editor: the annotation plus its position as document offsets. */
export interface Segment {
  ann: Annotation;
  /** Document offsets; undefined for an orphan. */
  start?: number;
  end?: number;
  /** How it anchored when loaded ("exact" for segments made in this session). */
  status: AnchorStatus;
  reason?: string;
  /** How sure the placement is (as the core's re-anchoring says; 1 and high for segments made or moved by typing). */
  confidence?: number;
  certainty?: AnchorCertainty;
}

export const copyAnnotation = (a: Annotation): Annotation => ({ ...a, codes: [...a.codes] });

export function copySegment(s: Segment): Segment {
  return { ...s, ann: { ...s.ann, codes: [...s.ann.codes] } };
}

export class CodedDocument {
  segments: Segment[] = [];
  sidecar: Omit<Sidecar, 'annotations'>;
  /** Never write the sidecar: it could not be read safely, or is from a newer version. */
  readOnly = false;
  problems: Problem[] = [];
  sidecarExists = false;
  /** The sidecar's bytes as last read or written, to tell our own writes from outside changes. */
  lastSidecar?: Uint8Array;
  /** Where the coding was last loaded from: the sidecar file, the reading kept of it (the file unchanged since), or none. */
  loadedFrom: 'file' | 'kept' | 'none' = 'none';
  /** The annotations as last read from or written to the sidecar: what the editor's changes since are measured against. */
  base: Annotation[] = [];
  /** Size and time of the sidecar read, when its bytes are not known (a reading kept by the index). */
  loadedStamp?: FileStamp;
  /** Counts coding actions, so that work begun before one can tell it came since. */
  codingVersion = 0;
  /** Positions changed since the sidecar was last written (text edits). */
  positionsChanged = false;
  /** Extra segment lists kept in step with edits (undo history). */
  readonly followers = new Set<Segment[]>();

  constructor(
    readonly document: vscode.TextDocument,
    /** Workspace-relative path. */
    readonly path: string,
  ) {
    this.sidecar = { version: 1, id: 'urn:uuid:' + globalThis.crypto.randomUUID() };
  }

  get sidecarPath(): string {
    return this.path + '.annotations.json';
  }

  /**
   * Replaces the coding with a sidecar's reading (`undefined`: there is none), anchored against the
   * current text; `bytes` are the file's, when known (the next save compares with the file otherwise).
   */
  loadRead(bytes: Uint8Array | undefined, read: SidecarLoad | undefined, from: CodedDocument['loadedFrom'], stamp?: FileStamp): { moved: number; fuzzy: number; orphan: number } {
    const counts = this.take(read, bytes, from);
    this.loadedStamp = bytes === undefined ? stamp : undefined;
    return counts;
  }

  /**
   * Finds the coding again in the document's current text by each segment's quote and context, as
   * opening does: for when the whole text was replaced from disk (git checkout, another program)
   * rather than edited, so that a passage that is still there is never taken for deleted.
   */
  reanchor(): { moved: number; fuzzy: number; orphan: number } {
    const annotations = this.segments.map((s) => s.ann);
    const base = this.base; // the sidecar file is as it was
    const stamp = this.loadedStamp;
    const counts = this.take({ sidecar: { ...this.sidecar, annotations }, problems: this.problems, readOnly: this.readOnly }, this.lastSidecar, this.loadedFrom);
    this.base = base;
    this.loadedStamp = stamp;
    return counts;
  }

  /** Records a write: the file's bytes now, and the annotations they hold as the base of later changes. */
  wrote(bytes: Uint8Array, annotations: Annotation[]): void {
    this.lastSidecar = bytes;
    this.loadedStamp = undefined;
    this.base = annotations;
    this.sidecarExists = true;
  }

  private take(read: SidecarLoad | undefined, bytes: Uint8Array | undefined, from: CodedDocument['loadedFrom']): { moved: number; fuzzy: number; orphan: number } {
    this.base = read?.sidecar?.annotations.map(copyAnnotation) ?? [];
    const loaded = anchorDocument(this.path, this.document.getText(), read);
    this.lastSidecar = bytes;
    this.loadedFrom = from;
    this.sidecar = { version: loaded.sidecar.version, id: loaded.sidecar.id || this.sidecar.id, textHash: loaded.sidecar.textHash };
    this.readOnly = loaded.readOnly;
    this.problems = loaded.problems;
    this.sidecarExists = loaded.sidecarExists;
    const mapper = new DocumentMapper(this.document, loaded.text);
    const counts = { moved: 0, fuzzy: 0, orphan: 0 };
    this.segments = loaded.sidecar.annotations.map((ann, i) => {
      const r = loaded.results[i];
      if (r.status !== 'exact') counts[r.status]++;
      return {
        ann,
        start: ann.start === undefined ? undefined : mapper.toDocumentOffset(ann.start),
        end: ann.end === undefined ? undefined : mapper.toDocumentOffset(ann.end),
        status: r.status,
        reason: r.reason,
        confidence: r.confidence,
        certainty: r.certainty,
      };
    });
    this.positionsChanged = counts.moved + counts.fuzzy + counts.orphan > 0;
    return counts;
  }

  /** Moves segments for one text change (document offsets). Returns the segments it orphaned. */
  applyChange(change: TextChange): Segment[] {
    const orphaned = applyChange(this.segments, change);
    for (const list of this.followers) applyChange(list, change);
    for (const s of orphaned) {
      s.status = 'orphan';
      s.reason = 'Its text was deleted.';
    }
    this.positionsChanged = true;
    return orphaned;
  }

  anchored(): Segment[] {
    return this.segments.filter((s) => s.start !== undefined && s.end !== undefined);
  }

  /** Segments that lost their text (a memo on the whole document has no position but is not lost). */
  orphans(): Segment[] {
    return this.segments.filter((s) => (s.start === undefined || s.end === undefined) && !isWholeDocument(s.ann));
  }

  /** Segments containing a document offset (or touching it at their end), innermost first. */
  at(offset: number): Segment[] {
    return this.anchored()
      .filter((s) => s.start! <= offset && offset <= s.end!)
      .sort((a, b) => a.end! - a.start! - (b.end! - b.start!));
  }

  byId(id: string): Segment | undefined {
    return this.segments.find((s) => s.ann.id === id);
  }

  /** The sidecar file's bytes as they should be written for the document's current text. */
  toSidecarBytes(): Uint8Array {
    const mapper = new DocumentMapper(this.document);
    const annotations = this.segments.map((s) => {
      const ann = s.ann;
      if (s.start !== undefined && s.end !== undefined) {
        setTarget(ann, { target: 'passage', start: mapper.toCodePoint(s.start), end: mapper.toCodePoint(s.end) });
        refreshQuote(ann, mapper.text);
      } else {
        if (ann.target === 'passage') setTarget(ann, { target: 'lost' });
      }
      return ann;
    });
    annotations.sort(compareAnnotations);
    this.sidecar.textHash = hashText(mapper.text.text);
    return encodeSidecar({ ...this.sidecar, annotations }, this.path);
  }
}
