// UI test of the "Qualitative coding" side panel: drives the packaged extension in a real VS Code
// (code-server 4.139, VS Code 1.139) from headless Debian Chromium, as a person would.
//
// One run (light theme): a fresh user-data-dir with the packaged extension installed, a fresh copy
// of sample/, code-server without the smoke-test driver (the ordinary UI), then:
//   1. Ctrl+P, "network-director.md", Enter; wait for the coded highlights.
//   2. Click the "Qualitative coding" icon in the activity bar; check the Codebook view lists the
//      stages and codes with coloured icons and "N · M docs" counts.
//   3. Click a code in the Codebook view; check Coded segments lists its documents and passages.
//   4. Click a passage in Coded segments; check the transcript shows with the passage selected;
//      screenshot docs/screenshots/codebook-panel.png (the panel beside the coded transcript).
//   5. Hand-edit the copy's codebook.json: the code's name becomes an <img onerror> tag and its memo
//      a <script>; check inside the Memos webview that both show as literal text, that no img or
//      script element was made from them and that no dialog opened.
//   6. The Memos view says it shows the memos of the selected code (line and title), "Show all"
//      lists every memo (the code stays selected), "Show only its memos" goes back.
//   7. F2 renames the code; the status bar offers "Undo rename…", the Codebook title bar has Undo;
//      Ctrl+Z in the Codebook view undoes, Ctrl+Shift+Z redoes, the status bar item undoes again;
//      a merge from the palette (confirmed in its dialog) is undone from its notification's button.
// Step screenshots under test-results/ui-panel/. Prints "N passed, N failed"; exits 1 if anything failed.
//
// Needs: bash scripts/setup-vscode-test.sh (code-server, Node 24, Chromium). Packages the
// extension itself (npm run package), like test/ui/ui.mjs.
//
// Environment:
//   QDA_TEST_CACHE        where setup-vscode-test.sh installed things (default ~/.cache/orchestration-qda-test)
//   QDA_UI_NO_PACKAGE=1   use the dist/orchestration-qda.vsix already there
//   QDA_TEST_KEEP_TMP=1   keep the temporary workspace and user-data-dir
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_FLAGS, freePort, readInstallPaths as readSharedInstallPaths, stopProcessGroup, xdgFolders } from '../../scripts/lib/code-server.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = process.env.QDA_TEST_CACHE || path.join(os.homedir(), '.cache', 'orchestration-qda-test');
const keepTmp = process.env.QDA_TEST_KEEP_TMP === '1';
const sampleDir = path.join(repoRoot, 'sample');
const vsix = path.join(repoRoot, 'dist', 'orchestration-qda.vsix');
const stepsDir = path.join(repoRoot, 'test-results', 'ui-panel');
const screenshot = path.join(repoRoot, 'docs', 'screenshots', 'codebook-panel.png');
const MAX_SCREENSHOT_BYTES = 400 * 1024;

const DOC = 'interviews/network-director.md';
const CODE_ID = 'brokering-relations';
const CODE_NAME = 'Brokering relations';
const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(2)</script> Memo text stays text.';

const USER_SETTINGS = {
  'workbench.colorTheme': 'Default Light Modern',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'editor.stickyScroll.enabled': false,
  'editor.minimap.enabled': false,
  'qda.coder': 'UI test',
};

const started = Date.now();
const elapsed = () => ((Date.now() - started) / 1000).toFixed(1);
const say = (msg) => console.log(`[ui-panel ${elapsed()}s] ${msg}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let passed = 0;
let failed = 0;
function readInstallPaths() {
  return readSharedInstallPaths(cacheDir, (message) => {
    throw new Stop(message);
  });
}

function check(ok, what, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`  ${ok ? 'PASS' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`);
  return ok;
}

class Stop extends Error {}

/** Polls `probe` until it returns something truthy; returns its last value. */
async function until(probe, timeoutMs = 15000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  let value;
  for (;;) {
    value = await probe().catch(() => undefined);
    if (value || Date.now() > deadline) return value;
    await sleep(everyMs);
  }
}

// The code-server of the run in progress: ended with its whole process group on Ctrl+C too.
let liveServer;
let liveTmp;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (liveServer) {
      try {
        process.kill(-liveServer.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (liveTmp && !keepTmp) fs.rmSync(liveTmp, { recursive: true, force: true, maxRetries: 3 });
    console.log(`\ninterrupted (${signal})\n${passed} passed, ${failed + 1} failed`);
    process.exit(130);
  });
}

function packageExtension() {
  if (process.env.QDA_UI_NO_PACKAGE === '1' && fs.existsSync(vsix)) return;
  say('packaging the extension (npm run package)');
  const res = spawnSync('npm', ['run', '--silent', 'package', '--', '--no-rewrite-relative-links'], { cwd: repoRoot, encoding: 'utf8' });
  if (res.status !== 0) throw new Stop(`npm run package failed:\n${res.stdout}\n${res.stderr}`);
  if (!fs.existsSync(vsix)) throw new Stop(`${vsix} was not written by "npm run package".`);
}

/** The segments of a code in a document's sidecar, in document order: { exact, start }. */
function segmentsOf(docFile, code) {
  const sidecar = JSON.parse(fs.readFileSync(`${docFile}.annotations.json`, 'utf8'));
  return sidecar.items
    .filter((item) => item.body.some((b) => b.purpose === 'classifying' && String(b.source) === `urn:qda:code:${code}`))
    .map((item) => ({
      exact: item.target.selector.find((s) => s.type === 'TextQuoteSelector')?.exact,
      start: item.target.selector.find((s) => s.type === 'TextPositionSelector')?.start ?? 0,
    }))
    .sort((a, b) => a.start - b.start);
}

// --- in the page ------------------------------------------------------------------------------

/** How many coded highlight boxes the active editor draws (see test/ui/ui.mjs). */
function countHighlights(page) {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor') || document.querySelector('.monaco-editor');
    if (!editor) return 0;
    return [...editor.querySelectorAll('.view-overlays .cdr')].filter((el) => {
      const s = getComputedStyle(el);
      return s.borderBottomStyle === 'solid' && !/rgba\(\s*0,\s*0,\s*0,\s*0\s*\)/.test(s.backgroundColor) && el.getBoundingClientRect().width > 0;
    }).length;
  });
}

/** The rows of a side-bar view (by its title): label, description, icon and nesting level. */
function readRows(page, title) {
  return page.evaluate((title) => {
    const pane = [...document.querySelectorAll('.part.sidebar .pane')].find((p) => p.querySelector('.pane-header')?.textContent?.trim().toLowerCase().startsWith(title.toLowerCase()));
    if (!pane) return undefined;
    return [...pane.querySelectorAll('.pane-body .monaco-list-row')]
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map((row) => {
        const icon = row.querySelector('.custom-view-tree-node-item-icon');
        const iconStyle = icon ? getComputedStyle(icon) : undefined;
        const codicon = row.querySelector('.custom-view-tree-node-item-icon.codicon, .codicon[class*="codicon-"]');
        return {
          label: row.querySelector('.label-name')?.textContent ?? '',
          description: row.querySelector('.label-description')?.textContent ?? '',
          level: Number(row.getAttribute('aria-level') ?? 0),
          // A tree item's own icon: an image (code colours) or a codicon (theme icon).
          iconImage: iconStyle && iconStyle.backgroundImage !== 'none' ? iconStyle.backgroundImage : '',
          codicon: codicon ? [...codicon.classList].find((c) => c.startsWith('codicon-')) ?? '' : '',
          fileIcon: !!row.querySelector('.monaco-icon-label.file-icon'),
          selected: row.classList.contains('selected'),
        };
      });
  }, title);
}

/**
 * The Memos view's content: a webview is an iframe.webview (ready once loaded) holding the
 * #active-frame with the extension's HTML. Undefined until it has its #list.
 */
async function findMemosFrame(page) {
  const n = await page.locator('iframe.webview.ready').count();
  for (let i = 0; i < n; i++) {
    const inner = page.frameLocator('iframe.webview.ready').nth(i).frameLocator('#active-frame');
    if ((await inner.locator('#list').count()) > 0) return inner;
  }
  return undefined;
}

/** Expands a side-bar view (by its title) if it is collapsed. */
async function expandPane(page, title) {
  const header = page.locator('.part.sidebar .pane-header', { hasText: new RegExp(`^${title}`, 'i') }).first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

// ---------------------------------------------------------------------------------------------
async function run(paths, chromium) {
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-ui-panel-'));
  liveTmp = tmpRoot;
  const workspace = path.join(tmpRoot, 'sample');
  const userDataDir = path.join(tmpRoot, 'user-data');
  const extensionsDir = path.join(userDataDir, 'ext');
  const serverTmp = path.join(tmpRoot, 'tmp');
  const codeServerLog = path.join(tmpRoot, 'code-server.log');
  fs.rmSync(stepsDir, { recursive: true, force: true });
  fs.mkdirSync(stepsDir, { recursive: true });
  const browserLog = path.join(stepsDir, 'browser.log');
  const dialogs = [];
  let server;
  let browser;
  let page;
  const shot = (name) => page.screenshot({ path: path.join(stepsDir, `${name}.png`), timeout: 15000 });

  try {
    fs.cpSync(sampleDir, workspace, { recursive: true });
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    const xdg = xdgFolders(userDataDir);
    for (const d of [serverTmp, extensionsDir]) fs.mkdirSync(d, { recursive: true });
    const env = {
      ...process.env,
      ...xdg,
      TMPDIR: serverTmp,
      NODE_OPTIONS: '',
      NODE_COMPILE_CACHE: path.join(cacheDir, 'node-compile-cache'),
      EXTENSIONS_GALLERY: '{}',
      PATH: `${path.dirname(paths.node)}${path.delimiter}${process.env.PATH}`,
    };
    const dirArgs = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

    const install = spawnSync(paths.node, [paths.codeServer, ...dirArgs, '--install-extension', vsix], { cwd: tmpRoot, env, encoding: 'utf8' });
    const installed = fs.readdirSync(extensionsDir).some((d) => d.startsWith('orchestration-qda.orchestration-qda-'));
    if (!check(install.status === 0 && installed, 'the packaged extension installs into a fresh user-data-dir', installed ? '' : install.stderr.trim())) {
      throw new Stop('cannot go on without the extension');
    }

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const log = fs.openSync(codeServerLog, 'w');
    // detached: code-server leads its own process group, ended as a whole below.
    server = spawn(
      paths.node,
      [paths.codeServer, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', ...dirArgs, workspace],
      { cwd: tmpRoot, detached: true, stdio: ['ignore', log, log], env },
    );
    fs.closeSync(log);
    liveServer = server;
    const up = await until(() => fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok), 60000, 250);
    if (!up) throw new Stop(`code-server did not come up on ${base} (see ${codeServerLog})`);
    say(`code-server up on ${base}`);

    browser = await chromium.launch({ executablePath: paths.chromium, headless: true, args: CHROMIUM_FLAGS, env: { ...process.env, ...xdg } });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    const browserLogStream = fs.createWriteStream(browserLog);
    page.on('console', (msg) => browserLogStream.write(`[${msg.type()}] ${msg.text()}\n`));
    page.on('pageerror', (err) => browserLogStream.write(`[pageerror] ${err.stack || err}\n`));
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => {});
    });
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded', timeout: 60000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60000 });
    await sleep(1000);
    say('workbench ready');

    // Widen the side bar by dragging its edge, as a person would to read the codebook's counts
    // (before the panel opens: a webview resized while shown stays blank in headless Chromium).
    const bar = await page.locator('.part.sidebar').boundingBox();
    if (bar) {
      const edge = { x: bar.x + bar.width + 1, y: bar.y + bar.height / 2 };
      await page.mouse.move(edge.x, edge.y);
      await page.mouse.down();
      await page.mouse.move(edge.x + 120, edge.y, { steps: 5 });
      await page.mouse.move(edge.x + 230, edge.y, { steps: 5 });
      await page.mouse.up();
      await sleep(300);
      const wider = await page.locator('.part.sidebar').boundingBox();
      check(wider && wider.width > bar.width + 100, 'dragging its edge widens the side bar', `${Math.round(bar.width)} → ${Math.round(wider?.width ?? 0)} px`);
    }


    // --- 1. Open the transcript with Ctrl+P -----------------------------------------------------
    await page.keyboard.press('Control+P');
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.locator('input').waitFor({ state: 'visible', timeout: 15000 });
    await page.keyboard.type('network-director.md', { delay: 20 });
    await quickInput.locator('.monaco-list-row', { hasText: 'network-director.md' }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    const tab = page.locator('.tabs-container .tab.active', { hasText: 'network-director.md' });
    check(await tab.waitFor({ timeout: 15000 }).then(() => true, () => false), 'Ctrl+P opens interviews/network-director.md');
    const highlights = await until(async () => ((await countHighlights(page)) > 0 ? countHighlights(page) : 0), 30000, 250);
    check(highlights > 0, 'the transcript shows its coded highlights', `${highlights} highlight boxes`);
    await shot('1-transcript');

    // --- 2. The activity bar icon opens the panel ------------------------------------------------
    const icon = page.locator('.part.activitybar .action-item a[aria-label^="Qualitative coding"], .part.activitybar .action-item [aria-label^="Qualitative coding"]').first();
    check(await icon.waitFor({ timeout: 15000 }).then(() => true, () => false), 'the activity bar has a "Qualitative coding" icon');
    const iconLook = await icon.evaluate((el) => {
      const s = getComputedStyle(el);
      return { mask: s.webkitMaskImage || s.maskImage || '', background: s.backgroundImage, width: el.getBoundingClientRect().width };
    });
    check(/url\(/.test(iconLook.mask) || /url\(/.test(iconLook.background), 'the activity bar icon is drawn from the extension\'s SVG', iconLook.mask.slice(0, 60));
    await icon.click();
    const title = page.locator('.part.sidebar .composite.title');
    check(await title.filter({ hasText: /qualitative coding/i }).waitFor({ timeout: 15000 }).then(() => true, () => false), 'clicking it shows the "Qualitative coding" side bar');
    const codebookRows = await until(async () => {
      const rows = await readRows(page, 'Codebook');
      return rows?.some((r) => r.label === CODE_NAME && /^\d+ · \d+ docs?\b/.test(r.description)) ? rows : undefined;
    }, 30000);
    if (!check(!!codebookRows, `the Codebook view lists “${CODE_NAME}” with its counts`)) throw new Stop('no Codebook rows');
    const cb = JSON.parse(fs.readFileSync(path.join(workspace, 'codebook.json'), 'utf8'));
    const stageNames = cb.stages.map((s) => s.name);
    check(
      JSON.stringify(codebookRows.filter((r) => r.level === 1).map((r) => r.label).slice(0, stageNames.length)) === JSON.stringify(stageNames),
      'the Codebook view starts with the stages in codebook order',
      codebookRows.filter((r) => r.level === 1).map((r) => r.label).join(', '),
    );
    const brokering = codebookRows.find((r) => r.label === CODE_NAME);
    const expectedSegments = [DOC, 'interviews/spoke-nurse.md', 'field-notes/governance-board-2025-03.md'].map((d) => [d, segmentsOf(path.join(workspace, d), CODE_ID)]);
    const total = expectedSegments.reduce((n, [, s]) => n + s.length, 0);
    const docCount = expectedSegments.filter(([, s]) => s.length > 0).length;
    check(brokering.description.startsWith(`${total} · ${docCount} docs`), `“${CODE_NAME}” shows its segments and documents`, `"${brokering.description}"`);
    const codeRows = codebookRows.filter((r) => r.level > 1);
    check(codeRows.length > 0 && codeRows.every((r) => r.iconImage.includes('url(')), 'every code row has its colour icon', `${codeRows.filter((r) => !r.iconImage.includes('url(')).map((r) => r.label).join(', ') || 'all have one'}`);
    const stageRows = codebookRows.filter((r) => r.level === 1);
    check(stageRows.every((r) => r.iconImage.includes('url(') || r.codicon), 'every stage row has an icon', stageRows.map((r) => `${r.label}: ${r.iconImage ? 'image' : r.codicon || 'none'}`).join('; '));
    // The Memos webview loads after the trees: wait for it to show its summary line.
    const memosAt = Date.now();
    await expandPane(page, 'Memos');
    const summary = await until(async () => {
      const f = await findMemosFrame(page);
      const text = f ? await f.locator('#summary').textContent() : '';
      return /memo/i.test(text || '') ? text : undefined;
    }, 60000);
    check(!!summary, 'the Memos view shows how many memos there are', `“${summary}” after ${((Date.now() - memosAt) / 1000).toFixed(1)} s`);
    await shot('2-panel');
    // --- 3. Select a code: Coded segments fills ----------------------------------------------------
    await page.locator('.part.sidebar .pane-body .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${CODE_NAME}$`) }) }).first().click();
    const segmentRows = await until(async () => {
      const rows = await readRows(page, 'Coded segments');
      return rows && rows.filter((r) => r.level === 1).length === docCount ? rows : undefined;
    }, 15000);
    if (!check(!!segmentRows, 'clicking the code lists its documents in Coded segments', segmentRows ? '' : JSON.stringify(await readRows(page, 'Coded segments')))) throw new Stop('no Coded segments rows');
    const docRows = segmentRows.filter((r) => r.level === 1);
    const wantDocs = expectedSegments.filter(([, s]) => s.length > 0).map(([d, s]) => `${d.split('/').pop()}: ${s.length} segment${s.length === 1 ? '' : 's'}${d.includes('/') ? ` · ${d.slice(0, d.lastIndexOf('/'))}` : ''}`).sort();
    check(JSON.stringify(docRows.map((r) => `${r.label}: ${r.description}`).sort()) === JSON.stringify(wantDocs), 'each document with how many segments', docRows.map((r) => `${r.label}: ${r.description}`).join('; '));
    const quoteRows = segmentRows.filter((r) => r.level === 2);
    check(quoteRows.length > 0 && quoteRows.every((r) => /^“.*”$/.test(r.label) && r.codicon), 'segments show a quote preview with an icon', `${quoteRows.length} visible; first: ${quoteRows[0]?.label.slice(0, 50)}`);
    await shot('3-selected-code');

    // --- 4. Click a passage: the transcript shows it selected ---------------------------------------
    const [, directorSegments] = expectedSegments[0];
    const target = directorSegments[Math.min(2, directorSegments.length - 1)];
    const preview = `“${target.exact.replace(/\s+/g, ' ').trim().slice(0, 30)}`;
    const row = page.locator('.part.sidebar .pane-body .monaco-list-row', { has: page.locator('.label-name', { hasText: preview }) }).first();
    check(await row.waitFor({ timeout: 10000 }).then(() => true, () => false), 'the passage is listed under network-director.md', preview);
    await row.click();
    const status = await until(async () => {
      const s = (await page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().textContent()) || '';
      return /\(\d+ selected\)/.test(s) ? s : undefined;
    }, 10000);
    const selected = /\((\d+) selected\)/.exec(status || '');
    check(selected && Number(selected[1]) === [...target.exact].length, 'clicking it selects the passage in the transcript', (status || '').trim());
    check(await tab.isVisible(), 'network-director.md is the active editor');
    await sleep(1500); // the passage flashes for 1.2 s
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, timeout: 15000 });
    const size = fs.statSync(screenshot).size;
    check(size < MAX_SCREENSHOT_BYTES, `screenshot ${path.relative(repoRoot, screenshot)} is under ${MAX_SCREENSHOT_BYTES / 1024} KB`, `${Math.round(size / 1024)} KB`);

    // --- 5. Markup in a code name and a memo stays text in the Memos webview --------------------------
    const cbFile = path.join(workspace, 'codebook.json');
    const edited = JSON.parse(fs.readFileSync(cbFile, 'utf8'));
    const code = edited.codes.find((c) => c.id === CODE_ID);
    code.name = IMG;
    code.memo = SCRIPT;
    fs.writeFileSync(cbFile, JSON.stringify(edited, null, 2) + '\n');
    const renamed = await until(async () => (await readRows(page, 'Codebook'))?.some((r) => r.label === IMG), 15000);
    check(!!renamed, 'the hand-edited name shows literally in the Codebook view');
    await expandPane(page, 'Memos');
    const memos = await until(() => findMemosFrame(page), 20000);
    if (!check(!!memos, 'the Memos view is shown (iframe.webview.ready → #active-frame with #list)')) throw new Stop('no Memos webview');
    const item = memos.locator('#list li', { has: memos.locator('.title', { hasText: `Code: ${IMG}` }) });
    const shown = await until(async () => ((await item.count()) > 0 ? true : undefined), 15000);
    check(!!shown, 'the code memo is listed under the code’s literal name');
    const look = await memos.locator('#list').evaluate((list) => ({
      imgs: list.querySelectorAll('img').length,
      scripts: list.querySelectorAll('script').length,
      anyImg: list.ownerDocument.querySelectorAll('img').length,
      titles: [...list.querySelectorAll('.title')].map((e) => e.textContent),
      texts: [...list.querySelectorAll('.text')].map((e) => e.textContent),
    }));
    check(look.imgs === 0 && look.anyImg === 0, 'no img element exists in the memo list (nor anywhere in the view)', `${look.imgs} in the list, ${look.anyImg} in the document`);
    check(look.scripts === 0, 'no script element exists in the memo list');
    check(look.titles.includes(`Code: ${IMG}`), 'the name is shown as text, character for character');
    check(look.texts.includes(SCRIPT), 'the memo is shown as text, character for character');
    check(await item.locator('.title').first().isVisible() && await item.locator('.text', { hasText: '<script>' }).first().isVisible(), 'both are visible on screen');
    check(dialogs.length === 0, 'no alert dialog opened', dialogs.join('; '));
    await item.first().scrollIntoViewIfNeeded().catch(() => {});
    await shot('5-memos-markup');

    // --- 6. The Memos view says it follows the Codebook selection; "Show all" lifts that -------------
    const filterLine = memos.locator('#filter');
    const lineText = await until(async () => ((await filterLine.isVisible()) ? (await memos.locator('#filter-text').textContent()) : undefined), 10000);
    check(lineText === `Showing memos of 1 selected code: ${IMG}`, 'the Memos view says it shows the memos of the selected code, naming it as text', `“${lineText}”`);
    const memosHeader = page.locator('.part.sidebar .pane-header', { hasText: /^Memos/i }).first();
    const headerDescription = (await memosHeader.locator('.description').first().textContent().catch(() => '')) || '';
    check(headerDescription.trim() === '1 selected code', 'the Memos view’s title says it is filtered', `“${headerDescription.trim()}”`);
    const filteredCount = await memos.locator('#list li').count();
    await memos.locator('#filter-action', { hasText: 'Show all' }).click();
    const allCount = await until(async () => {
      const n = await memos.locator('#list li').count();
      return n > filteredCount ? n : undefined;
    }, 10000);
    check(!!allCount, 'clicking “Show all” lists every memo', `${filteredCount} → ${allCount}`);
    const afterText = await memos.locator('#filter-text').textContent();
    check(afterText === 'Showing all memos, not only those of the code selected in the Codebook.' && (await memos.locator('#filter-action').textContent()) === 'Show only its memos', 'the line then says all memos are shown and offers to go back', `“${afterText}”`);
    const stillSelected = (await readRows(page, 'Codebook'))?.find((r) => r.label === IMG)?.selected;
    check(stillSelected === true, 'the code stays selected in the Codebook view');
    await shot('6-memos-show-all');
    await memos.locator('#filter-action').click();
    check(await until(async () => ((await memos.locator('#list li').count()) === filteredCount ? true : undefined), 10000), 'and “Show only its memos” goes back to the selected code’s memos');

    // --- 7. Undo and redo codebook changes from the keyboard, the status bar and a notification -------
    const imgRow = () => page.locator('.part.sidebar .pane-body .monaco-list-row', { has: page.locator('.label-name', { hasText: IMG }) }).first();
    const handEdited = fs.readFileSync(cbFile, 'utf8');
    await imgRow().click();
    await page.keyboard.press('F2');
    await quickInput.locator('input').waitFor({ state: 'visible', timeout: 15000 });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Brokering ties', { delay: 10 });
    await page.keyboard.press('Enter');
    const nameOnDisk = () => JSON.parse(fs.readFileSync(cbFile, 'utf8')).codes.find((c) => c.id === CODE_ID).name;
    check(await until(async () => (nameOnDisk() === 'Brokering ties' ? true : undefined), 10000), 'F2 in the Codebook view renames the code in codebook.json');
    const undoItem = page.locator('.part.statusbar .statusbar-item', { hasText: 'Undo rename' }).first();
    check(await undoItem.waitFor({ timeout: 10000 }).then(() => true, () => false), 'the status bar offers “Undo rename…”', (await undoItem.textContent().catch(() => '')) || '');
    const codebookHeader = page.locator('.part.sidebar .pane-header', { hasText: /^Codebook/i }).first();
    await codebookHeader.hover();
    check((await codebookHeader.locator('[aria-label^="Undo Last Codebook Change"]').count()) === 1, 'the Codebook view’s title bar has the Undo button');
    const row7 = page.locator('.part.sidebar .pane-body .monaco-list-row', { has: page.locator('.label-name', { hasText: /^Brokering ties$/ }) }).first();
    await row7.click();
    await page.keyboard.press('Control+Z');
    check(await until(async () => (fs.readFileSync(cbFile, 'utf8') === handEdited ? true : undefined), 10000), 'Ctrl+Z in the Codebook view undoes the rename: codebook.json byte for byte as before', nameOnDisk());
    await imgRow().click();
    await page.keyboard.press('Control+Shift+Z');
    check(await until(async () => (nameOnDisk() === 'Brokering ties' ? true : undefined), 10000), 'Ctrl+Shift+Z redoes it', nameOnDisk());
    await page.locator('.part.sidebar .pane-body .monaco-list-row', { has: page.locator('.label-name', { hasText: /^Brokering ties$/ }) }).first().click();
    await undoItem.click();
    check(await until(async () => (fs.readFileSync(cbFile, 'utf8') === handEdited ? true : undefined), 10000), 'clicking “Undo rename…” in the status bar undoes it again', nameOnDisk());

    // A merge from the palette, confirmed in its dialog, then undone from the notification's button.
    const sidecarFiles = [DOC, 'interviews/spoke-nurse.md', 'field-notes/governance-board-2025-03.md'].map((d) => path.join(workspace, `${d}.annotations.json`));
    const sidecarsBefore = sidecarFiles.map((f) => fs.readFileSync(f, 'utf8'));
    await imgRow().click();
    await page.keyboard.press('Control+Shift+P');
    await quickInput.locator('input').waitFor({ state: 'visible', timeout: 15000 });
    await page.keyboard.type('QDA: Merge Code into', { delay: 10 });
    await quickInput.locator('.monaco-list-row', { hasText: 'Merge Code into' }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    await quickInput.locator('.monaco-list-row', { hasText: 'Coordinating activities' }).first().waitFor({ timeout: 15000 });
    await page.keyboard.type('Coordinating activities', { delay: 10 });
    await page.keyboard.press('Enter');
    const mergeButton = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Merge$/ }).first();
    check(await mergeButton.waitFor({ timeout: 15000 }).then(() => true, () => false), 'the merge asks for confirmation in a dialog');
    await mergeButton.click();
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'into “Coordinating activities”: done' }).first();
    check(await toast.waitFor({ timeout: 15000 }).then(() => true, () => false), 'a notification says the merge is done');
    const toastText = (await toast.textContent().catch(() => '')) || '';
    check(/Ctrl\+Z in the Codebook view/.test(toastText), 'the notification says how else to undo it', toastText.slice(0, 200));
    const merged = sidecarFiles.some((f, i) => fs.readFileSync(f, 'utf8') !== sidecarsBefore[i]);
    check(merged, 'the merge rewrote the annotations files');
    await shot('7-merge-notification');
    await toast.locator('.monaco-button', { hasText: /^Undo$/ }).first().click();
    const restored = await until(async () => (sidecarFiles.every((f, i) => fs.readFileSync(f, 'utf8') === sidecarsBefore[i]) && fs.readFileSync(cbFile, 'utf8') === handEdited ? true : undefined), 15000);
    check(!!restored, 'the notification’s Undo puts back every annotations file and codebook.json byte for byte');
  } catch (err) {
    check(false, 'the run went through', err instanceof Stop ? err.message : String(err?.stack || err).split('\n').slice(0, 4).join(' | '));
    if (page) await shot('failure').catch(() => {});
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) {
      await stopProcessGroup(server);
      liveServer = undefined;
    }
    if (fs.existsSync(codeServerLog)) fs.copyFileSync(codeServerLog, path.join(stepsDir, 'code-server.log'));
    if (keepTmp) say(`kept ${tmpRoot}`);
    else fs.rmSync(tmpRoot, { recursive: true, force: true, maxRetries: 3 });
  }
}

// ---------------------------------------------------------------------------------------------
let fatal;
try {
  const paths = readInstallPaths();
  packageExtension();
  const { chromium } = await import('playwright-core');
  await run(paths, chromium);
} catch (err) {
  fatal = err;
  check(false, 'the UI test could run', err instanceof Stop ? err.message : String(err?.stack || err));
}
say(`done in ${elapsed()} s; step screenshots in ${path.relative(repoRoot, stepsDir)}/`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || fatal ? 1 : 0);
