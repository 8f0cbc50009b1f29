import type { Request } from 'express';
import {
  DESELECT_FIELDS,
  FINAL_APPLICATION_STATUSES,
  YARN_APPLICATION_STATES,
  type DeselectField,
  type YarnApplicationState,
} from '../../api/yarn.ts';
import { badRequest, illegalArgument } from '../errors.ts';
import type { AppFilter } from '../store/app-store.ts';

/** Every value of a query parameter, comma lists and repeats flattened, blanks dropped. */
export function queryList(req: Request, name: string): string[] {
  const raw = req.query[name];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return values
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

const single = (req: Request, name: string): string | undefined => {
  const v = req.query[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
};

/** `states` (and the old singular `state`), case-insensitive, with the RM's message for a bad one. */
export function parseStates(req: Request): Set<YarnApplicationState> | undefined {
  const values = [...queryList(req, 'states'), ...queryList(req, 'state')];
  if (values.length === 0) return undefined;
  const out = new Set<YarnApplicationState>();
  for (const v of values) {
    const s = v.toUpperCase() as YarnApplicationState;
    if (!YARN_APPLICATION_STATES.includes(s)) {
      throw badRequest(
        `Invalid application-state ${v} specified. It should be one of [${YARN_APPLICATION_STATES.join(', ')}]`,
      );
    }
    out.add(s);
  }
  return out;
}

function parseTime(req: Request, name: string): number | undefined {
  const v = single(req, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`${name} value must be a number!`);
  const n = Number(v);
  if (n < 0) throw badRequest(`${name} must be greater than 0`);
  return n;
}

/** The filters of `GET /apps`, validated with the RM's messages (typos included, clients match on them). */
export function parseAppQuery(
  req: Request,
  resolveQueue: (name: string) => string | undefined,
): AppFilter & {
  deselect: Set<DeselectField>;
} {
  const f: AppFilter & { deselect: Set<DeselectField> } = { deselect: new Set() };
  const states = parseStates(req);
  if (states) f.states = states;

  const finalStatus = single(req, 'finalStatus');
  if (finalStatus !== undefined && finalStatus !== '') {
    if (!(FINAL_APPLICATION_STATUSES as readonly string[]).includes(finalStatus)) {
      throw illegalArgument(
        `No enum constant org.apache.hadoop.yarn.api.records.FinalApplicationStatus.${finalStatus}`,
      );
    }
    f.finalStatus = finalStatus;
  }
  const user = single(req, 'user');
  if (user) f.user = user;
  const queue = single(req, 'queue');
  if (queue) {
    const path = resolveQueue(queue);
    if (!path) throw badRequest(`Unknown queue: ${queue}`);
    f.queue = path;
  }
  const limit = single(req, 'limit');
  if (limit !== undefined && limit !== '') {
    if (!/^-?\d+$/.test(limit)) throw badRequest('limit value must be a number!');
    const n = Number(limit);
    if (n <= 0) throw badRequest('limit value must be greater then 0');
    f.limit = n;
  }
  const sb = parseTime(req, 'startedTimeBegin');
  const se = parseTime(req, 'startedTimeEnd');
  if (sb !== undefined && se !== undefined && sb > se)
    throw badRequest('startedTimeEnd must be greater than startTimeBegin');
  if (sb !== undefined) f.startedTimeBegin = sb;
  if (se !== undefined) f.startedTimeEnd = se;
  const fb = parseTime(req, 'finishedTimeBegin');
  const fe = parseTime(req, 'finishedTimeEnd');
  if (fb !== undefined && fe !== undefined && fb > fe)
    throw badRequest('finishedTimeEnd must be greater than finishTimeBegin');
  if (fb !== undefined) f.finishedTimeBegin = fb;
  if (fe !== undefined) f.finishedTimeEnd = fe;

  const types = queryList(req, 'applicationTypes').map((t) => t.toLowerCase());
  if (types.length) f.types = new Set(types);
  const tags = queryList(req, 'applicationTags').map((t) => t.toLowerCase());
  if (tags.length) f.tags = new Set(tags);
  const name = single(req, 'name');
  if (name) f.name = name;

  for (const d of queryList(req, 'deSelects')) {
    const field = DESELECT_FIELDS.find((x) => x.toLowerCase() === d.toLowerCase());
    if (!field) {
      throw badRequest(`Invalid deSelects string ${d} specified. It should be one of [${DESELECT_FIELDS.join(', ')}]`);
    }
    f.deselect.add(field);
  }
  return f;
}
