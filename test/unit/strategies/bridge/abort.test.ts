// MediaBridge.open and attach honour an AbortSignal: they reject with its reason, before or during the
// connect. A loopback socket that accepts and never answers stands in for a server that is slow to join.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaBridge, RunwayFeed } from '../../../../src/strategies/bridge.js';

let server: Server;
let url: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  url = `ws://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const options = (signal: AbortSignal) => ({
  agentRoomUrl: url,
  avatarToken: 'not-a-real-token',
  agentIdentity: 'agent',
  onData: () => {},
  signal,
});

describe('MediaBridge abort', () => {
  it('open() with an aborted signal rejects with its reason and connects nothing', async () => {
    const reason = new Error('job cancelled');
    await expect(MediaBridge.open(options(AbortSignal.abort(reason)))).rejects.toBe(reason);
  });

  it('open() aborted during the connect rejects promptly with the reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stopped while provisioning');
    const opening = MediaBridge.open(options(controller.signal));
    setTimeout(() => controller.abort(reason), 100);
    const t0 = performance.now();
    await expect(opening).rejects.toBe(reason);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('start() returns at once; ready carries the abort', async () => {
    const controller = new AbortController();
    const bridge = MediaBridge.start(options(controller.signal));
    expect(bridge.feed).toBeUndefined();
    const reason = new Error('gone');
    controller.abort(reason);
    await expect(bridge.ready).rejects.toBe(reason);
    await bridge.close();
  });

  it('attach() aborted while joining Runway’s room rejects with the reason and closes the feed', async () => {
    const bridge = MediaBridge.start(options(new AbortController().signal));
    const feed = new RunwayFeed('00000000-0000-4000-8000-000000000000', {
      url,
      token: 'not-a-real-token',
    } as never);
    const controller = new AbortController();
    const reason = new Error('session cancelled');
    const attaching = bridge.attach(feed, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    await expect(attaching).rejects.toBe(reason);
    expect(bridge.feed).toBeUndefined();
    await bridge.close();
  });
});
