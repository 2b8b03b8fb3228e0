// The Memos view's script. Everything shown comes from messages and is set with textContent,
// so a memo or code name containing markup stays text.
(function () {
  const vscode = acquireVsCodeApi();
  const search = document.getElementById('search');
  const list = document.getElementById('list');
  const summary = document.getElementById('summary');
  const filter = document.getElementById('filter');
  const filterText = document.getElementById('filter-text');
  const filterAction = document.getElementById('filter-action');
  let filterCommand;
  filterAction.addEventListener('click', () => {
    if (filterCommand === 'showAll' || filterCommand === 'followSelection') vscode.postMessage({ type: filterCommand });
  });
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
    const note = msg.filter;
    if (note && typeof note.line === 'string' && typeof note.action === 'string') {
      filterText.textContent = note.line;
      filterAction.textContent = note.action;
      filterCommand = note.command;
      filter.hidden = false;
    } else {
      filterCommand = undefined;
      filter.hidden = true;
    }
    const n = msg.items.length;
    const none = msg.query ? 'No memo matches.' : msg.filtered ? 'The selected codes have no memos, nor do their segments.' : 'No memos yet. Add one from the hover on a coded segment or with "QDA: Add or Edit Segment Memo".';
    summary.textContent = n === 0 ? none : `${n} memo${n === 1 ? '' : 's'}`;
  });
  vscode.postMessage({ type: 'ready' });
})();
