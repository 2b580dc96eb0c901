/**
 * How the gateway calls its subgraphs: undici's `request` on a keep-alive agent, the body read in
 * full and handed to Apollo as a fetch-like response. The default (make-fetch-happen over
 * minipass-fetch) is a general HTTP client with caching and retries that a subgraph call never uses;
 * it cost about 4 % of a dashboard request's CPU (`npm run bench -- subgraph-profile --query gateway`).
 * With TLS it trusts only the given CA, without widening the process-wide trust store.
 * A subgraph served by this same process is called without a socket (src/server/local-call.ts).
 */
import { STATUS_CODES } from 'node:http';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, request, type Dispatcher } from 'undici';
import type { HandedResult } from './handover.js';
import type { LocalCall } from './local-call.js';

type Fetcher = NonNullable<NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher']>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/** `local`: the subgraphs in this process, by the URL the supergraph names them at. */
export function subgraphFetcher(ca?: Buffer, local: ReadonlyMap<string, LocalCall> = new Map()): Fetcher {
  const dispatcher = new Agent(ca ? { connect: { ca } } : {});
  return async (url, init = {}) => {
    const call = local.get(url);
    if (call) {
      const res = await call({ method: init.method ?? 'POST', headers: (init.headers ?? {}) as Record<string, string>, body: typeof init.body === 'string' ? init.body : '' });
      return new ReadResponse(url, res.status, Object.fromEntries(res.headers), res.body);
    }
    const res = await request(url, {
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: init.headers,
      body: init.body,
      signal: init.signal as AbortSignal | undefined,
      dispatcher,
    });
    return new ReadResponse(url, res.statusCode, res.headers, await res.body.text());
  };
}

/** A subgraph's answer read in full: its text, or (in-process, src/server/handover.ts) the object the text would parse to. */
class ReadResponse implements FetcherResponse {
  readonly bodyUsed = false;
  readonly redirected = false;
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: Headers;

  constructor(
    readonly url: string,
    readonly status: number,
    raw: Record<string, string | string[] | undefined>,
    private readonly body: string | { result: HandedResult },
  ) {
    this.ok = status >= 200 && status < 300;
    this.statusText = STATUS_CODES[status] ?? '';
    this.headers = new Headers();
    for (const [name, value] of Object.entries(raw)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) this.headers.append(name, v);
    }
  }

  async text(): Promise<string> {
    return this.textOf();
  }

  async json(): Promise<unknown> {
    return typeof this.body === 'string' ? JSON.parse(this.body) : this.body.result;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(this.textOf(), 'utf8');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  clone(): FetcherResponse {
    return this;
  }

  private textOf(): string {
    return typeof this.body === 'string' ? this.body : `${JSON.stringify(this.body.result)}\n`;
  }
}
