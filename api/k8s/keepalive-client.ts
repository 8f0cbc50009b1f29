import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { OutgoingHttpHeaders } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { TokenBucket } from './token-bucket.ts';

/** Settings of a {@link KeepAliveClient}. */
export interface KeepAliveClientOptions {
  /** Requests per second after the burst (client-go's `--kube-api-qps`). */
  qps: number;
  /** Requests allowed at once before `qps` applies (client-go's `--kube-api-burst`). */
  burst: number;
  /** Connections kept open to the apiserver: as many requests are in flight at most. */
  maxSockets: number;
  /** A request without an answer after this long fails. @defaultValue 60_000 */
  timeoutMs?: number;
  /**
   * How long the credentials read from the kubeconfig are reused before asking it again (exec and OIDC tokens
   * expire; a static token does not care). @defaultValue 60_000
   */
  credentialsTtlMs?: number;
}

/** What the apiserver answered: the status code and the body, parsed when it is JSON, else the text. */
export interface KeepAliveResponse<T = unknown> {
  status: number;
  body: T;
}

/** Per-request extras. */
export interface KeepAliveRequestOptions {
  /** Accept header, e.g. `application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`. */
  accept?: string;
  /**
   * Decodes a 200 answer of the content type it is given as the body streams in (e.g. a protobuf list), or returns
   * undefined to have it read as usual. What its `end()` returns becomes the response body.
   */
  decoder?: (contentType: string) => BodyDecoder<unknown> | undefined;
}

/** A response body decoded as it arrives: fed every chunk, then asked for the result. */
export interface BodyDecoder<T> {
  push(chunk: Buffer): void;
  end(): T;
}

/**
 * A small JSON client for the Kubernetes apiserver over keep-alive HTTPS connections, rate-limited by a token bucket.
 *
 * Why: `@kubernetes/client-node` 1.4 builds a fresh `https.Agent` for every request (`applyToHTTPSOptions`), so each
 * call pays a TLS handshake; at a few hundred requests per second that handshake is the bottleneck. This client
 * takes the same credentials from the kubeconfig (CA, client certificate/key, bearer token, TLS server name) and
 * sends every request over a pool of at most `maxSockets` persistent connections, after taking a token from a
 * client-go-style bucket (`qps`, `burst`; token-bucket.ts).
 *
 *     const kc = new KubeConfig(); kc.loadFromFile(path);
 *     const client = new KeepAliveClient(kc, { qps: 500, burst: 1000, maxSockets: 64 });
 *     const { status, body } = await client.request('POST', `/api/v1/namespaces/${ns}/pods/${pod}/binding`, binding);
 *     client.close();
 *
 * No retries beyond one: a request that failed with ECONNRESET on a reused idle connection (the server closed it
 * while the request was being written) is sent again on a new one. Non-2xx answers are returned, not thrown.
 */
export class KeepAliveClient {
  readonly server: URL;
  private readonly agent: Agent;
  private readonly bucket: TokenBucket;
  private readonly timeoutMs: number;
  private readonly credentialsTtlMs: number;
  private credentials?: { at: number; options: Promise<RequestOptions> };

  constructor(
    private readonly kc: KubeConfig,
    options: KeepAliveClientOptions,
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
    if (this.server.protocol !== 'https:') throw new Error(`KeepAliveClient speaks HTTPS only, not ${cluster.server}`);
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets });
    this.bucket = new TokenBucket(options.qps, options.burst);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.credentialsTtlMs = options.credentialsTtlMs ?? 60_000;
  }

  /**
   * Sends one request and resolves with the status and body; rejects only when no answer arrived (connection
   * error, timeout). `body` is sent as is when it is a string, else as JSON.
   *
   * @param path absolute path with query, e.g. `/api/v1/nodes?labelSelector=a%3Db`.
   * @param contentType of the body: `application/json`, `application/merge-patch+json`, ...
   */
  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    extras: KeepAliveRequestOptions = {},
  ): Promise<KeepAliveResponse<T>> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    await this.bucket.take();
    const base = await this.tlsAndAuth();
    const headers: OutgoingHttpHeaders = {
      ...(base.headers as OutgoingHttpHeaders | undefined),
      Accept: extras.accept ?? 'application/json',
    };
    if (payload !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const options: RequestOptions = {
      ...base,
      protocol: 'https:',
      hostname: this.server.hostname,
      port: this.server.port || 443,
      path: `${this.server.pathname.replace(/\/$/, '')}${path}`,
      method,
      headers,
      agent: this.agent,
    };
    try {
      return await this.send<T>(options, payload, extras.decoder);
    } catch (err) {
      if ((err as { retryable?: boolean }).retryable) return this.send<T>(options, payload, extras.decoder);
      throw err;
    }
  }

  /** Closes every connection; requests after this open new ones. */
  close(): void {
    this.agent.destroy();
  }

  private send<T>(
    options: RequestOptions,
    payload: string | undefined,
    decoderFor?: KeepAliveRequestOptions['decoder'],
  ): Promise<KeepAliveResponse<T>> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(options, (res) => {
        const decoder = res.statusCode === 200 ? decoderFor?.(res.headers['content-type'] ?? '') : undefined;
        if (decoder) {
          res.on('data', (c: Buffer) => {
            try {
              decoder.push(c);
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)));
              res.destroy();
            }
          });
          res.on('error', reject);
          res.on('end', () => {
            try {
              resolve({ status: 200, body: decoder.end() as T });
            } catch (err) {
              reject(err instanceof Error ? err : new Error(String(err)));
            }
          });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          if (/\bjson\b/.test(res.headers['content-type'] ?? '')) {
            try {
              parsed = JSON.parse(text);
            } catch {
              /* keep the text */
            }
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
      });
      req.setTimeout(this.timeoutMs, () =>
        req.destroy(new Error(`${options.method} ${options.path}: no answer within ${this.timeoutMs / 1000} s`)),
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (req.reusedSocket && err.code === 'ECONNRESET') Object.assign(err, { retryable: true });
        reject(err);
      });
      req.end(payload);
    });
  }

  /** TLS material and auth headers from the kubeconfig, re-read every `credentialsTtlMs`. */
  private tlsAndAuth(): Promise<RequestOptions> {
    const now = performance.now();
    if (!this.credentials || now - this.credentials.at > this.credentialsTtlMs) {
      const options = (async (): Promise<RequestOptions> => {
        const o: RequestOptions = {};
        await this.kc.applyToHTTPSOptions(o);
        // client-node put a fresh non-keep-alive agent there: the whole point is not to use it.
        delete o.agent;
        return o;
      })();
      this.credentials = { at: now, options };
      options.catch(() => (this.credentials = undefined));
    }
    return this.credentials.options;
  }
}
