/**
 * Keeps the coding of every open Markdown document: loads its sidecar when it opens (re-anchoring
 * as the core does), moves segments as the user types, saves the sidecar, follows renames and
 * outside changes (git checkout, pull, another editor), and performs coding actions with undo.
 *
 * When the sidecar is written:
 * - after every coding action, at once (against the text as it is in the editor, saved or not;
 *   if unsaved text is later discarded, the next load re-anchors by quote, so no coding is lost);
 * - when the document is saved, if typing moved any segment.
 * Nothing is written while the file on disk could not be read safely.
 */
import * as vscode from 'vscode';
import { createAnnotation, timestamp } from '../core/annotations';
import { holdsCoding, recoded, withCodes, withMemo, withoutCodes } from '../core/coding/operations';
import { restoreByQuote } from '../core/coding/restore';
import { touchesBoundary } from '../core/anchoring/live';
import type { Annotation } from '../core/model/annotation';
import { documentPathFor, sidecarPathFor, SIDECAR_SUFFIX } from '../core/sidecar/iri';
import { sameBytes } from '../core/sidecar/encode';
import { SidecarFiles, type SidecarChange, type WriteBase } from '../core/sidecar/files';
import { rebaseAnnotations } from '../core/update';
import { codingWriteProblems } from '../core/project';
import { FileRefusedError, KeyedMutex, walk } from '../core/store';
import { isSidecarPath } from '../core/project';
import { createDocumentMemo, isWholeDocument } from '../core/sidecar/format';
import { CodebookService } from './codebookService';
import { CodedDocument, copyAnnotation, copySegment, type Segment } from './codedDocument';
import { DocumentMapper } from './convert';
import { WorkspaceStore } from './workspaceStore';
import { CodingUndo } from './undo';
import { coderName } from './coder';

export interface CodingChange {
  doc: CodedDocument;
  reason: 'load' | 'edit' | 'coding' | 'codebook';
  /**
   * For an edit: whether what the editor shows of the coding must be drawn again. Not when the
   * edit reached no segment's start or end, removed none and added or removed no line: the editor
   * then moves the highlights and stripes exactly as the coding moved.
   */
  redraw?: boolean;
}

export interface Folder {
  folder: vscode.WorkspaceFolder;
  store: WorkspaceStore;
  /** Every read and write of the folder's sidecars, and their changes on disk. */
  sidecars: SidecarFiles;
  codebook: CodebookService;
}

export class CodingManager implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly folders = new Map<string, Folder>();
  private readonly docs = new Map<string, CodedDocument>();
  private readonly loading = new Map<string, Promise<CodedDocument | undefined>>();
  private readonly changed = new vscode.EventEmitter<CodingChange>();
  /** Fires when a document's segments change: loaded or reloaded, moved by typing, or coded. */
  readonly onDidChange = this.changed.event;
  private readonly codebookChanged = new vscode.EventEmitter<Folder>();
  readonly onDidChangeCodebook = this.codebookChanged.event;
  private readonly foldersChanged = new vscode.EventEmitter<void>();
  /** Fires when workspace folders were added (each with its SidecarFiles) or removed. */
  readonly onDidChangeFolders = this.foldersChanged.event;
  readonly undo = new CodingUndo((doc, ids, segments) => this.replaceSegments(doc, ids, segments), (d) => this.get(d));

  constructor(readonly diagnostics: vscode.DiagnosticCollection) {
    this.disposables.push(this.changed, this.codebookChanged, this.foldersChanged, this.undo);
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => void this.ensure(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e)),
      vscode.workspace.onDidSaveTextDocument((d) => void this.onSave(d)),
      vscode.workspace.onDidRenameFiles((e) => void this.onRename(e)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.syncFolders()),
    );
    this.syncFolders();
  }

  private syncFolders(): void {
    const current = new Set((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()));
    for (const [key, f] of this.folders) {
      if (!current.has(key)) {
        f.codebook.dispose();
        f.sidecars.dispose();
        this.folders.delete(key);
      }
    }
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const key = folder.uri.toString();
      if (this.folders.has(key)) continue;
      const store = new WorkspaceStore(folder.uri);
      const codebook = new CodebookService(folder, store, this.diagnostics);
      const sidecars = new SidecarFiles(store);
      const f: Folder = { folder, store, sidecars, codebook };
      sidecars.onDidChange((c) => {
        if (!c.own) this.onSidecarChangedOnDisk(f, c);
      });
      codebook.onDidChange(() => {
        this.codebookChanged.fire(f);
        for (const d of this.docs.values()) if (this.folderOf(d.document.uri) === f) this.changed.fire({ doc: d, reason: 'codebook' });
      });
      this.folders.set(key, f);
      void codebook.reload();
    }
    this.foldersChanged.fire();
  }

  allFolders(): Folder[] {
    return [...this.folders.values()];
  }

  folderOf(uri: vscode.Uri): Folder | undefined {
    const wf = vscode.workspace.getWorkspaceFolder(uri);
    return wf ? this.folders.get(wf.uri.toString()) : undefined;
  }

  static isCodable(d: vscode.TextDocument): boolean {
    return d.languageId === 'markdown' && d.uri.scheme !== 'untitled' && !d.uri.path.endsWith(SIDECAR_SUFFIX);
  }

  get(document: vscode.TextDocument): CodedDocument | undefined {
    return this.docs.get(document.uri.toString());
  }

  openDocuments(): CodedDocument[] {
    return [...this.docs.values()];
  }

  /** The document's coding, loading it first if needed. Undefined when it cannot be coded. */
  async ensure(document: vscode.TextDocument): Promise<CodedDocument | undefined> {
    if (!CodingManager.isCodable(document)) return undefined;
    const key = document.uri.toString();
    const have = this.docs.get(key);
    if (have) return have;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const p = this.load(document).finally(() => this.loading.delete(key));
    this.loading.set(key, p);
    return p;
  }

  private async load(document: vscode.TextDocument): Promise<CodedDocument | undefined> {
    const f = this.folderOf(document.uri);
    if (!f) return undefined;
    const path = f.store.relative(document.uri);
    if (path === undefined) return undefined;
    const doc = new CodedDocument(document, path);
    // A document reached through a link that leads outside the workspace is shown, never coded:
    // its coding would be written outside, or its text quoted into the workspace.
    const refused = await f.store.stat(path).then(
      () => undefined,
      (e: unknown) => (e instanceof FileRefusedError ? e.message : undefined),
    );
    if (refused) {
      doc.readOnly = true;
      doc.problems = [{ file: path, severity: 'error', message: refused }];
      this.docs.set(document.uri.toString(), doc);
      return doc;
    }
    // The reading kept by the folder's SidecarFiles (the index's, or the editor's last write) when
    // the file is unchanged since; else the file, read and checked once for the editor and the index.
    const reading = await f.sidecars.read(doc.sidecarPath);
    if (document.isClosed) return undefined;
    this.reportLoad(doc, doc.loadRead(reading.bytes, reading.load, reading.kept ? 'kept' : reading.load ? 'file' : 'none', reading.stamp));
    this.docs.set(document.uri.toString(), doc);
    this.changed.fire({ doc, reason: 'load' });
    return doc;
  }

  private reportLoad(doc: CodedDocument, counts: { moved: number; fuzzy: number; orphan: number }, what = 'changed since it was coded'): void {
    const err = doc.problems.find((p) => p.severity === 'error');
    if (err) {
      void vscode.window.showErrorMessage(
        `The coding of ${doc.path} could not be loaded: ${err.message} The document stays readable; ${doc.sidecarPath} is left untouched and coding is paused for this document until the file is fixed.`,
      );
    } else if (doc.readOnly && doc.problems[0]) {
      void vscode.window.showWarningMessage(doc.problems[0].message);
    }
    if (counts.fuzzy + counts.orphan > 0) {
      const parts = [counts.fuzzy > 0 ? `${counts.fuzzy} re-attached approximately` : '', counts.orphan > 0 ? `${counts.orphan} lost their text and are kept as orphans (see Problems)` : ''].filter(Boolean);
      void vscode.window.showWarningMessage(`${doc.path} ${what}: ${parts.join('; ')}.`);
    }
  }

  private forget(document: vscode.TextDocument): void {
    const doc = this.docs.get(document.uri.toString());
    if (!doc) return;
    this.docs.delete(document.uri.toString());
    this.undo.forget(doc);
    this.diagnostics.delete(document.uri);
  }

  private onEdit(e: vscode.TextDocumentChangeEvent): void {
    const doc = this.docs.get(e.document.uri.toString());
    if (!doc || e.contentChanges.length === 0) return;
    if (mayBeReloadFromDisk(e)) void this.checkReloadFromDisk(doc, doc.segments.map(copySegment), doc.codingVersion);
    // VS Code reports the changes of one event so that applying them in order is correct.
    let redraw = false;
    for (const c of e.contentChanges) {
      const change = { offset: c.rangeOffset, removed: c.rangeLength, inserted: c.text.length };
      redraw ||= c.range.start.line !== c.range.end.line || c.text.includes('\n') || c.text.includes('\r') || touchesBoundary(doc.segments, change);
      if (doc.applyChange(change).length > 0) redraw = true;
    }
    if (e.reason === vscode.TextDocumentChangeReason.Undo || e.reason === vscode.TextDocumentChangeReason.Redo) {
      restoreByQuote(doc.document.getText(), doc.segments);
      redraw = true;
    }
    this.undo.textEdited(doc);
    this.changed.fire({ doc, reason: 'edit', redraw });
  }

  /**
   * When VS Code reloads an unmodified document whose file changed on disk (git checkout, stash,
   * another program), it reports the new text as an edit, which would take every segment in the
   * replaced lines for deleted. Once the change is known to be such a reload (the document still
   * unmodified and equal to the file), the coding as it was before the change (`before`) is found
   * again in the new text by quotes and context, as opening does.
   */
  private async checkReloadFromDisk(doc: CodedDocument, before: Segment[], codingVersion: number): Promise<void> {
    const document = doc.document;
    const version = document.version;
    const f = this.folderOf(document.uri);
    const onDisk = await f?.store.readBytes(doc.path).catch(() => undefined);
    // Typed or coded since: not a reload, or no longer one to redo (the coding done since stays).
    if (!onDisk || document.isClosed || document.isDirty || document.version !== version || doc.codingVersion !== codingVersion || this.docs.get(document.uri.toString()) !== doc) return;
    // As VS Code shows the file: without a BOM, with one kind of line end.
    const lf = (t: string) => t.replace(/\r\n?/g, '\n');
    const text = new TextDecoder('utf-8').decode(onDisk);
    if (lf(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) !== lf(document.getText())) return; // typing, not a reload
    doc.segments = before;
    this.reportLoad(doc, doc.reanchor(), 'changed on disk');
    this.undo.forget(doc);
    this.changed.fire({ doc, reason: 'load' });
  }

  private async onSave(document: vscode.TextDocument): Promise<void> {
    const doc = this.docs.get(document.uri.toString());
    if (!doc || doc.readOnly) return;
    if (!doc.sidecarExists && doc.segments.length === 0) return;
    await this.persist(doc, { quiet: true });
  }

  /** One save at a time per document: a save computes what to write and what it is based on in its turn. */
  private readonly saving = new KeyedMutex();

  /** Writes the document's sidecar. Returns false (after telling the user) when it must not. */
  persist(doc: CodedDocument, opts: { quiet?: boolean } = {}): Promise<boolean> {
    return this.saving.run(doc.document.uri.toString(), () => this.persistNow(doc, opts));
  }

  private async persistNow(doc: CodedDocument, opts: { quiet?: boolean }): Promise<boolean> {
    const f = this.folderOf(doc.document.uri);
    if (!f) return false;
    if (doc.readOnly) {
      if (!opts.quiet) void vscode.window.showErrorMessage(`Coding of ${doc.path} is paused: ${doc.sidecarPath} could not be read safely (${doc.problems[0]?.message ?? 'see Problems'}). Fix or remove that file first; it was not overwritten.`);
      return false;
    }
    const refusal = this.writeRefusal(f, doc);
    if (refusal) {
      if (!opts.quiet) void vscode.window.showErrorMessage(`The coding of ${doc.path} was not saved: ${refusal} Nothing was written.`);
      return false;
    }
    // Coding taken from a reading without its bytes: when the file is still the one read, its bytes
    // tell whether saving would change anything (unchanged coding is never written again).
    if (doc.lastSidecar === undefined && doc.loadedStamp) {
      const stamp = await f.store.stat(doc.sidecarPath).catch(() => undefined);
      if (stamp && stamp.size === doc.loadedStamp.size && stamp.mtime === doc.loadedStamp.mtime) {
        doc.lastSidecar = await f.store.readBytes(doc.sidecarPath).catch(() => undefined);
      }
      if (doc.readOnly) return false; // reloaded meanwhile from a file that cannot be written
    }
    let bytes = doc.toSidecarBytes();
    if (sameBytes(bytes, doc.lastSidecar)) {
      doc.positionsChanged = false;
      return true;
    }
    // What these bytes hold, and the file they are based on (the editor's last reading or write).
    let written = doc.segments.map((s) => copyAnnotation(s.ann));
    const base: WriteBase = doc.lastSidecar ? { bytes: doc.lastSidecar } : doc.loadedStamp ? { stamp: doc.loadedStamp } : { absent: !doc.sidecarExists };
    bytes = await f.sidecars.write(doc.sidecarPath, bytes, { ...doc.sidecar, annotations: written }, {
      base,
      // Another writer (the qda tool, a colleague's coding pulled) saved since: the editor's
      // changes since its reading go onto what is there now, part by part, instead of over it.
      rebase: (theirs) => {
        if (theirs && (!theirs.sidecar || theirs.readOnly)) {
          doc.loadRead(undefined, theirs, 'file');
          this.undo.forget(doc);
          this.changed.fire({ doc, reason: 'load' });
          throw new Error(`${doc.sidecarPath} was changed on disk meanwhile and cannot be read safely (${theirs.problems[0]?.message ?? 'see Problems'}); the coding was not written over it, and coding of this document pauses until the file is fixed.`);
        }
        doc.toSidecarBytes(); // the latest positions and quotes, coding done while waiting included
        const ours = doc.segments.map((s) => copyAnnotation(s.ann));
        const merged = rebaseAnnotations(doc.base, ours, theirs?.sidecar?.annotations ?? []);
        doc.loadRead(undefined, { sidecar: { ...(theirs?.sidecar ?? doc.sidecar), annotations: merged }, problems: theirs?.problems ?? [], readOnly: false }, 'file');
        this.changed.fire({ doc, reason: 'load' });
        const rebased = doc.toSidecarBytes();
        written = doc.segments.map((s) => copyAnnotation(s.ann));
        return { bytes: rebased, sidecar: { ...doc.sidecar, annotations: written } };
      },
    });
    doc.wrote(bytes, written);
    doc.positionsChanged = false;
    return true;
  }

  /** Reloads an open document's coding from its sidecar on disk (after a workspace-wide change). */
  async reloadFromDisk(folder: Folder, sidecarPath: string): Promise<void> {
    // A reading that differs from the one kept is announced, and reaches onSidecarChangedOnDisk.
    await folder.sidecars.read(sidecarPath);
  }

  /** A sidecar changed on disk (git checkout, pull, another editor, the qda tool): the open document follows. */
  private onSidecarChangedOnDisk(f: Folder, c: SidecarChange): void {
    const docPath = documentPathFor(c.path);
    const doc = [...this.docs.values()].find((d) => d.path === docPath && this.folderOf(d.document.uri) === f);
    if (!doc) return;
    if (c.load ? c.bytes !== undefined && sameBytes(c.bytes, doc.lastSidecar) : !doc.sidecarExists) return;
    const had = doc.segments.length;
    const counts = doc.loadRead(c.bytes, c.load, c.load ? 'file' : 'none', c.stamp);
    this.undo.forget(doc);
    this.reportLoad(doc, counts);
    if (!c.load && had > 0) {
      void vscode.window.showWarningMessage(`The coding file of ${doc.path} (${doc.sidecarPath}) was deleted on disk (a git checkout, or another program): its ${had} segment${had === 1 ? ' is' : 's are'} no longer shown. Restore the file (for example with git) to get ${had === 1 ? 'it' : 'them'} back.`);
    }
    this.changed.fire({ doc, reason: 'load' });
  }

  private async onRename(e: vscode.FileRenameEvent): Promise<void> {
    for (const { oldUri, newUri } of e.files) {
      const f = this.folderOf(oldUri);
      const nf = this.folderOf(newUri);
      const from = f?.store.relative(oldUri);
      const to = nf?.store.relative(newUri);
      if (!f || !nf || from === undefined || to === undefined) continue;
      if (!/\.(md|markdown)$/i.test(from)) {
        // A folder moved in VS Code: its sidecars are read at their new places (the old ones go with the folder's deletion).
        if ((await nf.store.stat(to).catch(() => undefined))?.type === 'directory') for (const p of await walk(nf.store, to, isSidecarPath)) await nf.sidecars.read(p);
        continue;
      }
      if (!(await f.store.stat(sidecarPathFor(from)))) continue; // no coding to move
      try {
        if (f === nf) await f.sidecars.rename(sidecarPathFor(from), sidecarPathFor(to));
        else await vscode.workspace.fs.rename(f.store.uri(sidecarPathFor(from)), nf.store.uri(sidecarPathFor(to)), { overwrite: false });
      } catch (err) {
        void vscode.window.showErrorMessage(`The coding of ${from} could not be moved with it to ${to}: ${(err as Error).message}. It is still in ${sidecarPathFor(from)}.`);
        continue;
      }
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === newUri.toString());
      if (open) {
        this.forget(open);
        const doc = await this.ensure(open);
        // Record the new file name in the annotations' targets.
        if (doc && !doc.readOnly) await this.persist(doc, { quiet: true });
      }
    }
  }

  // ---- coding actions -------------------------------------------------------------------------

  /**
   * Why the document's coding may not be written, as `qda validate` would report it (the core's one
   * rule for every writer: no codebook, a codebook with errors, a code the codebook does not have),
   * or undefined when it may.
   */
  private writeRefusal(f: Folder, doc: CodedDocument): string | undefined {
    const cb = f.codebook;
    const problems = codingWriteProblems({ exists: cb.exists, codebook: cb.codebook, problems: cb.problems }, cb.path, {
      sidecar: { ...doc.sidecar, annotations: doc.segments.map((s) => s.ann) },
      sidecarPath: doc.sidecarPath,
      readOnly: doc.readOnly,
      problems: doc.problems,
    });
    if (problems.length === 0) return undefined;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}: see Problems)` : '';
    return `${problems[0].message}${more}`;
  }

  /** The document's coding if it may be coded now; otherwise throws with the reason, in plain words. */
  async writable(document: vscode.TextDocument): Promise<CodedDocument> {
    const doc = await this.ensure(document);
    if (!doc) {
      throw new Error(CodingManager.isCodable(document) ? 'Open the folder that contains this document to code it: its coding is kept next to it in the workspace.' : 'Only Markdown documents can be coded.');
    }
    if (doc.readOnly && doc.problems[0]?.file === doc.path) throw new Error(`${doc.path} cannot be coded: ${doc.problems[0].message}`);
    if (doc.readOnly) throw new Error(`Coding of ${doc.path} is paused: ${doc.sidecarPath} could not be read safely (${doc.problems[0]?.message ?? 'see Problems'}). Fix that file first; it was not overwritten.`);
    const f = this.folderOf(document.uri);
    const refusal = f && this.writeRefusal(f, doc);
    if (refusal) throw new Error(`Coding of ${doc.path} is paused: ${refusal} Nothing was changed.`);
    return doc;
  }

  /** Applies codes to ranges (document offsets); a range that already is a segment gets the codes added. */
  async addCodes(document: vscode.TextDocument, ranges: [number, number][], codes: string[], memo?: string): Promise<Segment[]> {
    const doc = await this.writable(document);
    const mapper = new DocumentMapper(document);
    const creator = await coderName(document.uri);
    const before: Segment[] = [];
    const after: Segment[] = [];
    for (const [start, end] of ranges) {
      if (end <= start) continue;
      const same = doc.anchored().find((s) => s.start === start && s.end === end);
      if (same) {
        const coded = withCodes(same.ann, codes);
        if (!coded) continue;
        before.push(copySegment(same));
        same.ann = coded;
        after.push(copySegment(same));
      } else {
        const ann = createAnnotation(mapper.text, { start: mapper.toCodePoint(start), end: mapper.toCodePoint(end), codes, creator, memo });
        const seg: Segment = { ann, start, end, status: 'exact' };
        doc.segments.push(seg);
        after.push(copySegment(seg));
      }
    }
    if (after.length === 0) return [];
    this.undo.record(doc, codes.length === 1 ? 'Apply code' : 'Apply codes', before, after);
    await this.commit(doc);
    return after.map((s) => doc.byId(s.ann.id)!);
  }

  /**
   * Removes codes from a segment (all when `codes` is omitted). A segment left with neither a code
   * nor a memo is removed; one with a memo keeps it (the core's rule, as for removing a code everywhere).
   */
  async removeCodes(document: vscode.TextDocument, id: string, codes?: string[]): Promise<void> {
    const doc = await this.writable(document);
    const seg = doc.byId(id);
    if (!seg) throw new Error('That coded segment no longer exists.');
    const before = [copySegment(seg)];
    const rest = withoutCodes(seg.ann, codes);
    if (!rest) {
      doc.segments.splice(doc.segments.indexOf(seg), 1);
      this.undo.record(doc, 'Remove segment', before, []);
    } else {
      seg.ann = rest;
      this.undo.record(doc, 'Remove code', before, [copySegment(seg)]);
    }
    await this.commit(doc);
  }

  /** Replaces one code of a segment by another. */
  async recode(document: vscode.TextDocument, id: string, from: string, to: string): Promise<void> {
    const doc = await this.writable(document);
    const seg = doc.byId(id);
    if (!seg) throw new Error('That coded segment no longer exists.');
    const before = [copySegment(seg)];
    seg.ann = recoded(seg.ann, from, to);
    this.undo.record(doc, 'Recode', before, [copySegment(seg)]);
    await this.commit(doc);
  }

  /** Sets or clears a segment's memo. */
  async setMemo(document: vscode.TextDocument, id: string, memo: string): Promise<void> {
    const doc = await this.writable(document);
    const seg = doc.byId(id);
    if (!seg) throw new Error('That coded segment no longer exists.');
    const before = [copySegment(seg)];
    const memoed = withMemo(seg.ann, memo);
    // A passage left with neither a code nor a memo is not kept: the same rule as removing its last code.
    if (!holdsCoding(memoed) && !isWholeDocument(memoed)) {
      doc.segments.splice(doc.segments.indexOf(seg), 1);
      this.undo.record(doc, 'Remove segment', before, []);
    } else {
      seg.ann = memoed;
      this.undo.record(doc, 'Edit memo', before, [copySegment(seg)]);
    }
    await this.commit(doc);
  }

  /** Re-attaches a segment (typically an orphan) to a range of document offsets. */
  async reattach(document: vscode.TextDocument, id: string, start: number, end: number): Promise<void> {
    const doc = await this.writable(document);
    const seg = doc.byId(id);
    if (!seg) throw new Error('That coded segment no longer exists.');
    if (end <= start) throw new Error('Select the passage to attach the segment to.');
    const before = [copySegment(seg)];
    seg.start = start;
    seg.end = end;
    seg.status = 'exact';
    seg.reason = undefined;
    seg.ann = { ...seg.ann, modified: timestamp() };
    this.undo.record(doc, 'Re-attach segment', before, [copySegment(seg)]);
    await this.commit(doc);
  }

  /** Sets (or with an empty text removes) the memo on the whole document. */
  async setDocumentMemo(document: vscode.TextDocument, memo: string): Promise<void> {
    const doc = await this.writable(document);
    const existing = doc.segments.find((s) => isWholeDocument(s.ann));
    const before = existing ? [copySegment(existing)] : [];
    if (memo.trim() === '') {
      if (!existing) return;
      doc.segments.splice(doc.segments.indexOf(existing), 1);
      this.undo.record(doc, 'Remove document memo', before, []);
    } else if (existing) {
      existing.ann = withMemo(existing.ann, memo);
      this.undo.record(doc, 'Edit document memo', before, [copySegment(existing)]);
    } else {
      const seg: Segment = { ann: createDocumentMemo({ memo, creator: await coderName(document.uri) }), status: 'exact' };
      doc.segments.push(seg);
      this.undo.record(doc, 'Add document memo', [], [copySegment(seg)]);
    }
    await this.commit(doc);
  }

  /** Replaces the segments with these ids by the given copies (used by undo and redo). */
  async replaceSegments(doc: CodedDocument, ids: Set<string>, replacement: Segment[]): Promise<void> {
    if (doc.readOnly) throw new Error(`Coding of ${doc.path} is paused: ${doc.sidecarPath} could not be read safely.`);
    doc.segments = doc.segments.filter((s) => !ids.has(s.ann.id));
    doc.segments.push(...replacement.map(copySegment));
    await this.commit(doc);
  }

  private async commit(doc: CodedDocument): Promise<void> {
    doc.codingVersion++;
    this.changed.fire({ doc, reason: 'coding' });
    await this.persist(doc);
  }

  dispose(): void {
    for (const f of this.folders.values()) {
      f.codebook.dispose();
      f.sidecars.dispose();
    }
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * Whether a change may be VS Code reloading a document whose file changed on disk: no undo or
 * redo, and the document reported unmodified. The first keystroke after a save is reported so too
 * (the document becomes modified a moment later), so this only says when to compare with the file.
 */
function mayBeReloadFromDisk(e: vscode.TextDocumentChangeEvent): boolean {
  return !e.document.isDirty && e.reason === undefined;
}

export type { Annotation };
