// The demo itself: server, emulator, agent worker, room, simulated user, conversation, teardown, results.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { RoomServiceClient } from 'livekit-server-sdk';
import { OFFLINE_DIALOGUE, OFFLINE_GREETING } from '../../examples/offline/index.js';
import type { BrowserSnapshot } from '../../examples/web/protocol.js';
import { startViewerServer, type ViewerServer } from '../../examples/web/server.js';
import {
  type EmulatedSession,
  type RunningEmulator,
  startEmulator,
} from '../../src/emulator/index.js';
import { type LiveKitServerHandle, REPO_ROOT, startLiveKitServer } from '../lib/livekit_server.js';
import { type AgentWorker, startAgentWorker } from './agent_worker.js';
import type { DemoArgs } from './args.js';
import type { Utterance } from './audio_watch.js';
import { wavFile } from './audio_watch.js';
import { browserTiles } from './browser_sheet.js';
import { writeContactSheet } from './contact_sheet.js';
import { converse, type UserLine } from './conversation.js';
import { type Progress, seconds } from './progress.js';
import {
  type AvatarLine,
  type DemoSummary,
  endedBy,
  MIN_DECODED_FRAMES,
  MIN_HEARD_MS,
  matchLines,
  printSummary,
} from './summary.js';
import { SimulatedUser } from './user.js';

/** How long the avatar may take to show its first frame after the user joined. */
const FIRST_FRAME_TIMEOUT_MS = 45_000;
/** How long the agent worker may take to start and register (includes TypeScript loading). */
const REGISTER_TIMEOUT_MS = 60_000;
/** How long to wait for every Runway session to end once the agent has stopped. */
const SESSION_END_TIMEOUT_MS = 8000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Rejects after `ms` with a message naming what was awaited. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

type WorkerEvent = { type: string; sessionId: string; atMs: number; [k: string]: unknown };

/** Everything started so far, for cleanup in any order of failure. */
interface Running {
  server?: LiveKitServerHandle;
  /** "Runway's" LiveKit server for hosted sessions (Runway hosts those rooms on its own server). */
  runwayServer?: LiveKitServerHandle;
  emulator?: RunningEmulator;
  agent?: AgentWorker;
  user?: SimulatedUser;
  /** `--web`: the viewer page's server. */
  viewer?: ViewerServer;
}

/** How long the opened viewer page may take to join the room once it exists. */
const VIEWER_JOIN_TIMEOUT_MS = 15_000;
/** `--web`: the page's snapshots kept (one a second: 10 minutes). */
const MAX_BROWSER_SNAPSHOTS = 600;

/** Runs the demo; resolves with the exit code (0 only when the user saw and heard the avatar). */
export async function runDemo(
  args: DemoArgs,
  progress: Progress,
  network: string,
): Promise<number> {
  const outDir = resolve(REPO_ROOT, args.outDir);
  await mkdir(outDir, { recursive: true });
  const paths = {
    contactSheet: join(outDir, 'contact-sheet.png'),
    summary: join(outDir, 'summary.json'),
    heard: join(outDir, 'heard.wav'),
    agentLog: join(outDir, 'agent.log'),
  };
  // Results of an earlier run must not pass for this one's.
  await Promise.all(Object.values(paths).map((p) => rm(p, { force: true })));
  const show = (p: string) => relative(process.cwd(), p) || p;
  const running: Running = {};
  const timeline: Record<string, number | null> = {};
  const mark = (k: string, at = Date.now()) => {
    timeline[k] = progress.elapsedMs(at);
  };
  const workerEvents: WorkerEvent[] = [];
  const failures: string[] = [];
  let userLines: UserLine[] = [];
  let toolCall: DemoSummary['toolCall'] = null;
  const browserShots: BrowserSnapshot[] = [];
  let agentStop: { code: number; forced: boolean; ms: number } | undefined;
  const room = `runway-demo-${randomBytes(3).toString('hex')}`;
  const userIdentity = 'demo-user';

  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> => {
    cleaned ??= (async () => {
      await running.user?.leave().catch(() => {});
      if (running.agent) agentStop ??= await running.agent.stop(3000);
      await running.emulator?.close().catch(() => {});
      await running.server?.stop().catch(() => {});
      await running.runwayServer?.stop().catch(() => {});
      await running.viewer?.close().catch(() => {});
    })();
    return cleaned;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    progress.warn(`${signal}: stopping everything the demo started...`);
    void cleanup().finally(() => {
      progress.step('stopped: agent worker, emulator and livekit-server are gone');
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);

  try {
    // 1. LiveKit server(s). Hosted sessions live in Runway's own rooms: on a second server here, as
    // an agent worker with automatic dispatch would otherwise be dispatched into those rooms too.
    const hostedPossible = args.strategy === 'hosted' || args.mode === 'hosted-only';
    const [server, runwayServer] = await Promise.all([
      startLiveKitServer({}),
      hostedPossible ? startLiveKitServer({}) : undefined,
    ]);
    running.server = server;
    running.runwayServer = runwayServer;
    mark('livekitServerReady');
    progress.step(`livekit-server ready at ${server.url} (pid ${server.pid})`);
    if (runwayServer) {
      progress.step(
        `second livekit-server for Runway's hosted rooms at ${runwayServer.url} (pid ${runwayServer.pid})`,
      );
    }

    // 1b. --web: the viewer page, served now so a person can open it while the rest starts. Its token
    // endpoint answers once the room exists (step 4).
    let openRoom: () => void = () => {};
    if (args.web) {
      const roomCreated = new Promise<void>((resolve) => {
        openRoom = resolve;
      });
      running.viewer = await startViewerServer({
        livekitUrl: server.url,
        apiKey: server.apiKey,
        apiSecret: server.apiSecret,
        room,
        port: args.web.port || undefined,
        tokenGate: roomCreated,
        // The contact sheet then shows what the browser showed.
        onSnapshot: (s) => {
          if (browserShots.length < MAX_BROWSER_SNAPSHOTS) browserShots.push(s);
        },
      });
      progress.step(`watch live: open ${running.viewer.url} in a browser on this machine`);
      if (args.web.waitMs > 0) {
        progress.detail('(the conversation starts once the page is open)');
      }
    }

    // 2. Runway emulator with its avatar worker, in the chosen API mode.
    const emulator = await startEmulator({
      mode: args.mode,
      ...(runwayServer
        ? {
            livekit: {
              url: runwayServer.url,
              apiKey: runwayServer.apiKey,
              apiSecret: runwayServer.apiSecret,
            },
          }
        : {}),
      worker: {
        // The hosted character answers with the offline script too.
        reply: (turn) => OFFLINE_DIALOGUE[(turn - 1) % OFFLINE_DIALOGUE.length]!.reply,
        onEvent: (e) => onWorkerEvent(e as WorkerEvent),
      },
    });
    running.emulator = emulator;
    mark('emulatorReady');
    progress.step(
      `Runway emulator at ${emulator.url}, mode ${emulator.mode} (emulated avatar worker and hosted character on)`,
    );
    let retrieves = 0;
    emulator.on('request', (r) => {
      if (r.route === 'retrieve') {
        retrieves++;
        return;
      }
      progress.step(`Runway API: ${r.method} ${r.path} -> ${r.status ?? 'no response'}`, r.atMs);
    });
    emulator.on('status', (id, status, s) =>
      progress.step(`Runway session ${id.slice(0, 8)} (${s.via}): ${status}`),
    );

    // 3. The example agent as a real worker.
    const agent = await startAgentWorker({
      repoRoot: REPO_ROOT,
      logFile: paths.agentLog,
      livekit: server,
      runway: { baseUrl: emulator.url, apiKey: emulator.apiKey },
      strategy: args.strategy,
      voice: args.voice,
      startScript: OFFLINE_GREETING,
      onMilestone: (what, at) => {
        if (what === 'entry_failed') return;
        mark(what === 'registered' ? 'agentRegistered' : 'agentJobReceived', at);
        progress.step(
          what === 'registered'
            ? 'agent worker registered with livekit-server (automatic dispatch)'
            : 'agent worker received the job for the room',
          at,
        );
      },
    });
    running.agent = agent;
    progress.step(
      `agent worker started: examples/agent.ts dev, RUNWAY_STRATEGY=${args.strategy}, ` +
        `AGENT_OFFLINE=1 (pid ${agent.pid}, log ${show(paths.agentLog)})`,
    );
    await within(agent.registered, REGISTER_TIMEOUT_MS, 'the agent worker to register');

    const viewer = running.viewer;
    let pageOpen = false;
    if (viewer && args.web && args.web.waitMs > 0) {
      progress.step(
        `waiting up to ${seconds(args.web.waitMs, 0)} for the viewer page to be opened...`,
      );
      pageOpen = await Promise.race([
        viewer.pageOpened.then(() => true),
        sleep(args.web.waitMs).then(() => false),
      ]);
      progress.step(
        pageOpen
          ? 'viewer page opened'
          : 'no viewer page was opened: going on without it (it can still join later)',
      );
    }

    // 4. A room: creating it dispatches the (unnamed) agent automatically.
    const rooms = new RoomServiceClient(server.httpUrl, server.apiKey, server.apiSecret);
    await rooms.createRoom({ name: room, emptyTimeout: 60 });
    mark('roomCreated');
    progress.step(`room ${room} created`);
    openRoom();
    if (pageOpen) {
      // The page joins now; the user waits for it, so the page shows the conversation from its start.
      const deadline = Date.now() + VIEWER_JOIN_TIMEOUT_MS;
      let joined: string | undefined;
      while (!joined && Date.now() < deadline) {
        const participants = await rooms.listParticipants(room).catch(() => []);
        joined = participants.find((p) => p.identity.startsWith('viewer-'))?.identity;
        if (!joined) await sleep(200);
      }
      mark('viewerJoined');
      progress.step(
        joined
          ? `viewer page joined the room (participant ${joined})`
          : `the viewer page did not join within ${seconds(VIEWER_JOIN_TIMEOUT_MS, 0)}: going on`,
      );
    }

    // 5. The simulated user.
    const user = await SimulatedUser.join({
      url: server.url,
      apiKey: server.apiKey,
      apiSecret: server.apiSecret,
      room,
      identity: userIdentity,
      planMs: args.conversationMs,
      maxRecordMs: args.conversationMs + 60_000,
      onAvatarTracks: (identity) => {
        mark('avatarTracks');
        progress.step(`subscribed to the avatar's video and audio (participant ${identity})`);
      },
    });
    running.user = user;
    mark('userJoined', user.joinedAtMs);
    progress.step(
      `user ${userIdentity} joined the room and published a microphone`,
      user.joinedAtMs,
    );

    await within(
      Promise.race([user.avatarTracks.then(() => user.video!.firstFrame), agent.failure]),
      FIRST_FRAME_TIMEOUT_MS,
      "the avatar's first video frame",
    );
    const firstAt = user.video!.stats().firstFrameAtMs!;
    mark('firstVideoFrame', firstAt);
    progress.step(
      `first avatar video frame (${seconds(firstAt - user.joinedAtMs)} after the user joined)`,
      firstAt,
    );

    // 6. The conversation.
    const describe = (u: Utterance) => {
      const text = spokenLines(user, workerEvents).find(
        (l) => Math.abs(l.atMs - (u.startAtMs - user.joinedAtMs)) < 3000,
      )?.text;
      return text ? JSON.stringify(text) : '(no transcript)';
    };
    userLines = await converse(user, progress, firstAt + args.conversationMs, describe);

    // 6b. Hosted: the character calls the agent's own function tool, answered through the plugin.
    toolCall = await demoToolCall(emulator, progress);
    if (toolCall && toolCall.outcome !== 'result')
      failures.push(
        `the character's call of ${toolCall.tool} gave ${toolCall.outcome}, not a result`,
      );

    // 7. Ending: the user leaves, the agent worker stops and ends the Runway session.
    await user.leave();
    mark('userLeft');
    progress.step('user left the room');
    progress.step('stopping the agent worker (SIGTERM)...');
    agentStop = await agent.stop(10_000);
    mark('agentStopped');
    progress.step(
      `agent worker exited (code ${agentStop.code}${agentStop.forced ? ', killed after the grace time' : ''}) in ${seconds(agentStop.ms)}`,
    );
    const deadline = Date.now() + SESSION_END_TIMEOUT_MS;
    while (emulator.billing().sessionsBilling > 0 && Date.now() < deadline) await sleep(100);
    const billing = emulator.billing();
    progress.step(
      billing.sessionsBilling === 0
        ? 'no Runway session left billing'
        : `${billing.sessionsBilling} Runway session(s) still RUNNING (billing)`,
    );
    if (retrieves > 0)
      progress.detail(`(${retrieves} GET /v1/realtime_sessions/{id} polls not shown)`);
  } catch (error) {
    failures.push((error as Error).message);
    progress.warn(`demo step failed: ${(error as Error).message}`);
  }

  // 8. Results, whatever happened.
  const sessions = running.emulator?.sessions() ?? [];
  const billing = running.emulator?.billing() ?? { sessionsBilling: 0, totalBilledSeconds: 0 };
  const requests = running.emulator?.requests ?? [];
  const user = running.user;
  await cleanup();
  progress.step('emulator and livekit-server stopped');

  const video = user?.video?.stats();
  const outputs: Record<string, string> = {};
  let contactSheet: string | null = null;
  let contactSheetFrom: DemoSummary['video']['contactSheetFrom'] = null;
  const tiles =
    browserShots.length >= 2
      ? browserTiles(browserShots)
      : user?.video && user.video.snapshots.length > 0
        ? user.video.snapshots
        : [];
  if (tiles.length > 0) {
    const sheet = await writeContactSheet(tiles, paths.contactSheet);
    contactSheet = show(paths.contactSheet);
    contactSheetFrom = browserShots.length >= 2 ? 'browser' : 'user';
    outputs['contactSheet'] = contactSheet;
    progress.step(
      `contact sheet written: ${sheet.tiles} avatar frames over time` +
        `${contactSheetFrom === 'browser' ? ' as the browser showed them' : ''}, ${sheet.width}x${sheet.height} PNG`,
    );
  }
  const heardMs = user?.audio?.audibleMs ?? 0;
  if (user?.audio) {
    const rec = user.audio.recording();
    await writeFile(paths.heard, wavFile(rec.samples, rec.sampleRate));
    outputs['heardAudio'] = show(paths.heard);
  }
  outputs['agentLog'] = show(paths.agentLog);
  outputs.summary = show(paths.summary);

  if ((video?.framesDecoded ?? 0) < MIN_DECODED_FRAMES) {
    failures.push(
      `the user decoded ${video?.framesDecoded ?? 0} avatar frames (needs ${MIN_DECODED_FRAMES})`,
    );
  }
  if (heardMs < MIN_HEARD_MS) {
    failures.push(
      `the user heard ${seconds(heardMs)} of avatar audio (needs ${seconds(MIN_HEARD_MS)})`,
    );
  }
  const lines = user ? spokenLines(user, workerEvents) : [];
  const joinedAt = user?.joinedAtMs ?? 0;
  const summary: DemoSummary = {
    ok: failures.length === 0,
    failures,
    startedAt: new Date(progress.startEpochMs).toISOString(),
    totalMs: progress.elapsedMs(),
    network,
    strategy: {
      requested: args.strategy,
      used: sessions.at(-1)?.via ?? null,
      emulatorMode: args.mode,
    },
    room,
    userIdentity,
    avatarIdentity: user?.avatarIdentity ?? null,
    timeline,
    video: {
      ...(video ?? emptyVideo()),
      firstFrameAfterJoinMs:
        video?.firstFrameAtMs !== undefined ? video.firstFrameAtMs - joinedAt : null,
      contactSheet,
      contactSheetFrom,
    },
    audio: {
      heardSeconds: heardMs / 1000,
      receivedSeconds: (user?.audio?.receivedMs ?? 0) / 1000,
      firstAudibleAfterJoinMs:
        user?.audio?.firstAudibleAtMs !== undefined ? user.audio.firstAudibleAtMs - joinedAt : null,
      utterances: user?.audio ? matchLines(user.audio.utterances, lines, joinedAt) : [],
      otherAudioPublishers: user ? [...user.otherAudio] : [],
    },
    userLines,
    avatarLines: lines,
    toolCall,
    sessions: sessions.map((s) => sessionSummary(s, workerEvents, requests)),
    billing: {
      sessionsBilling: billing.sessionsBilling,
      totalBilledSeconds: billing.totalBilledSeconds,
    },
    runwayRequests: requests.map((r) => `${r.method} ${r.path} -> ${r.status ?? 'none'}`),
    web: running.viewer
      ? { url: running.viewer.url, pagesJoined: running.viewer.tokensIssued }
      : null,
    agent: {
      exitCode: agentStop?.code ?? null,
      stopMs: agentStop?.ms ?? null,
      forced: agentStop?.forced ?? false,
      log: show(paths.agentLog),
    },
    outputs,
  };
  await writeFile(paths.summary, `${JSON.stringify(summary, null, 2)}\n`);
  if (!summary.ok && running.agent) {
    process.stderr.write(`\nLast lines of ${show(paths.agentLog)}:\n`);
    for (const l of running.agent.tail(30)) process.stderr.write(`  ${l}\n`);
  }
  printSummary(summary);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  return summary.ok ? 0 : 1;

  function onWorkerEvent(e: WorkerEvent): void {
    workerEvents.push(e);
    const id = e.sessionId.slice(0, 8);
    switch (e.type) {
      case 'joined':
        progress.step(`emulated Runway worker for ${id} joined its room`, e.atMs);
        break;
      case 'agent_joined':
        progress.step(`emulated avatar worker ${id} sees the agent`, e.atMs);
        break;
      case 'participant_joined':
        progress.step(`hosted character ${id}: a participant joined (the bridge)`, e.atMs);
        break;
      case 'end_call':
        progress.step(`emulated worker ${id} received END_CALL`, e.atMs);
        break;
      case 'left':
        progress.step(`emulated worker ${id} left (${String(e['reason'])})`, e.atMs);
        break;
    }
  }
}

/** Lines the avatar said: the hosted character's own speech, else the agent's transcripts. */
function spokenLines(user: SimulatedUser, events: readonly WorkerEvent[]): AvatarLine[] {
  const character = events.filter((e) => e.type === 'character_speech');
  if (character.length > 0) {
    return character.map((e) => ({
      source: 'hosted character',
      text: String(e['text']),
      atMs: e.atMs - Number(e['playedMs'] ?? 0) - user.joinedAtMs,
    }));
  }
  return user.transcripts.map((t) => ({
    source: 'agent transcript',
    text: t.text,
    atMs: t.atMs - user.joinedAtMs,
  }));
}

function sessionSummary(
  s: EmulatedSession,
  events: readonly WorkerEvent[],
  requests: Parameters<typeof endedBy>[2],
): DemoSummary['sessions'][number] {
  return {
    id: s.id,
    via: s.via,
    status: s.status,
    endedBy: endedBy(s, events, requests),
    durationS: s.duration ?? null,
    billedSeconds: s.billedSeconds,
    timeline: s.timeline.map((t) => t.status),
    ...(s.failureCode ? { failureCode: s.failureCode } : {}),
  };
}

function emptyVideo(): NonNullable<ReturnType<NonNullable<SimulatedUser['video']>['stats']>> {
  return {
    framesReceived: 0,
    framesDecoded: 0,
    framesUndecodable: 0,
    framesDropped: 0,
    framesOutOfOrder: 0,
    fps: 0,
    firstFrameAtMs: undefined,
    lastFrameAtMs: undefined,
    firstCounter: undefined,
    lastCounter: undefined,
    maxLevel: 0,
    framesSpeaking: 0,
    resolutions: [],
  };
}

/** The example agent's tool, as the demo's hosted character calls it. */
const DEMO_TOOL = { name: 'time_in_city', args: { city: 'Paris', timeZone: 'Europe/Paris' } };

/**
 * With a hosted session, makes Runway's (emulated) character call the agent's `time_in_city` tool, which
 * the plugin answers through its handler participant; the character then says the result. Null when the
 * session is not hosted (the agent's own LLM holds its tools there).
 */
async function demoToolCall(
  emulator: RunningEmulator,
  progress: Progress,
): Promise<DemoSummary['toolCall']> {
  const hosted = emulator.sessions().find((s) => s.via === 'hosted' && s.status === 'RUNNING');
  if (!hosted) return null;
  progress.step(
    `the character calls the agent's tool ${DEMO_TOOL.name}(${JSON.stringify(DEMO_TOOL.args)})...`,
  );
  const outcome = await emulator.callTool(hosted.id, DEMO_TOOL.name, DEMO_TOOL.args);
  const detail =
    outcome.kind === 'result'
      ? JSON.stringify(outcome.result)
      : `${outcome.code} ${outcome.message}`;
  progress.step(`tool ${outcome.kind} after ${seconds(outcome.elapsedMs)}: ${detail}`);
  // The character says the result: give the user time to hear it.
  await sleep(4000);
  return {
    tool: DEMO_TOOL.name,
    args: DEMO_TOOL.args,
    outcome: outcome.kind,
    result: outcome.kind === 'result' ? outcome.result : detail,
    elapsedMs: outcome.elapsedMs,
  };
}
