/**
 * A local Spotify that speaks the two endpoints Sonic Mood uses: the Accounts service's client-credentials
 * token endpoint and the Web API's track search, with scripted failures for resilience tests.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCatalogTrack {
  readonly name: string;
  readonly artist: string;
  readonly id: string;
}

export interface FakeSpotifyOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly catalog?: readonly FakeCatalogTrack[];
  /** Seconds an issued token lives (Spotify: 3600); the fake rejects it afterwards. */
  readonly expiresIn?: number;
  /** Milliseconds every search waits before answering, so concurrent requests overlap. */
  readonly searchDelayMs?: number;
}

export type FakeSpotifyFailure =
  | { readonly type: 'rate-limit'; readonly retryAfterSeconds: number }
  | { readonly type: 'server-error'; readonly status?: number }
  | { readonly type: 'unauthorized' }
  | { readonly type: 'hang' }
  | { readonly type: 'malformed' };

export interface FakeSpotifyStats {
  tokenCalls: number;
  searchCalls: number;
  inFlight: number;
  maxInFlight: number;
  /** The `q` of every search, in arrival order. */
  readonly queries: string[];
  /** The `market` of every search (null when absent), in arrival order. */
  readonly markets: (string | null)[];
}

export interface FakeSpotify {
  /** Ends with `/v1`, like `https://api.spotify.com/v1`. */
  readonly apiUrl: string;
  readonly accountsUrl: string;
  readonly stats: FakeSpotifyStats;
  /** The next `times` search calls fail this way (`Infinity` until `clearFailures`). */
  failNext(failure: FakeSpotifyFailure, times?: number): void;
  clearFailures(): void;
  /** Every token issued so far becomes invalid, as when Spotify revokes them. */
  revokeTokens(): void;
  close(): Promise<void>;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** The Web API's error object shape. */
function apiError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { status, message } }, headers);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeSpotify(options: FakeSpotifyOptions): Promise<FakeSpotify> {
  const catalog = options.catalog ?? [];
  const expiresIn = options.expiresIn ?? 3600;
  const searchDelayMs = options.searchDelayMs ?? 0;
  const tokens = new Map<string, number>();
  const failures: { failure: FakeSpotifyFailure; remaining: number }[] = [];
  const stats: FakeSpotifyStats = {
    tokenCalls: 0,
    searchCalls: 0,
    inFlight: 0,
    maxInFlight: 0,
    queries: [],
    markets: [],
  };
  let apiUrl = '';

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.tokenCalls += 1;
    const body = await readBody(req);
    const expected = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      sendJson(res, 400, { error: 'invalid_client', error_description: 'Invalid client' });
      return;
    }
    const contentType = req.headers['content-type'] ?? '';
    const form = new URLSearchParams(body);
    if (
      !contentType.startsWith('application/x-www-form-urlencoded') ||
      form.get('grant_type') !== 'client_credentials'
    ) {
      sendJson(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'grant_type parameter is missing',
      });
      return;
    }
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, Date.now() + expiresIn * 1000);
    sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: expiresIn });
  }

  function nextFailure(): FakeSpotifyFailure | undefined {
    const head = failures[0];
    if (head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) failures.shift();
    return head.failure;
  }

  function handleSearch(url: URL, req: IncomingMessage, res: ServerResponse): void {
    stats.searchCalls += 1;
    const q = url.searchParams.get('q');
    stats.queries.push(q ?? '');
    stats.markets.push(url.searchParams.get('market'));
    const failure = nextFailure();
    if (failure?.type === 'hang') return;
    setTimeout(() => answerSearch(url, q, failure, req, res), searchDelayMs);
  }

  /** The Web API's checks on a search request, in its order: the token first, then the parameters. */
  function rejectSearch(
    url: URL,
    q: string | null,
    req: IncomingMessage,
  ): { status: number; message: string } | undefined {
    const auth = req.headers.authorization;
    if (auth === undefined) return { status: 401, message: 'No token provided' };
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
    const expiresAt = tokens.get(token);
    if (expiresAt === undefined) return { status: 401, message: 'Invalid access token' };
    if (Date.now() >= expiresAt) return { status: 401, message: 'The access token expired' };
    if (q === null || q.trim() === '') return { status: 400, message: 'No search query' };
    const types = (url.searchParams.get('type') ?? '').split(',');
    if (!types.includes('track')) return { status: 400, message: 'Missing parameter type' };
    const limit = Number(url.searchParams.get('limit') ?? '20');
    if (!Number.isInteger(limit) || limit < 0 || limit > 50) return { status: 400, message: 'Invalid limit' };
    return undefined;
  }

  function answerSearch(
    url: URL,
    q: string | null,
    failure: FakeSpotifyFailure | undefined,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    switch (failure?.type) {
      case 'rate-limit':
        apiError(res, 429, 'API rate limit exceeded', { 'retry-after': String(failure.retryAfterSeconds) });
        return;
      case 'server-error':
        apiError(res, failure.status ?? 500, 'Server error.');
        return;
      case 'unauthorized':
        apiError(res, 401, 'Invalid access token');
        return;
      case 'malformed':
        if (!res.destroyed) {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          res.end('{"tracks": {"items": [');
        }
        return;
    }
    const rejection = rejectSearch(url, q, req);
    if (rejection !== undefined || q === null) {
      apiError(res, rejection?.status ?? 400, rejection?.message ?? 'No search query');
      return;
    }
    const limit = Number(url.searchParams.get('limit') ?? '20');

    const trackFilter = /track:"([^"]*)"/i.exec(q)?.[1];
    const artistFilter = /artist:"([^"]*)"/i.exec(q)?.[1];
    const name = normalize(trackFilter ?? q);
    const artist = artistFilter === undefined ? undefined : normalize(artistFilter);
    const matches = catalog.filter(
      (t) => normalize(t.name) === name && (artist === undefined || normalize(t.artist) === artist),
    );
    const items = matches.slice(0, limit).map((t) => ({
      album: { name: t.name },
      artists: [{ name: t.artist, type: 'artist' }],
      external_urls: { spotify: `https://open.spotify.com/track/${t.id}` },
      href: `${apiUrl}/tracks/${t.id}`,
      id: t.id,
      name: t.name,
      type: 'track',
      uri: `spotify:track:${t.id}`,
    }));
    const href = new URL(`${apiUrl}/search`);
    href.searchParams.set('query', q);
    href.searchParams.set('type', 'track');
    href.searchParams.set('offset', '0');
    href.searchParams.set('limit', String(limit));
    sendJson(res, 200, {
      tracks: {
        href: href.toString(),
        items,
        limit,
        next: null,
        offset: 0,
        previous: null,
        total: matches.length,
      },
    });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/api/token') {
      handleToken(req, res).catch(() => apiError(res, 500, 'Server error.'));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1/search') {
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      res.on('close', () => {
        stats.inFlight -= 1;
      });
      handleSearch(url, req, res);
      return;
    }
    apiError(res, 404, 'Service not found');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  apiUrl = `${origin}/v1`;

  return {
    apiUrl,
    accountsUrl: origin,
    stats,
    failNext(failure, times = 1) {
      failures.push({ failure, remaining: times });
    },
    clearFailures() {
      failures.length = 0;
    },
    revokeTokens() {
      tokens.clear();
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Hung searches keep their sockets open; drop them so close() finishes.
        server.closeAllConnections();
      });
    },
  };
}
