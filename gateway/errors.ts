/**
 * Domain errors of the gateway and the one table mapping them to what a Hadoop RM answers: HTTP status, the
 * RemoteException's `exception` and `javaClassName`, and whether the message carries the `java.lang.Exception: `
 * prefix (YARN's webapp exceptions wrap a plain Exception, so 3.4.1 prints it). Route code only throws these;
 * `middleware/error-handler.ts` is the only place that turns them into HTTP.
 */

export const REMOTE_EXCEPTIONS = {
  BadRequest: {
    status: 400,
    exception: 'BadRequestException',
    javaClassName: 'org.apache.hadoop.yarn.webapp.BadRequestException',
    prefix: true,
  },
  /** BadRequestException whose message is its cause's `toString()` (no `java.lang.Exception: ` prefix). */
  BadRequestCause: {
    status: 400,
    exception: 'BadRequestException',
    javaClassName: 'org.apache.hadoop.yarn.webapp.BadRequestException',
    prefix: false,
  },
  IllegalArgument: {
    status: 400,
    exception: 'IllegalArgumentException',
    javaClassName: 'java.lang.IllegalArgumentException',
    prefix: false,
  },
  Unmarshal: {
    status: 400,
    exception: 'WebApplicationException',
    javaClassName: 'javax.ws.rs.WebApplicationException',
    prefix: false,
  },
  NotAuthenticated: {
    status: 401,
    exception: 'AuthorizationException',
    javaClassName: 'org.apache.hadoop.security.authorize.AuthorizationException',
    prefix: false,
  },
  Forbidden: {
    status: 403,
    exception: 'ForbiddenException',
    javaClassName: 'org.apache.hadoop.yarn.webapp.ForbiddenException',
    prefix: true,
  },
  Impersonation: {
    status: 403,
    exception: 'AuthorizationException',
    javaClassName: 'org.apache.hadoop.security.authorize.AuthorizationException',
    prefix: false,
  },
  NotFound: {
    status: 404,
    exception: 'NotFoundException',
    javaClassName: 'org.apache.hadoop.yarn.webapp.NotFoundException',
    prefix: true,
  },
  NotFoundCause: {
    status: 404,
    exception: 'NotFoundException',
    javaClassName: 'org.apache.hadoop.yarn.webapp.NotFoundException',
    prefix: false,
  },
  MethodNotAllowed: {
    status: 405,
    exception: 'NotAllowedException',
    javaClassName: 'javax.ws.rs.NotAllowedException',
    prefix: false,
  },
  NotAcceptable: {
    status: 406,
    exception: 'NotAcceptableException',
    javaClassName: 'javax.ws.rs.NotAcceptableException',
    prefix: false,
  },
  PayloadTooLarge: {
    status: 413,
    exception: 'WebApplicationException',
    javaClassName: 'javax.ws.rs.WebApplicationException',
    prefix: false,
  },
  UnsupportedMediaType: {
    status: 415,
    exception: 'NotSupportedException',
    javaClassName: 'javax.ws.rs.NotSupportedException',
    prefix: false,
  },
  Internal: {
    status: 500,
    exception: 'YarnRuntimeException',
    javaClassName: 'org.apache.hadoop.yarn.exceptions.YarnRuntimeException',
    prefix: false,
  },
  Unavailable: {
    status: 503,
    exception: 'ServiceUnavailableException',
    javaClassName: 'javax.ws.rs.ServiceUnavailableException',
    prefix: false,
  },
} as const;
export type RemoteExceptionKind = keyof typeof REMOTE_EXCEPTIONS;

/** An error answered as a YARN RemoteException body in the negotiated format. */
export class RemoteError extends Error {
  override name = 'RemoteError';
  constructor(
    readonly kind: RemoteExceptionKind,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  get status(): number {
    return REMOTE_EXCEPTIONS[this.kind].status;
  }
  /** The message exactly as the RM prints it. */
  get remoteMessage(): string {
    return REMOTE_EXCEPTIONS[this.kind].prefix ? `java.lang.Exception: ${this.message}` : this.message;
  }
}

export const badRequest = (m: string): RemoteError => new RemoteError('BadRequest', m);
export const illegalArgument = (m: string): RemoteError => new RemoteError('IllegalArgument', m);
export const notFound = (m: string): RemoteError => new RemoteError('NotFound', m);
export const notAuthenticated = (): RemoteError =>
  new RemoteError('NotAuthenticated', 'Unable to obtain user name, user not authenticated');

/**
 * An error the RM answers with a plain-text body (403 on kill/move/priority ACL denial, 400 "App in FAILED state
 * cannot be moved."), labelled with the negotiated content type as the RM does.
 */
export class PlainTextError extends Error {
  override name = 'PlainTextError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
