import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { RemoteError } from '../errors.ts';
import { aclAllows, parseAcl, type Acl } from './acl.ts';

/** Identity settings of the gateway, mirroring Hadoop's simple HTTP authentication. */
export interface AuthConfig {
  /** User that anonymous reads run as (`hadoop.http.staticuser.user`). @defaultValue 'dr.who' */
  staticUser: string;
  /** Secret that signs the `hadoop.auth` cookie; shared by every replica (kept in Redis). */
  secret: Buffer;
  /** Cookie validity (`hadoop.http.authentication.token.validity`). @defaultValue 36000 */
  tokenValiditySeconds: number;
  /** Cluster administrators (`yarn.admin.acl`). */
  adminAcl: Acl;
  /** Proxy users (`hadoop.proxyuser.<u>.users` / `.groups`): who may act for whom through `doAs`. */
  proxyUsers: Record<string, { users: Acl }>;
  /** Static group mapping (`hadoop.user.group.static.mapping.overrides`). */
  groups: Record<string, string[]>;
}

/** Who is calling: `user` when authenticated (after `doAs`), otherwise the static user for reads. */
export interface Principal {
  user?: string;
  /** The user reads are attributed to (the static user when anonymous). */
  effectiveUser: string;
  groups: string[];
}

declare module 'express-serve-static-core' {
  interface Request {
    principal: Principal;
  }
}

const COOKIE = 'hadoop.auth';

/** The signed token Hadoop's AuthenticationFilter puts in the `hadoop.auth` cookie. */
export function signToken(config: AuthConfig, user: string, now: number): string {
  const payload = `u=${user}&p=${user}&t=simple&e=${now + config.tokenValiditySeconds * 1000}`;
  return `${payload}&s=${sign(config.secret, payload)}`;
}

const sign = (secret: Buffer, payload: string): string => createHmac('sha256', secret).update(payload).digest('base64');

/** The user of a valid, unexpired cookie token, else undefined. */
export function verifyToken(config: AuthConfig, token: string, now: number): string | undefined {
  const verified = checkToken(config, token);
  return verified && verified.expiry >= now ? verified.user : undefined;
}

/** The user and expiry of a correctly signed token (expired or not), else undefined. */
function checkToken(config: AuthConfig, token: string): { user: string; expiry: number } | undefined {
  const at = token.lastIndexOf('&s=');
  if (at < 0) return undefined;
  const payload = token.slice(0, at);
  const expected = Buffer.from(sign(config.secret, payload));
  const given = Buffer.from(token.slice(at + 3));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  const fields = new URLSearchParams(payload);
  const expiry = Number(fields.get('e'));
  const user = fields.get('u');
  return Number.isFinite(expiry) && user ? { user, expiry } : undefined;
}

function cookieToken(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== COOKIE) continue;
    return part
      .slice(eq + 1)
      .trim()
      .replace(/^"|"$/g, '');
  }
  return undefined;
}

const queryString = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;

/** How long a signed token is handed out again to the same user (its expiry is then up to this much earlier). */
const REISSUE_MS = 1_000;
/** Verified cookies remembered, so a client that sends its cookie on every request costs one HMAC, not one each. */
const VERIFIED_MAX = 10_000;

/**
 * Signing and verifying `hadoop.auth` tokens, with the HMAC work done once per user per second and once per
 * distinct cookie: a client sending `?user.name=` or its cookie on every request (yarn-api-client, the bench's
 * submitters) would otherwise pay an HMAC on each (measured: a quarter of a trivial request's cpu).
 */
export class TokenCache {
  private readonly issued = new Map<string, { token: string; at: number }>();
  private readonly verified = new Map<string, { user: string; expiry: number }>();

  constructor(private readonly config: AuthConfig) {}

  sign(user: string, now: number): string {
    const hit = this.issued.get(user);
    if (hit && now - hit.at < REISSUE_MS && now >= hit.at) return hit.token;
    const token = signToken(this.config, user, now);
    if (this.issued.size >= VERIFIED_MAX) this.issued.clear();
    this.issued.set(user, { token, at: now });
    return token;
  }

  verify(token: string, now: number): string | undefined {
    let hit = this.verified.get(token);
    if (!hit) {
      hit = checkToken(this.config, token);
      if (!hit) return undefined;
      // Bounded: a flood of distinct valid cookies only ever costs the HMACs it would have cost anyway.
      if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
      this.verified.set(token, hit);
    }
    return hit.expiry >= now ? hit.user : undefined;
  }
}

/**
 * Express middleware resolving `req.principal`: `?user.name=` authenticates (and sets the signed cookie, as the RM
 * does, which yarn-api-client's SimpleAuth relies on), else a valid cookie, else anonymous. `?doAs=` switches to
 * another user when the caller is an allowed proxy user.
 */
export function principalMiddleware(config: AuthConfig, now: () => number = Date.now) {
  const tokens = new TokenCache(config);
  return (req: Request, res: Response, next: NextFunction): void => {
    let user: string | undefined;
    const named = queryString(req.query['user.name']);
    if (named) {
      user = named;
      res.append('Set-Cookie', `${COOKIE}="${tokens.sign(user, now())}"; Path=/; HttpOnly`);
    } else {
      const token = cookieToken(req.headers.cookie);
      if (token) user = tokens.verify(token, now());
    }
    const doAs = queryString(req.query.doAs) ?? queryString(req.query.doas);
    if (doAs && user && doAs !== user) {
      const rule = config.proxyUsers[user];
      if (!rule || !aclAllows(rule.users, doAs, config.groups[doAs] ?? [])) {
        throw new RemoteError('Impersonation', `User: ${user} is not allowed to impersonate ${doAs}`);
      }
      user = doAs;
    }
    req.principal = { user, effectiveUser: user ?? config.staticUser, groups: user ? (config.groups[user] ?? []) : [] };
    next();
  };
}

/** The authenticated user of a write, or 401 as the RM answers. */
export function requireUser(req: Request): string {
  if (!req.principal.user)
    throw new RemoteError('NotAuthenticated', 'Unable to obtain user name, user not authenticated');
  return req.principal.user;
}

export const isAdmin = (config: AuthConfig, p: Principal): boolean =>
  p.user !== undefined && aclAllows(config.adminAcl, p.user, p.groups);

export { parseAcl };
