/* global URLSearchParams, location */
// The applications page: the RM UI's "All Applications" table, filtered by state through the RM API's own filter.
import { rm } from './api.mjs';
import { h, replace, table } from './dom.mjs';
import { asList, dateTime, elapsed, isAppId, progress } from './format.mjs';

/** YARN's application states, in the RM UI's order. */
export const STATES = ['NEW', 'NEW_SAVING', 'SUBMITTED', 'ACCEPTED', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED'];

/** An app row; `data-col` names the AppInfo field a cell shows. */
export function appRow(a) {
  const id = isAppId(a.id) ? h('a', { href: `/ui/app/${a.id}` }, a.id) : String(a.id);
  const cell = (col, text, cls) => h('td', { 'data-col': col, class: cls }, text);
  return h(
    'tr',
    { 'data-app': a.id, 'data-state': a.state },
    h('td', { 'data-col': 'id' }, id),
    cell('user', a.user),
    cell('name', a.name, 'name'),
    cell('applicationType', a.applicationType),
    cell('queue', a.queue),
    cell('priority', String(a.priority), 'num'),
    cell('startedTime', dateTime(a.startedTime), 'time'),
    cell('finishedTime', dateTime(a.finishedTime), 'time'),
    cell('state', a.state, `state state-${String(a.state).toLowerCase()}`),
    cell('finalStatus', a.finalStatus, `state final-${String(a.finalStatus).toLowerCase()}`),
    cell('runningContainers', String(Math.max(0, Number(a.runningContainers) || 0)), 'num'),
    cell('allocatedVCores', String(Math.max(0, Number(a.allocatedVCores) || 0)), 'num'),
    cell('allocatedMB', String(Math.max(0, Number(a.allocatedMB) || 0)), 'num'),
    h(
      'td',
      { 'data-col': 'progress', 'data-value': a.progress },
      h('progress', { max: 100, value: Number(a.progress) || 0 }),
      ' ',
      progress(a.progress),
    ),
    cell('elapsedTime', elapsed(a.elapsedTime), 'num'),
  );
}

export const APP_HEADERS = [
  'ID',
  'User',
  'Name',
  'Application Type',
  'Queue',
  'Priority',
  'StartTime',
  'FinishTime',
  'State',
  'FinalStatus',
  'Running Containers',
  'Allocated CPU VCores',
  'Allocated Memory MB',
  'Progress',
  'Elapsed',
];

/** Builds the page in `root`; returns its refresh. The state filter is `?state=RUNNING` (bookmarkable). */
export function appsPage(root) {
  const wanted = new URLSearchParams(location.search).get('state');
  const state = STATES.includes(wanted) ? wanted : undefined;
  const filter = h(
    'nav',
    { class: 'filter', 'aria-label': 'filter by state' },
    h('a', { href: '/ui/apps', class: state ? undefined : 'active', 'data-filter': 'ALL' }, 'ALL'),
    STATES.map((s) =>
      h('a', { href: `/ui/apps?state=${s}`, class: state === s ? 'active' : undefined, 'data-filter': s }, s),
    ),
  );
  const title = h('h1', null, state ? `${state} Applications` : 'All Applications');
  const body = h('div');
  replace(root, title, filter, body);
  return async () => {
    const apps = asList((await rm(state ? `/apps?states=${state}` : '/apps')).apps?.app);
    // Newest first, as the RM UI sorts by default.
    apps.sort((a, b) => Number(b.startedTime) - Number(a.startedTime) || String(b.id).localeCompare(String(a.id)));
    replace(
      body,
      h('p', { class: 'hint', 'data-testid': 'apps-count' }, `${apps.length} application(s)`),
      table(APP_HEADERS, apps.map(appRow), { testid: 'apps', empty: 'No applications.' }),
    );
  };
}
