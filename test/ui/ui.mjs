// UI test: drives the packaged extension in a real VS Code (code-server 4.139, VS Code 1.139) from
// headless Debian Chromium, as a person would, once with a light and once with a dark theme.
//
// Each run: a fresh user-data-dir with the packaged extension installed, a fresh copy of sample/,
// code-server started without the smoke-test driver (so the UI is the ordinary one), then:
//   1. Ctrl+P, type "network-director.md", Enter; wait for the coded highlights and the gutter
//      stripes to be rendered; screenshot.
//   2. Ctrl+G to Part 7; select a passage with the mouse (drag over the text); F1, "QDA: Code
//      Selection", Enter; type a code name into the picker, tick it, Enter.
//   3. Check that the copy of the sidecar on disk has one more segment, with that code and the
//      selected text; check the new highlight is drawn; screenshot.
// Screenshots: docs/screenshots/coded-transcript-{light,dark}.png (after coding) and every step
// under test-results/ui/<theme>/. Prints "N passed, N failed"; exits 1 if anything failed.
//
// Needs: bash scripts/setup-vscode-test.sh (code-server, Node 24, Chromium). Packages the
// extension itself (npm run package).
//
// Environment:
//   QDA_TEST_CACHE        where setup-vscode-test.sh installed things (default ~/.cache/orchestration-qda-test)
//   QDA_UI_THEMES         "light", "dark" or "light,dark" (default)
//   QDA_UI_NO_PACKAGE=1   use the dist/orchestration-qda.vsix already there
//   QDA_TEST_KEEP_TMP=1   keep the temporary workspaces and user-data-dirs
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
const resultsDir = path.join(repoRoot, 'test-results', 'ui');
const docsShotsDir = path.join(repoRoot, 'docs', 'screenshots');

const DOC = 'interviews/network-director.md';
const PASSAGE = "I try to never ask for something on behalf of the General that I wouldn't ask for on behalf of Saltfleet.";
const CODE_ID = 'forging-shared-values';
const AWAY = 'Is that a real tension, being employed by the centre?'; // clicked to clear the selection
const SHOT_TOP = '## Part 6: Connecting people across the network'; // scrolled to the top for the picture
const CODE_NAME = 'Forging shared values';
const CODE_RGB = '249, 115, 22'; // #f97316, the template's colour for forging-shared-values
const MAX_SCREENSHOT_BYTES = 400 * 1024;

const THEMES = {
  light: 'Default Light Modern',
  dark: 'Default Dark Modern',
};

const userSettings = (theme) => ({
  'workbench.colorTheme': theme,
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
  // Headings pinned over the first lines would hide part of the picture.
  'editor.stickyScroll.enabled': false,
  'qda.coder': 'UI test',
});

const started = Date.now();
const elapsed = () => ((Date.now() - started) / 1000).toFixed(1);
const say = (msg) => console.log(`[ui ${elapsed()}s] ${msg}`);
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

// The code-server of the run in progress: ended with its whole process group on Ctrl+C too.
let liveServer;
let liveTmp;
function endServerGroup(signal) {
  if (!liveServer) return;
  try {
    process.kill(-liveServer.pid, signal);
  } catch {
    // already gone
  }
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    endServerGroup('SIGKILL');
    if (liveTmp && !keepTmp) fs.rmSync(liveTmp, { recursive: true, force: true, maxRetries: 3 });
    console.log(`\ninterrupted (${signal})\n${passed} passed, ${failed + 1} failed`);
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------------
function packageExtension() {
  if (process.env.QDA_UI_NO_PACKAGE === '1' && fs.existsSync(vsix)) return;
  say('packaging the extension (npm run package)');
  // --no-rewrite-relative-links: README.md shows screenshots by relative path, which vsce refuses
  // to package without a repository URL; a local install needs no rewriting.
  const res = spawnSync('npm', ['run', '--silent', 'package', '--', '--no-rewrite-relative-links'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Stop(`npm run package failed:\n${res.stdout}\n${res.stderr}`);
  if (!fs.existsSync(vsix)) throw new Stop(`${vsix} was not written by "npm run package".`);
}

/** All coded segments of the sidecar next to a document, as { codes, exact }. */
function readSegments(docFile) {
  const sidecar = JSON.parse(fs.readFileSync(`${docFile}.annotations.json`, 'utf8'));
  return sidecar.items.map((item) => ({
    codes: item.body.filter((b) => b.purpose === 'classifying').map((b) => String(b.source).replace(/^urn:qda:code:/, '')),
    exact: item.target.selector.find((s) => s.type === 'TextQuoteSelector')?.exact,
  }));
}

// --- in the page ------------------------------------------------------------------------------

/**
 * What the editor draws for the coding: highlights are decorations (".cdr" in ".view-overlays",
 * styled by generated CSS classes, so read through getComputedStyle) with a translucent background;
 * coding stripes are gutter icons (".cgmr" in ".glyph-margin-widgets", in ".margin-view-overlays" in
 * older versions) with an SVG background image.
 */
function readDecorations(page) {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor') || document.querySelector('.monaco-editor');
    if (!editor) return { highlights: 0, colours: [], stripes: 0, stripeImages: 0 };
    const colours = new Set();
    let highlights = 0;
    for (const el of editor.querySelectorAll('.view-overlays .cdr')) {
      const bg = getComputedStyle(el).backgroundColor;
      if (bg && bg !== 'transparent' && !/rgba\(\s*0,\s*0,\s*0,\s*0\s*\)/.test(bg) && el.getBoundingClientRect().width > 0) {
        // Only the coding colours: translucent, with a coloured underline.
        if (getComputedStyle(el).borderBottomStyle === 'solid') {
          highlights++;
          colours.add(bg);
        }
      }
    }
    let stripes = 0;
    const stripeImages = new Set();
    for (const el of editor.querySelectorAll('.glyph-margin-widgets .cgmr, .margin-view-overlays .cgmr')) {
      const img = getComputedStyle(el).backgroundImage;
      if (img && img.includes('data:image/svg+xml')) {
        stripes++;
        stripeImages.add(img);
      }
    }
    return { highlights, colours: [...colours], stripes, stripeImages: stripeImages.size };
  });
}

/** How many highlight boxes on screen have a background in the given colour (any opacity). */
function countColour(page, rgb) {
  return page.evaluate((rgb) => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor') || document.querySelector('.monaco-editor');
    return [...editor.querySelectorAll('.view-overlays .cdr')].filter((el) => getComputedStyle(el).backgroundColor.startsWith(`rgba(${rgb},`)).length;
  }, rgb);
}

/**
 * The screen rectangles of the first and last character of a passage in the rendered editor
 * lines (the passage may wrap over several view lines), or undefined if it is not on screen.
 */
function locatePassage(page, passage) {
  return page.evaluate((passage) => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor') || document.querySelector('.monaco-editor');
    const lines = [...editor.querySelectorAll('.view-lines .view-line')].sort(
      (a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top,
    );
    const chars = []; // [textNode, offset] per character of the concatenated text
    let text = '';
    for (const line of lines) {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (let i = 0; i < n.data.length; i++) {
          chars.push([n, i]);
          text += n.data[i] === '\u00a0' ? ' ' : n.data[i];
        }
      }
    }
    const at = text.indexOf(passage);
    if (at === -1) return undefined;
    const rectOf = (k) => {
      const [node, offset] = chars[k];
      const r = document.createRange();
      r.setStart(node, offset);
      r.setEnd(node, offset + 1);
      const b = r.getBoundingClientRect();
      return { x: b.x, y: b.y, width: b.width, height: b.height };
    };
    return { first: rectOf(at), last: rectOf(at + passage.length - 1) };
  }, passage);
}

// ---------------------------------------------------------------------------------------------
async function runTheme(paths, chromium, key) {
  const theme = THEMES[key];
  console.log(`\n${theme}`);
  const runStart = Date.now();
  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), `qda-ui-${key}-`));
  liveTmp = tmpRoot;
  const workspace = path.join(tmpRoot, 'sample');
  const userDataDir = path.join(tmpRoot, 'user-data');
  const extensionsDir = path.join(userDataDir, 'ext');
  const serverTmp = path.join(tmpRoot, 'tmp');
  const codeServerLog = path.join(tmpRoot, 'code-server.log');
  const stepsDir = path.join(resultsDir, key);
  fs.rmSync(stepsDir, { recursive: true, force: true });
  fs.mkdirSync(stepsDir, { recursive: true });
  const browserLog = path.join(stepsDir, 'browser.log');
  let server;
  let browser;
  let page;
  const shot = async (name) => {
    const file = path.join(stepsDir, `${name}.png`);
    await page.screenshot({ path: file, timeout: 15000 });
    return file;
  };

  try {
    fs.cpSync(sampleDir, workspace, { recursive: true });
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings(theme), null, 2));
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

    const install = spawnSync(paths.node, [paths.codeServer, ...dirArgs, '--install-extension', vsix], {
      cwd: tmpRoot,
      env,
      encoding: 'utf8',
    });
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
      [
        paths.codeServer,
        '--bind-addr', `127.0.0.1:${port}`,
        '--auth', 'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        ...dirArgs,
        workspace,
      ],
      { cwd: tmpRoot, detached: true, stdio: ['ignore', log, log], env },
    );
    fs.closeSync(log);
    liveServer = server;
    const deadline = Date.now() + 60000;
    let up = false;
    while (!up && Date.now() < deadline && server.exitCode === null) {
      up = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (!up) await sleep(250);
    }
    if (!up) throw new Stop(`code-server did not come up on ${base} (see ${codeServerLog})`);
    say(`code-server up on ${base}`);

    browser = await chromium.launch({ executablePath: paths.chromium, headless: true, args: CHROMIUM_FLAGS, env: { ...process.env, ...xdg } });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    const browserLogStream = fs.createWriteStream(browserLog);
    page.on('console', (msg) => browserLogStream.write(`[${msg.type()}] ${msg.text()}\n`));
    page.on('pageerror', (err) => browserLogStream.write(`[pageerror] ${err.stack || err}\n`));
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded', timeout: 60000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    // The explorer shows the workspace once the workbench is really ready for input.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60000 });
    await sleep(1000);
    say('workbench ready');
    await shot('1-workbench');

    // --- 1. Open the transcript with Ctrl+P -----------------------------------------------------
    await page.keyboard.press('Control+P');
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.locator('input').waitFor({ state: 'visible', timeout: 15000 });
    await page.keyboard.type('network-director.md', { delay: 20 });
    await quickInput.locator('.monaco-list-row', { hasText: 'network-director.md' }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    const tab = page.locator('.tabs-container .tab.active', { hasText: 'network-director.md' });
    check(await tab.waitFor({ timeout: 15000 }).then(() => true, () => false), 'Ctrl+P opens interviews/network-director.md in an editor');

    // The extension activates on Markdown and draws the coding shortly after.
    let deco = { highlights: 0, colours: [], stripes: 0 };
    for (const until = Date.now() + 30000; Date.now() < until; await sleep(250)) {
      deco = await readDecorations(page);
      if (deco.highlights > 0 && deco.stripes > 0) break;
    }
    await sleep(500); // let the last frame settle before the picture
    deco = await readDecorations(page);
    check(deco.highlights >= 2 && deco.colours.length >= 2, 'coded passages are highlighted in their codes\' colours', `${deco.highlights} highlight boxes, colours ${deco.colours.join(' ')}`);
    check(deco.stripes >= 2, 'coding stripes are drawn in the gutter', `${deco.stripes} lines with stripes, ${deco.stripeImages} stripe patterns`);
    await shot('2-opened');

    // --- 2. Select a passage with the mouse and code it ----------------------------------------
    const docText = fs.readFileSync(path.join(workspace, DOC), 'utf8');
    const line = docText.slice(0, docText.indexOf(PASSAGE)).split('\n').length;
    const before = readSegments(path.join(workspace, DOC));
    await page.keyboard.press('Control+G');
    await quickInput.locator('input').waitFor({ state: 'visible', timeout: 15000 });
    await page.keyboard.type(String(line - 4), { delay: 20 });
    await page.keyboard.press('Enter');
    await sleep(800);
    const pinkBefore = await countColour(page, CODE_RGB);
    const where = await locatePassage(page, PASSAGE);
    if (!check(!!where, 'the passage to code is on screen after Ctrl+G')) throw new Stop('passage not on screen');
    const from = { x: where.first.x + 1, y: where.first.y + where.first.height / 2 };
    const to = { x: where.last.x + where.last.width - 1, y: where.last.y + where.last.height / 2 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
    await page.mouse.move(to.x, to.y, { steps: 10 });
    await page.mouse.up();
    await sleep(300);
    const status = (await page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().textContent().catch(() => '')) || '';
    const selected = /\((\d+) selected\)/.exec(status);
    check(selected && Number(selected[1]) === [...PASSAGE].length, 'dragging the mouse selects exactly the passage', status.trim());
    await shot('3-selected');

    await page.keyboard.press('F1');
    await quickInput.locator('input').waitFor({ state: 'visible', timeout: 15000 });
    await page.keyboard.type('QDA: Code Selection', { delay: 20 });
    const commandRow = quickInput.locator('.monaco-list-row', { hasText: 'QDA: Code Selection' }).first();
    check(await commandRow.waitFor({ timeout: 15000 }).then(() => true, () => false), 'F1 lists "QDA: Code Selection…"');
    await page.keyboard.press('Enter');
    await quickInput.locator('.quick-input-title', { hasText: 'Code the selection' }).waitFor({ timeout: 15000 });
    await page.keyboard.type(CODE_NAME, { delay: 20 });
    const codeRow = quickInput.locator('.monaco-list-row', { hasText: CODE_NAME }).first();
    await codeRow.waitFor({ timeout: 15000 });
    await sleep(300);
    await shot('4-picker');
    // Tick the code: click its checkbox, as a person would.
    await codeRow.locator('.quick-input-list-checkbox, input[type=checkbox], .monaco-checkbox').first().click();
    await sleep(200);
    const ticked = await codeRow.evaluate(
      (row) => row.getAttribute('aria-checked') === 'true' || !!row.querySelector('input[type=checkbox]:checked, .monaco-custom-toggle.checked, [aria-checked="true"]'),
    );
    check(ticked, `clicking its box ticks "${CODE_NAME}" in the picker`);
    await shot('5-ticked');
    await quickInput.getByRole('button', { name: 'OK' }).click();
    await sleep(1000);
    await shot('5b-after-enter');
    await quickInput.waitFor({ state: 'hidden', timeout: 15000 }).catch(() => {});

    // --- 3. The sidecar on disk and the editor ---------------------------------------------------
    let after = before;
    for (const until = Date.now() + 15000; Date.now() < until && after.length === before.length; await sleep(250)) {
      try {
        after = readSegments(path.join(workspace, DOC));
      } catch {
        // being written
      }
    }
    const added = after.filter((a) => !before.some((b) => b.exact === a.exact && b.codes.join() === a.codes.join()));
    check(after.length === before.length + 1, 'the sidecar on disk has one more segment', `${before.length} → ${after.length}`);
    check(
      added.length === 1 && added[0].codes.length === 1 && added[0].codes[0] === CODE_ID && added[0].exact === PASSAGE,
      `the new segment has the code ${CODE_ID} and the selected text`,
      added.length === 1 ? `codes ${added[0].codes.join(', ')}; "${added[0].exact}"` : `${added.length} new segments`,
    );

    // Click into the next question so the selection no longer covers the new highlight.
    const away = await locatePassage(page, AWAY);
    if (away) await page.mouse.click(away.last.x + away.last.width + 30, away.last.y + away.last.height / 2);
    await sleep(500);
    const pinkAfter = await countColour(page, CODE_RGB);
    check(pinkAfter > pinkBefore, `the new segment is highlighted in the colour of "${CODE_NAME}"`, `${pinkBefore} → ${pinkAfter} highlight boxes in that colour on screen`);
    await sleep(500);
    await shot('6-coded');

    // The picture for the docs: scroll with the mouse wheel until Part 6 is at the top, so that
    // several codes, an overlap and the new segment are on screen together.
    const heading = await locatePassage(page, SHOT_TOP);
    const editorBox = await page.locator('.editor-group-container.active .monaco-editor .view-lines').boundingBox();
    if (heading && editorBox) {
      await page.mouse.move(editorBox.x + 300, editorBox.y + 300);
      await page.mouse.wheel(0, heading.first.y - editorBox.y - 8);
      await sleep(800);
    }
    check(!!(await locatePassage(page, PASSAGE)), 'the new segment is still on screen for the picture');

    const target = path.join(docsShotsDir, `coded-transcript-${key}.png`);
    fs.mkdirSync(docsShotsDir, { recursive: true });
    await page.screenshot({ path: target, timeout: 15000 });
    const size = fs.statSync(target).size;
    check(size < MAX_SCREENSHOT_BYTES, `screenshot ${path.relative(repoRoot, target)} is under ${MAX_SCREENSHOT_BYTES / 1024} KB`, `${Math.round(size / 1024)} KB`);
  } catch (err) {
    check(false, `${theme}: the run went through`, err instanceof Stop ? err.message : String(err?.stack || err).split('\n').slice(0, 4).join(' | '));
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
    say(`${theme}: ${((Date.now() - runStart) / 1000).toFixed(1)} s; step screenshots in ${path.relative(repoRoot, stepsDir)}/`);
  }
}

// ---------------------------------------------------------------------------------------------
let fatal;
try {
  const paths = readInstallPaths();
  packageExtension();
  const { chromium } = await import('playwright-core');
  const keys = (process.env.QDA_UI_THEMES || 'light,dark').split(',').map((s) => s.trim()).filter(Boolean);
  for (const key of keys) {
    if (!THEMES[key]) throw new Stop(`unknown theme "${key}" in QDA_UI_THEMES (light, dark)`);
    await runTheme(paths, chromium, key);
  }
} catch (err) {
  fatal = err;
  check(false, 'the UI test could run', err instanceof Stop ? err.message : String(err?.stack || err));
}
say(`done in ${elapsed()} s`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || fatal ? 1 : 0);
