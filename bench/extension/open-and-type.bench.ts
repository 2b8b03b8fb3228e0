/**
 * The in-editor benchmark, loaded by the extension host as its tests module (extensionTestsPath)
 * by bench/extension/run.mjs, on the workspace bench/extension/workspace.ts generated. Measures,
 * for a 1 MB transcript coded with 10,000 annotations:
 *
 * (a) open → fully highlighted: from `openTextDocument` until the coding is loaded and drawn.
 *     With the read-only `decorations()` of the test API `activate` returns, it polls what the extension last
 *     drew; without it, it polls for the one diagnostic those documents' coding produces (a code
 *     missing from the codebook), which the extension sets in the same synchronous step as the
 *     highlights, right after them. Each coded open follows an open of a plain copy (no sidecar),
 *     VS Code's own time for the same text. Then, for attribution, the load's stages are timed
 *     one by one in this extension host with the extension's own core code.
 * (b) the extension's work per keystroke: the time of its onDidChangeTextDocument handler for
 *     single-character insertions (editor.edit). Two listeners of our own bracket it: one
 *     subscribed before the extension activates (we activate it ourselves), one right after, so
 *     the time between them is the extension's handler and nothing else. Typed into a coded copy
 *     with no problem to show (the main figure), a plain copy (baseline) and a coded copy that
 *     shows one problem. The extension host's CPU time over each typing run is compared too, and
 *     the debounced redraw after a typing pause is estimated from how long it blocks the loop.
 * Then saving (the sidecar is rewritten) and, with QDA_BENCH_PROFILE=1, CPU profiles.
 *
 * Writes its raw results as JSON to the path in bench-config.json (next to the workspace); the
 * runner prints the table. Rejects when a measurement could not be made.
 */
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { parseJsonFile } from '../../src/core/json';
import { openDocument } from '../../src/core/project';
import { parseSidecar } from '../../src/core/sidecar/format';
import { parseSidecarBytes as readSidecarBytes } from '../../src/core/sidecar/format';
import { CodedDocument } from '../../src/host/codedDocument';
import type { TestApi } from '../../src/extension';
import type { Manifest } from './workspace';

const EXTENSION_ID = 'orchestration-qda.orchestration-qda';
/** The read-only state function of the extension's test API; used when the extension's API has it. */
const HOOK = 'decorations()';

interface Config {
  manifest: Manifest;
  resultsPath: string;
  /** Measured opens: manifest.coded[0 .. opens - 1] (and as many plain copies). */
  opens: number;
  /**
   * More opens, of manifest.coded[opens .. opens + fromFile - 1], each with its sidecar touched
   * just before (as a git pull does): the extension then reads the file instead of taking the
   * workspace index's reading of it.
   */
  fromFile: number;
  /** When set, also profiles the extension host (opening manifest.coded[opens + fromFile], typing, saving) into this folder. */
  profileDir?: string;
  /** Typing rounds (each: the clean coded copy, then the plain copy; the copy with a problem once) and keystrokes per round. */
  rounds: number;
  keystrokes: number;
  /** A typing run stops early after this long (ms), with fewer keystrokes. */
  typingBudgetMs: number;
  /** Wait after closing the editors, before each measured open (ms). */
  settleMs: number;
}

/** What the test API's `decorations()` returns (refreshMs and editTiming when the extension reports them). */
interface HookState {
  loaded: boolean;
  segments: number;
  /** Where the extension took the coding from: the sidecar file or the workspace index's reading of it. */
  loadedFrom?: string;
  refreshedAt?: number;
  refreshMs?: number;
  highlightRanges: number;
  editTiming?: { events: number; totalMs: number; maxMs: number };
}

interface OpenRun {
  file: string;
  /** coded: a coded copy; file: a coded copy whose sidecar was touched just before; plain: no sidecar. */
  target: 'coded' | 'plain' | 'file';
  openMs: number;
  shownMs: number;
  /** onDidOpenTextDocument fired here (the extension starts loading then). */
  didOpenMs?: number;
  /** The editor became visible (onDidChangeVisibleTextEditors). */
  visibleMs?: number;
  /** Extension host CPU time (user + system) from the start until highlighted (coded) or shown (plain). */
  cpuMs: number;
  highlightedMs: number;
  /** With the hook: the extension's own refresh time stamp, relative to the start (ms, 1 ms resolution). */
  refreshedAtMs?: number;
  loadedFrom?: string;
  pollChecks: number;
}

type TypingTarget = 'clean' | 'plain' | 'problem';

interface TypingRun {
  round: number;
  target: TypingTarget;
  keystrokes: number;
  /** Per keystroke: the extension's handler (bracketing listeners), in ms. */
  handlerMs: number[];
  /** Per keystroke: the editor.edit round trip, in ms. */
  editMs: number[];
  /** Extension host process CPU time (user + system) over the whole typing run, in ms. */
  cpuMs: number;
  /** Event-loop active time over the typing run (performance.eventLoopUtilization), in ms. */
  activeMs: number;
  wallMs: number;
  /** After the last keystroke: the longest event-loop block while the debounced redraw is due. */
  pauseMaxBlockMs: number;
  /** Extension host CPU time over that pause (ms). */
  pauseCpuMs: number;
  /** With the hook: the extension's own figures. */
  hookRefreshMs?: number;
  hookHandlerMs?: number;
}

interface SaveRun {
  target: 'clean' | 'plain';
  /** `document.save()` resolved. */
  saveMs: number;
  /** The sidecar file was replaced (coded document only). */
  sidecarWrittenMs?: number;
  /** Longest event-loop block and extension host CPU over the 4 s after the save started. */
  maxBlockMs: number;
  cpuMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (s: string) => console.log(`[bench] ${s}`);

function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** Waits until `check` holds, checking about every millisecond; returns the time it first held and how often it looked. */
async function pollUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<{ at: number; checks: number }> {
  const deadline = performance.now() + timeoutMs;
  let checks = 0;
  for (;;) {
    checks++;
    if (await check()) return { at: performance.now(), checks };
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(1);
  }
}

/** Runs for `ms` and returns the longest gap between timer ticks (how long the event loop was blocked). */
async function longestBlock(ms: number): Promise<number> {
  const end = performance.now() + ms;
  let last = performance.now();
  let longest = 0;
  while (last < end) {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }
  return longest;
}

/** Busy and total jiffies of all CPUs (Linux), or undefined elsewhere. */
function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] || 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** How often settle() gave up waiting for a quiet machine. */
let busySettles = 0;

/**
 * Waits at least `minMs`, then until the machine is quiet (under 15 % of all CPUs busy over 300 ms:
 * the Markdown language server, git and the workbench have finished with the last document), at
 * most 5 s more (on a machine shared with other work it may never be quiet).
 */
async function settle(minMs: number): Promise<void> {
  await sleep(minMs);
  const deadline = performance.now() + 5_000;
  while (performance.now() < deadline) {
    const a = cpuTimes();
    await sleep(300);
    const b = cpuTimes();
    if (!a || !b || b.total === a.total || (b.busy - a.busy) / (b.total - a.total) < 0.15) return;
  }
  busySettles++;
}

/** Runs `fn` under the V8 CPU profiler of this extension host and writes the profile to `file`. */
async function profiled<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const session = new inspector.Session();
  session.connect();
  const post = <R>(method: string, params?: object) =>
    new Promise<R>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as R))));
  try {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
    const result = await fn();
    const { profile } = await post<{ profile: unknown }>('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    return result;
  } finally {
    session.disconnect();
  }
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('The benchmark must run with its generated workspace open.');
  const configPath = path.join(path.dirname(folder.uri.fsPath), 'bench-config.json');
  const config = JSON.parse(fs.readFileSync(configPath, 'utf8')) as Config;
  const m = config.manifest;
  const uriOf = (rel: string) => vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
  const notes: string[] = [];

  const loadAverageAtStart = os.loadavg();
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this extension host.`);

  // Let the extensions that start with the workbench (onStartupFinished) activate first, so that
  // their listeners do not land between ours: wait until the set of active ones holds for 2 s.
  {
    const activeIds = () => vscode.extensions.all.filter((x) => x.isActive).map((x) => x.id).join();
    const deadline = performance.now() + 15_000;
    let last = activeIds();
    let since = performance.now();
    while (performance.now() - since < 2000 && performance.now() < deadline) {
      await sleep(200);
      const now = activeIds();
      if (now !== last) {
        last = now;
        since = performance.now();
      }
    }
  }

  // ---- (b)'s bracket: a listener before the extension's, one after. -------------------------
  const bracketValid = !extension.isActive;
  if (!bracketValid) notes.push('The extension was already active: its change handler cannot be bracketed; the per-keystroke figure is the CPU-time difference instead.');
  let current: vscode.TextDocumentChangeEvent | undefined;
  let currentStart = 0;
  let recording: { uri: string; samples: number[] } | undefined;
  const before = vscode.workspace.onDidChangeTextDocument((e) => {
    current = e;
    currentStart = performance.now();
  });
  const activeBefore = new Set(vscode.extensions.all.filter((x) => x.isActive).map((x) => x.id));
  const tAct = performance.now();
  const api = (await extension.activate()) as Partial<TestApi> | undefined;
  const activationMs = performance.now() - tAct;
  const after = vscode.workspace.onDidChangeTextDocument((e) => {
    const end = performance.now();
    // Events without content changes (the dirty flag changing) are not keystrokes.
    if (e === current && recording && e.contentChanges.length > 0 && e.document.uri.toString() === recording.uri) recording.samples.push(end - currentStart);
  });
  const activatedMeanwhile = vscode.extensions.all.filter((x) => x.isActive && !activeBefore.has(x.id) && x.id !== EXTENSION_ID).map((x) => x.id);
  if (activatedMeanwhile.length > 0) notes.push(`Also activated while the bracket was set up (their change listeners, if any, are inside it): ${activatedMeanwhile.join(', ')}.`);
  log(`activated ${EXTENSION_ID} in ${activationMs.toFixed(1)} ms`);

  const hookApi = typeof api?.decorations === 'function' ? api.decorations : undefined;
  const hook = !!hookApi;
  log(hook ? `using the extension's test API (${HOOK})` : `no ${HOOK} in the extension's test API: waiting for the coding's diagnostic instead`);
  const hookState = async (uri: vscode.Uri): Promise<HookState | undefined> => (await hookApi?.({ uri: uri.toString() })) ?? undefined;

  /** True once the document's coding is loaded and drawn. */
  const highlighted = async (uri: vscode.Uri, annotations: number): Promise<boolean> => {
    if (hook) {
      const s = await hookState(uri);
      return !!s && s.loaded && s.segments === annotations && s.refreshedAt !== undefined && s.highlightRanges > 0;
    }
    return vscode.languages.getDiagnostics(uri).some((d) => d.message.includes(m.sentinelCode));
  };

  /** Checks that a document's coding is fully loaded (after any timing). */
  const verify = async (document: vscode.TextDocument): Promise<Record<string, unknown>> => {
    const verification: Record<string, unknown> = {};
    const diags = vscode.languages.getDiagnostics(document.uri);
    const other = diags.filter((d) => !d.message.includes(m.sentinelCode));
    verification.diagnostics = diags.length;
    if (diags.length !== 1 || other.length > 0) {
      throw new Error(`Expected exactly the one sentinel diagnostic on ${document.uri.fsPath}, got ${diags.length}: ${other.slice(0, 3).map((d) => d.message).join(' | ')}`);
    }
    if (hook) {
      const s = await hookState(document.uri);
      verification.hook = s;
      if (!s || s.segments !== m.annotations || s.highlightRanges !== m.expectedHighlights) {
        throw new Error(`The extension reports ${s?.segments} segments and ${s?.highlightRanges} highlight ranges; expected ${m.annotations} and ${m.expectedHighlights}.`);
      }
    }
    // Hover at the start of a few participant turns' text: the extension answers from the loaded coding.
    const text = document.getText();
    let hovered = 0;
    const probes = 20;
    for (let i = 0; i < probes; i++) {
      const turn = text.indexOf('**P07:**', Math.floor((text.length * i) / probes));
      if (turn === -1) continue;
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(turn + 40));
      if (hovers.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('Coded by')))) hovered++;
    }
    verification.hoversWithCoding = `${hovered}/${probes}`;
    log(`verified: ${diags.length} diagnostic (the sentinel), coding in ${hovered}/${probes} hovers${hook ? `, ${m.annotations} segments and ${m.expectedHighlights} highlight ranges` : ''}`);
    if (hovered === 0) throw new Error('No hover shows coding: the coding does not seem to be loaded.');
    return verification;
  };

  const CHARS = 'typing in the middle of a coded passage ';
  /** Types `config.keystrokes` single characters, one editor.edit each, in the middle of the document. */
  const typeInto = async (shown: vscode.TextDocument, target: TypingTarget, round: number, phase?: string): Promise<TypingRun> => {
    if (shown.isClosed) throw new Error(`${shown.uri.fsPath} was closed before typing into it.`);
    const editor = await vscode.window.showTextDocument(shown, { preview: false });
    const document = editor.document;
    await settle(config.settleMs);
    // Inside a participant's turn in the middle of the text, where segments overlap.
    const text = document.getText();
    const turn = text.indexOf('**P07:**', Math.floor(text.length / 2));
    let at = document.positionAt(text.indexOf(' ', turn + 150) + 1);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    await sleep(200);
    const rec = { uri: document.uri.toString(), samples: [] as number[] };
    const editMs: number[] = [];
    const hookBefore = hook ? (await hookState(document.uri))?.editTiming : undefined;
    recording = rec;
    // The runner reads the workbench's (browser) performance counters at these marks.
    if (phase) log(`phase ${phase} begin`);
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const w0 = performance.now();
    let keystrokes = 0;
    for (let k = 0; k < config.keystrokes && performance.now() - w0 < config.typingBudgetMs; k++) {
      const ch = CHARS[k % CHARS.length];
      const version = document.version;
      const t = performance.now();
      const ok = await editor.edit((b) => b.insert(at, ch), { undoStopBefore: false, undoStopAfter: false });
      editMs.push(performance.now() - t);
      if (!ok || document.version === version) throw new Error(`editor.edit did not change ${document.uri.fsPath} (keystroke ${k + 1}).`);
      at = at.translate(0, ch.length);
      keystrokes++;
    }
    if (keystrokes < config.keystrokes) notes.push(`Typing into the ${target} document (round ${round}) stopped after ${keystrokes} keystrokes: over ${config.typingBudgetMs / 1000} s.`);
    const wallMs = performance.now() - w0;
    const cpuMs = cpuMsSince(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    if (phase) log(`phase ${phase} end`);
    recording = undefined;
    // The pause after typing: the extension redraws its highlights after a short debounce.
    const cpu1 = process.cpuUsage();
    const pauseMaxBlockMs = await longestBlock(600);
    const pauseCpuMs = cpuMsSince(cpu1);
    const r: TypingRun = { round, target, keystrokes, handlerMs: rec.samples, editMs, cpuMs, activeMs: elu.active, wallMs, pauseMaxBlockMs, pauseCpuMs };
    if (hook) {
      const s = await hookState(document.uri);
      if (s?.refreshMs !== undefined && target !== 'plain') r.hookRefreshMs = s.refreshMs;
      if (s?.editTiming && hookBefore) r.hookHandlerMs = (s.editTiming.totalMs - hookBefore.totalMs) / Math.max(1, s.editTiming.events - hookBefore.events);
    }
    if (bracketValid && rec.samples.length !== keystrokes) {
      throw new Error(`Bracketed ${rec.samples.length} change events for ${keystrokes} keystrokes on the ${target} document.`);
    }
    return r;
  };

  /** Saves an edited document; for a coded one, waits until the extension has rewritten its sidecar. */
  const saveOne = async (document: vscode.TextDocument, target: 'clean' | 'plain'): Promise<SaveRun> => {
    await vscode.window.showTextDocument(document, { preview: false });
    await settle(config.settleMs);
    const sidecar = document.uri.fsPath + '.annotations.json';
    const stamp = () => {
      const st = fs.statSync(sidecar, { throwIfNoEntry: false });
      return st ? `${st.ino}:${st.mtimeMs}:${st.size}` : '';
    };
    const before = stamp();
    const cpu0 = process.cpuUsage();
    const blocks = longestBlock(4000);
    const t0 = performance.now();
    if (!(await document.save())) throw new Error(`${document.uri.fsPath} could not be saved.`);
    const r: SaveRun = { target, saveMs: performance.now() - t0, maxBlockMs: 0, cpuMs: 0 };
    if (target === 'clean') r.sidecarWrittenMs = (await pollUntil(() => stamp() !== before, 'the sidecar to be rewritten', 30_000)).at - t0;
    r.maxBlockMs = await blocks;
    r.cpuMs = cpuMsSince(cpu0);
    return r;
  };

  /** Waits until hovers show the document's coding (loaded), or, with the hook, until it is drawn. */
  const waitLoaded = async (document: vscode.TextDocument, annotations: number, what: string) => {
    if (hook) return pollUntil(() => highlighted(document.uri, annotations), what, 60_000);
    const text = document.getText();
    const probes: vscode.Position[] = [];
    for (let i = 0; i < 8; i++) {
      const turn = text.indexOf('**P07:**', Math.floor((text.length * i) / 8));
      if (turn !== -1) probes.push(document.positionAt(turn + 40));
    }
    return pollUntil(async () => {
      for (const p of probes) {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, p);
        if (hovers.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('Coded by')))) return true;
      }
      return false;
    }, what, 60_000);
  };

  /**
   * The stages of loading a coding, timed one by one in this extension host with the extension's
   * own core code (bundled again here), on a document that is open: median of 3 each, in ms.
   */
  const breakdown = async (document: vscode.TextDocument, rel: string): Promise<Record<string, number>> => {
    const sidecarUri = uriOf(rel + '.annotations.json');
    const times = async (fn: () => unknown, n = 3) => {
      const ts: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await fn();
        ts.push(performance.now() - t0);
      }
      return median(ts);
    };
    let bytes: Uint8Array = new Uint8Array();
    let text = '';
    const out: Record<string, number> = {};
    out['vscode.workspace.fs.readFile (as the extension reads it)'] = await times(async () => (bytes = await vscode.workspace.fs.readFile(sidecarUri)));
    out['node:fs readFileSync (for comparison)'] = await times(() => fs.readFileSync(sidecarUri.fsPath));
    out['TextDecoder.decode'] = await times(() => (text = new TextDecoder('utf-8').decode(bytes)));
    // The merge-conflict check of src/core/json.ts parseJsonFile, and JSON.parse alone.
    const CONFLICT = /^(<{7}|={7}|>{7}|\|{7})(?: |$)/m;
    out['conflict-marker regex (in parseJsonFile)'] = await times(() => CONFLICT.exec(text));
    out['JSON.parse'] = await times(() => JSON.parse(text));
    out['parseJsonFile'] = await times(() => parseJsonFile(text, rel));
    parseSidecar(text, rel); // compiles the schema once
    out['parseSidecar (parseJsonFile + schema + W3C → annotations)'] = await times(() => parseSidecar(text, rel));
    out['openDocument (parseSidecar + Text + hash + re-anchor)'] = await times(() => openDocument(rel, document.getText(), text));
    out['CodedDocument.loadRead (decode + parse + anchor + offsets)'] = await times(() => new CodedDocument(document, rel).loadRead(bytes, readSidecarBytes(bytes, rel), 'file'));
    out['TextDocument.getText (1 MB)'] = await times(() => document.getText());
    return out;
  };

  try {
    // ---- Warm-up: a small coded document (also waits for the codebook to be loaded). ---------
    {
      const uri = uriOf(m.warmup);
      const t0 = performance.now();
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
      await pollUntil(() => highlighted(uri, m.warmupAnnotations), 'the warm-up document to be highlighted', 30_000);
      log(`warm-up document (${m.warmupAnnotations} annotations) highlighted after ${(performance.now() - t0).toFixed(0)} ms`);
    }

    // ---- (a) open → fully highlighted, each time a document never opened before. -----------
    // Each coded open follows an open of a plain copy: the time VS Code itself needs to open and
    // show the same 1 MB of Markdown when the extension has nothing to load.
    const opens: OpenRun[] = [];
    const openOne = async (file: string, target: OpenRun['target']): Promise<vscode.TextDocument> => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await settle(config.settleMs);
      const uri = uriOf(file);
      let tDidOpen: number | undefined;
      let tVisible: number | undefined;
      const watchOpen = vscode.workspace.onDidOpenTextDocument((d) => {
        if (d.uri.toString() === uri.toString()) tDidOpen ??= performance.now();
      });
      const watchVisible = vscode.window.onDidChangeVisibleTextEditors((es) => {
        if (es.some((e) => e.document.uri.toString() === uri.toString())) tVisible ??= performance.now();
      });
      if (target === 'file') {
        const now = new Date();
        fs.utimesSync(uriOf(file + '.annotations.json').fsPath, now, now);
      }
      const startDate = Date.now();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const document = await vscode.workspace.openTextDocument(uri);
      const tOpen = performance.now();
      await vscode.window.showTextDocument(document, { preview: false });
      const tShown = performance.now();
      const run: OpenRun = { file, target, openMs: tOpen - t0, shownMs: tShown - t0, highlightedMs: NaN, pollChecks: 0, cpuMs: cpuMsSince(cpu0) };
      const stamps = () => {
        watchOpen.dispose();
        watchVisible.dispose();
        if (tDidOpen !== undefined) run.didOpenMs = tDidOpen - t0;
        if (tVisible !== undefined) run.visibleMs = tVisible - t0;
      };
      if (target !== 'plain') {
        const done = await pollUntil(() => highlighted(uri, m.annotations), `${file} to be highlighted`, 60_000);
        run.highlightedMs = done.at - t0;
        run.pollChecks = done.checks;
        run.cpuMs = cpuMsSince(cpu0);
        if (hook) {
          const s = await hookState(uri);
          if (s?.refreshedAt !== undefined) run.refreshedAtMs = s.refreshedAt - startDate;
          run.loadedFrom = s?.loadedFrom;
        }
      }
      stamps();
      opens.push(run);
      log(`open ${file}: document ${run.openMs.toFixed(0)} ms (onDidOpen ${run.didOpenMs?.toFixed(0)} ms, visible ${run.visibleMs?.toFixed(0)} ms), editor shown ${run.shownMs.toFixed(0)} ms${target !== 'plain' ? `, highlighted ${run.highlightedMs.toFixed(0)} ms (coding from the ${run.loadedFrom ?? '?'})` : ''}`);
      return document;
    };
    let coded: vscode.TextDocument | undefined;
    for (let i = 0; i < config.opens; i++) {
      await openOne(m.plain[i], 'plain');
      coded = await openOne(m.coded[i], 'coded');
    }
    if (!coded) throw new Error('No coded document was opened.');
    for (let i = 0; i < config.fromFile; i++) await openOne(m.coded[config.opens + i], 'file');

    // Check, after the timing, that the coding was fully loaded: every segment anchored exactly
    // (no orphan or approximate re-attachment diagnostic) and, with the hook, every highlight drawn.
    const verification = await verify(coded);
    const lastCoded = m.coded[config.opens - 1];
    const stages = await breakdown(coded, lastCoded);
    for (const [k, v] of Object.entries(stages)) log(`load stage: ${k}: ${v.toFixed(1)} ms`);

    // ---- (b) typing: single characters in the middle of a coded document vs a plain copy. ---
    // Both stay open in tabs (a document in no editor may be closed by VS Code after a while).
    const plain = (await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uriOf(m.plain[config.opens - 1])), { preview: false })).document;
    const clean = (await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uriOf(m.clean)), { preview: false })).document;
    await waitLoaded(clean, m.annotations, `${m.clean} to be loaded`);
    const typing: TypingRun[] = [];
    const typeAndLog = async (document: vscode.TextDocument, target: TypingTarget, round: number) => {
      const r = await typeInto(document, target, round, `typing-${target}-${round}`);
      typing.push(r);
      log(`typing round ${round}, ${target}: handler median ${median(r.handlerMs).toFixed(3)} ms, edit round trip median ${median(r.editMs).toFixed(1)} ms, CPU ${(r.cpuMs / r.keystrokes).toFixed(2)} ms/keystroke, pause: longest block ${r.pauseMaxBlockMs.toFixed(1)} ms, CPU ${r.pauseCpuMs.toFixed(0)} ms`);
    };
    for (let round = 1; round <= config.rounds; round++) {
      await typeAndLog(clean, 'clean', round);
      await typeAndLog(plain, 'plain', round);
    }
    // Once: the last coded copy opened, which shows one problem (the sentinel code).
    await typeAndLog(coded, 'problem', 1);

    // ---- Saving the edited documents (information: the extension rewrites the sidecar). -------
    const saves: SaveRun[] = [];
    for (const [document, target] of [[clean, 'clean'], [plain, 'plain']] as const) {
      const r = await saveOne(document, target);
      saves.push(r);
      log(`save ${target}: saved ${r.saveMs.toFixed(0)} ms${r.sidecarWrittenMs !== undefined ? `, sidecar written ${r.sidecarWrittenMs.toFixed(0)} ms` : ''}, longest block ${r.maxBlockMs.toFixed(0)} ms, CPU ${r.cpuMs.toFixed(0)} ms`);
    }

    // ---- Profiles (QDA_BENCH_PROFILE=1): where the extension host's time goes. ---------------
    const profiles: string[] = [];
    if (config.profileDir) {
      const file = m.coded[config.opens + config.fromFile];
      if (!file) throw new Error('No spare coded document to profile.');
      fs.mkdirSync(config.profileDir, { recursive: true });
      const at = (name: string) => path.join(config.profileDir!, name);
      const take = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
        log(`phase profile-${name} begin`);
        const result = await profiled(at(`${name}.cpuprofile`), fn);
        log(`phase profile-${name} end`);
        profiles.push(at(`${name}.cpuprofile`));
        return result;
      };
      await take('typing-clean', () => typeInto(clean, 'clean', 0));
      await take('save', () => saveOne(clean, 'clean'));
      // Closing an edited document would ask whether to save it: revert the ones typed into.
      for (const d of vscode.workspace.textDocuments.filter((x) => x.isDirty)) {
        await vscode.window.showTextDocument(d, { preview: false });
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await settle(config.settleMs);
      const uri = uriOf(file);
      const document = await take('open', async () => {
        const t0 = performance.now();
        const d = await vscode.workspace.openTextDocument(uri);
        await vscode.window.showTextDocument(d, { preview: false });
        const done = await pollUntil(() => highlighted(uri, m.annotations), `${file} to be highlighted`, 60_000);
        log(`profiled open of ${file}: highlighted after ${(done.at - t0).toFixed(0)} ms (profiler on)`);
        return d;
      });
      await take('typing-problem', () => typeInto(document, 'problem', 0));
    }

    if (busySettles > 0) notes.push(`The machine was still busy (over 15 % CPU) after ${busySettles} of the waits before a measurement: other work was running; expect noisy figures.`);
    const results = {
      when: new Date().toISOString(),
      machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverageAtStart, loadAverageAtEnd: os.loadavg(), node: process.version, vscode: vscode.version, uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop', remote: vscode.env.remoteName ?? null },
      hook,
      bracketValid,
      activationMs,
      activatedMeanwhile,
      notes,
      manifest: m,
      opens,
      verification,
      stages,
      typing,
      saves,
      profiles,
    };
    fs.writeFileSync(config.resultsPath, JSON.stringify(results, null, 2));
    log(`results written to ${config.resultsPath}`);
  } finally {
    before.dispose();
    after.dispose();
  }
}
