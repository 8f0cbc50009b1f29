/* global document, location, setTimeout */
// The shell: picks the page from the path, refreshes it every two seconds (polling: nothing to reconnect, and a
// gateway restart is just one failed poll), and says when the data is from or why it is stale.
import { appPage } from './app.mjs';
import { appsPage } from './apps.mjs';
import { h, replace } from './dom.mjs';
import { clock } from './format.mjs';
import { overviewPage } from './overview.mjs';

const POLL_MS = 2_000;

const routes = [
  [/^\/ui\/?$/, 'overview', (root) => overviewPage(root)],
  [/^\/ui\/apps\/?$/, 'apps', (root) => appsPage(root)],
  [/^\/ui\/app\/([^/]+)\/?$/, 'apps', (root, m) => appPage(root, decodeURIComponent(m[1]))],
];

function start() {
  const root = document.getElementById('main');
  const status = document.getElementById('status');
  const path = location.pathname;
  const found = routes.map(([re, nav, make]) => [re.exec(path), nav, make]).find(([m]) => m);
  if (!found) {
    replace(root, h('p', { class: 'error' }, 'No such page.'));
    return;
  }
  const [match, nav, make] = found;
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === nav);
  const refresh = make(root, match);
  let refreshes = 0;
  const tick = async () => {
    if (!document.hidden) {
      try {
        await refresh();
        refreshes++;
        // Tests and curious operators can tell a fresh page from a stale one.
        document.body.dataset.refreshes = String(refreshes);
        status.className = 'ok';
        replace(status, `updated ${clock(Date.now())}`);
      } catch (err) {
        status.className = 'stale';
        replace(status, `stale: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    setTimeout(() => void tick(), POLL_MS);
  };
  void tick();
}

start();
