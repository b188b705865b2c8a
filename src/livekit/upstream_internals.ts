// The parts of @livekit/agents' DataStreamAudioOutput that RunwayAudioOutput uses although they are
// TypeScript-private (public at runtime): checked when an output is built, so a release that renames them
// fails at once with a clear error instead of silently misbehaving (a stalled interruption, a lost
// playback report) where only the end-to-end tests would notice.
//
// Process-wide flag: RunwayAudioOutput sets the static `_playbackFinishedRpcRegistered` to keep upstream
// from registering its one `lk.playback_finished` handler (upstream registers it on the FIRST room of the
// process only, keyed by identity alone); Runway registers one per room instead, which also serves every
// other plugin's output in that room through upstream's `_playbackFinishedHandlers`. The cost: in a
// process where a Runway output was built first, another avatar plugin's DataStreamAudioOutput in a
// DIFFERENT room (and no Runway output there) gets no `lk.playback_finished`. agents-js runs one job
// (one room) per process, so this arises only when one process serves several rooms.
import { version as agentsVersion, voice } from '@livekit/agents';
import { RunwayAvatarError } from '../errors.js';

/** The @livekit/agents versions this package was tested with (the peer range in package.json). */
export const TESTED_AGENTS_RANGE =
  '1.9.0 (the newest 1.x published when tested; peer range ^1.9.0)';

/** What must exist on the upstream class, and of which type. */
const STATIC_FIELDS = [
  ['_playbackFinishedHandlers', 'object'],
  ['_playbackFinishedRpcRegistered', 'boolean'],
] as const;
const INSTANCE_FIELDS = [
  ['started', 'boolean'],
  ['pushedDuration', 'number'],
] as const;

function problems(target: object, fields: readonly (readonly [string, string])[], where: string) {
  const out: string[] = [];
  for (const [name, type] of fields) {
    const value = (target as Record<string, unknown>)[name];
    const actual = value === null ? 'null' : typeof value;
    if (actual !== type) out.push(`${where}.${name} is ${actual}, expected ${type}`);
  }
  return out;
}

function fail(found: string[]): never {
  throw new RunwayAvatarError(
    'UNSUPPORTED_AGENTS_VERSION',
    `livekit-agents-runway relies on internals of @livekit/agents' DataStreamAudioOutput that @livekit/agents ${agentsVersion} does not have (${found.join('; ')}); this package is tested with @livekit/agents ${TESTED_AGENTS_RANGE}`,
  );
}

/**
 * Checks the static internals (before `super()` of a RunwayAudioOutput: the static flag is set there).
 * Throws a `RunwayAvatarError` `UNSUPPORTED_AGENTS_VERSION` naming the installed version.
 */
export function assertUpstreamStatics(
  cls: object = voice.DataStreamAudioOutput as unknown as object,
): void {
  const found = problems(cls, STATIC_FIELDS, 'DataStreamAudioOutput');
  if (found.length > 0) fail(found);
}

/**
 * Checks the instance internals of a just-built output (right after `super()`: both are class fields
 * initialised by the upstream constructor). Throws like {@link assertUpstreamStatics}.
 */
export function assertUpstreamInstance(output: object): void {
  const found = problems(output, INSTANCE_FIELDS, 'DataStreamAudioOutput#');
  if (found.length > 0) fail(found);
}

/** The installed @livekit/agents version (for messages and tests). */
export const AGENTS_VERSION: string = agentsVersion;
