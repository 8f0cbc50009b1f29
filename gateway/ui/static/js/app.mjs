// One application: its AppInfo, its attempts, the containers of its current attempt and every diagnostics text,
// each from the RM API path the YARN tools read (`/apps/{id}`, `/appattempts`, `/appattempts/{a}/containers`).
import { rm } from './api.mjs';
import { h, replace, table } from './dom.mjs';
import { asList, dateTime, elapsed, isAppId, progress, safeHref } from './format.mjs';

const link = (url, text) => {
  const href = safeHref(url);
  return href ? h('a', { href, rel: 'noreferrer noopener' }, text ?? href) : (text ?? (url || 'N/A'));
};

function info(a) {
  const row = (label, value, key) =>
    h('tr', null, h('th', { scope: 'row' }, label), h('td', { 'data-field': key }, value));
  return h(
    'table',
    { class: 'kv', 'data-testid': 'app-info' },
    h(
      'tbody',
      null,
      row('User', a.user, 'user'),
      row('Name', a.name, 'name'),
      row('Application Type', a.applicationType, 'applicationType'),
      row('Application Tags', a.applicationTags ?? '', 'applicationTags'),
      row('Queue', a.queue, 'queue'),
      row('Priority', String(a.priority), 'priority'),
      row('State', a.state, 'state'),
      row('FinalStatus', a.finalStatus, 'finalStatus'),
      row('Progress', progress(a.progress), 'progress'),
      row('Started', dateTime(a.startedTime), 'startedTime'),
      row('Launched', dateTime(a.launchTime), 'launchTime'),
      row('Finished', dateTime(a.finishedTime), 'finishedTime'),
      row('Elapsed', elapsed(a.elapsedTime), 'elapsedTime'),
      row('Tracking', link(a.trackingUrl, a.trackingUI ?? a.trackingUrl), 'trackingUrl'),
      row('AM node', a.amHostHttpAddress ?? 'N/A', 'amHostHttpAddress'),
      row(
        'Allocated',
        `${Math.max(0, Number(a.allocatedVCores) || 0)} vcores, ${Math.max(0, Number(a.allocatedMB) || 0)} MB, ` +
          `${Math.max(0, Number(a.runningContainers) || 0)} containers`,
        'allocated',
      ),
      row(
        'Diagnostics',
        h('pre', { class: 'diagnostics', 'data-testid': 'app-diagnostics' }, a.diagnostics || '—'),
        'diagnostics',
      ),
    ),
  );
}

function attempts(list) {
  return table(
    ['Attempt', 'State', 'Started', 'Finished', 'Node', 'AM container', 'Logs'],
    list.map((t) =>
      h(
        'tr',
        { 'data-attempt': t.appAttemptId },
        h('td', null, t.appAttemptId),
        h('td', { 'data-col': 'state' }, t.appAttemptState ?? ''),
        h('td', null, dateTime(t.startTime)),
        h('td', null, dateTime(t.finishedTime)),
        h('td', null, t.nodeId || 'N/A'),
        h('td', null, t.containerId || 'N/A'),
        h('td', null, link(t.logsLink, 'logs')),
      ),
    ),
    { testid: 'attempts', empty: 'No attempt yet: the AM has not been placed.' },
  );
}

function containers(list, now) {
  return table(
    ['Container', 'State', 'Node', 'VCores', 'MB', 'Priority', 'Started', 'Finished', 'Elapsed', 'Exit', 'Diagnostics'],
    list.map((c) => {
      const started = Number(c.startedTime) || 0;
      const finished = Number(c.finishedTime) || 0;
      return h(
        'tr',
        { 'data-container': c.containerId },
        h('td', null, c.containerId),
        h('td', { 'data-col': 'state' }, c.containerState ?? ''),
        h('td', null, c.nodeId ?? c.assignedNodeId ?? ''),
        h('td', { class: 'num' }, String(c.allocatedVCores ?? '')),
        h('td', { class: 'num' }, String(c.allocatedMB ?? '')),
        h('td', { class: 'num' }, String(c.priority ?? '')),
        h('td', null, dateTime(started)),
        h('td', null, dateTime(finished)),
        h('td', { class: 'num' }, started ? elapsed((finished || now) - started) : 'N/A'),
        h('td', { class: 'num' }, String(c.containerExitStatus ?? '')),
        h('td', { class: 'message' }, c.diagnosticsInfo ?? ''),
      );
    }),
    { testid: 'containers', empty: 'No container in this attempt.' },
  );
}

/** Builds the page for `id` in `root`; returns its refresh. */
export function appPage(root, id) {
  const body = h('div');
  replace(root, h('h1', null, 'Application ', h('span', { class: 'mono', 'data-testid': 'app-id' }, id)), body);
  return async () => {
    if (!isAppId(id)) {
      replace(body, h('p', { class: 'error' }, 'Not an application id.'));
      return;
    }
    let app;
    try {
      app = (await rm(`/apps/${id}`)).app;
    } catch (err) {
      if (err.status === 404) {
        replace(
          body,
          h('p', { class: 'error' }, `No application ${id} (it may have been trimmed from the completed apps).`),
        );
        return;
      }
      throw err;
    }
    const list = asList((await rm(`/apps/${id}/appattempts`)).appAttempts?.appAttempt).sort(
      (a, b) => Number(a.id) - Number(b.id),
    );
    const current = list[list.length - 1];
    const [attempt, cs] = current
      ? await Promise.all([
          rm(`/apps/${id}/appattempts/${encodeURIComponent(current.appAttemptId)}`),
          rm(`/apps/${id}/appattempts/${encodeURIComponent(current.appAttemptId)}/containers`),
        ])
      : [undefined, undefined];
    const attemptInfo = attempt?.appAttempt ?? attempt;
    replace(
      body,
      h('p', { class: 'subtitle', 'data-testid': 'app-name' }, app.name),
      info(app),
      h('h2', null, `Attempts (${list.length})`),
      attempts(list),
      current ? h('h2', null, 'Current attempt ', h('span', { class: 'mono' }, current.appAttemptId)) : null,
      current
        ? h('pre', { class: 'diagnostics', 'data-testid': 'attempt-diagnostics' }, attemptInfo?.diagnosticsInfo || '—')
        : null,
      current ? h('h3', null, 'Containers') : null,
      current ? containers(asList(cs?.container), Date.now()) : null,
    );
  };
}
