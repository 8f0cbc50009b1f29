/* global fetch */
// Same-origin reads: the RM REST API the YARN tools use, and the UI's own three endpoints.

async function getJson(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    const err = new Error(`${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    err.status = res.status;
    throw err;
  }
  return res.json();
}

/** `/ws/v1/cluster<path>` as JSON. */
export const rm = (path) => getJson(`/ws/v1/cluster${path}`);
/** `/ui/api<path>`. */
export const uiApi = (path) => getJson(`/ui/api${path}`);
