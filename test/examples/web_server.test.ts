// The web viewer's server: page, bundled script, subscribe-only tokens for one room, loopback Host only.
import { request } from 'node:http';
import { TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ViewerTokenResponse } from '../../examples/web/protocol.js';
import { parseSnapshot, startViewerServer } from '../../examples/web/server.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';

async function start(extra: Partial<Parameters<typeof startViewerServer>[0]> = {}) {
  const server = await startViewerServer({
    livekitUrl: 'ws://127.0.0.1:7880',
    apiKey: 'devkey',
    apiSecret: SECRET,
    room: 'room-1',
    ...extra,
  });
  onTestFinished(() => server.close());
  return server;
}

/** GET (or POST `body`) with an explicit Host header (fetch does not let one set it). */
function get(
  url: string,
  host?: string,
  body?: string,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = {
      ...(host ? { host } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    };
    const req = request(url, { method: body ? 'POST' : 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('viewer server', () => {
  it('serves the page and the bundled script on 127.0.0.1', async () => {
    const server = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(server.url);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.body).toContain('<script src="/viewer.js">');
    const script = await get(`${server.url}viewer.js`);
    expect(script.status).toBe(200);
    expect(script.type).toContain('text/javascript');
    // livekit-client is bundled in: the page needs nothing else.
    expect(script.body.length).toBeGreaterThan(100_000);
    expect(script.body).toContain('lk.publish_on_behalf');
    expect((await get(`${server.url}nope`)).status).toBe(404);
  });

  it('mints a subscribe-only token for a fresh identity in its room', async () => {
    const server = await start();
    const first = JSON.parse((await get(`${server.url}token`)).body) as ViewerTokenResponse;
    const second = JSON.parse((await get(`${server.url}token`)).body) as ViewerTokenResponse;
    expect(first.url).toBe('ws://127.0.0.1:7880');
    expect(first.room).toBe('room-1');
    expect(first.identity).toMatch(/^viewer-[0-9a-f]{6}$/);
    expect(second.identity).not.toBe(first.identity);
    expect(server.tokensIssued).toBe(2);
    const claims = await new TokenVerifier('devkey', SECRET).verify(first.token);
    expect(claims.sub).toBe(first.identity);
    expect(claims.video).toMatchObject({
      room: 'room-1',
      roomJoin: true,
      canSubscribe: true,
      canPublish: false,
      canPublishData: false,
    });
  });

  it('refuses a request whose Host is not its loopback address (DNS rebinding)', async () => {
    const server = await start();
    const res = await get(`${server.url}token`, 'attacker.example:80');
    expect(res.status).toBe(421);
    expect(res.body).not.toContain('token');
    expect(server.tokensIssued).toBe(0);
  });

  it('takes the page’s snapshots only when asked to, and only well-formed ones', async () => {
    const plain = await start();
    const token = JSON.parse((await get(`${plain.url}token`)).body) as ViewerTokenResponse;
    expect(token.snapshotEveryMs).toBeUndefined();
    const good = JSON.stringify({
      atMs: 1,
      width: 4,
      height: 2,
      luma: Buffer.alloc(8).toString('base64'),
    });
    expect((await get(`${plain.url}snapshot`, undefined, good)).status).toBe(405);

    const got: unknown[] = [];
    const server = await start({ onSnapshot: (s) => got.push(s), snapshotEveryMs: 500 });
    const asked = JSON.parse((await get(`${server.url}token`)).body) as ViewerTokenResponse;
    expect(asked.snapshotEveryMs).toBe(500);
    expect((await get(`${server.url}snapshot`, undefined, good)).status).toBe(204);
    const short = JSON.stringify({ atMs: 1, width: 4, height: 2, luma: 'AAAA' });
    expect((await get(`${server.url}snapshot`, undefined, short)).status).toBe(400);
    expect((await get(`${server.url}snapshot`, undefined, '{')).status).toBe(400);
    expect(got).toEqual([JSON.parse(good)]);
    expect(parseSnapshot(JSON.stringify({ atMs: 1, width: 0, height: 2, luma: '' }))).toBeNull();
  });
});
