// The Memos view's script. Everything shown comes from messages and is set with textContent,
// so a memo or code name containing markup stays text.
(function () {
  const vscode = acquireVsCodeApi();
  const search = document.getElementById('search');
  const list = document.getElementById('list');
  const summary = document.getElementById('summary');
  const state = vscode.getState() || { query: '' };
  search.value = state.query;
  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      vscode.setState({ query: search.value });
      vscode.postMessage({ type: 'search', query: search.value });
    }, 150);
  });
  function open(i) {
    vscode.postMessage({ type: 'open', index: i });
  }
  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (!msg || msg.type !== 'memos' || !Array.isArray(msg.items)) return;
    list.replaceChildren();
    msg.items.forEach((item, i) => {
      const li = document.createElement('li');
      li.tabIndex = 0;
      li.setAttribute('role', 'button');
      const kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = String(item.kind);
      const title = document.createElement('span');
      title.className = 'title';
      title.textContent = String(item.title);
      const text = document.createElement('div');
      text.className = 'text';
      text.textContent = String(item.text);
      const where = document.createElement('div');
      where.className = 'where';
      where.textContent = String(item.where);
      li.append(kind, title, text, where);
      li.addEventListener('click', () => open(i));
      li.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          open(i);
        }
      });
      list.appendChild(li);
    });
    const n = msg.items.length;
    summary.textContent = n === 0 ? (msg.query ? 'No memo matches.' : 'No memos yet. Add one from the hover on a coded segment or with "QDA: Add or Edit Segment Memo".') : `${n} memo${n === 1 ? '' : 's'}`;
  });
  vscode.postMessage({ type: 'ready' });
})();
