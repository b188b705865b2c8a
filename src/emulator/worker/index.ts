// Public surface of the emulated Runway avatar worker and its frame code.

export type { SegmentInfo, SegmentOutcome } from './audio_player.js';
export {
  AUDIO_STREAM_TOPIC,
  RPC_CLEAR_BUFFER,
  RPC_PLAYBACK_FINISHED,
  type SegmentReport,
  type StreamRejectReason,
} from './audio_receiver.js';
export { startCharacterWorker } from './character.js';
export type {
  CharacterEvent,
  CharacterLeftEvent,
  CharacterWorker,
  CharacterWorkerOptions,
} from './character_types.js';
export { eyesClosedAt, FacePainter, mouthOpening } from './face.js';
export {
  allocateI420,
  codeBandTop,
  type DecodableFrame,
  decodeFrame,
  encodeFrame,
  FRAME_CODE_LAYOUT,
  FRAME_COUNTER_MODULO,
  type FrameCode,
  frameCounterDistance,
  type I420Target,
  i420Size,
} from './frame_code.js';
export {
  createLiveKitWorkerDriver,
  type LiveKitWorkerDriver,
  type LiveKitWorkerDriverOptions,
} from './livekit_driver.js';
export { WORKER_AUDIO_TRACK, WORKER_VIDEO_TRACK } from './media.js';
export { rmsLevel } from './signal.js';
export { speechDurationMs } from './speech_synth.js';
export {
  callBackendTool,
  emitClientEvent,
  type ToolCallContext,
  type ToolCallOptions,
} from './tool_caller.js';
export type {
  AvatarWorker,
  AvatarWorkerEvent,
  AvatarWorkerOptions,
  AvatarWorkerState,
  AvatarWorkerStats,
  WorkerAudioOptions,
  WorkerLeaveReason,
  WorkerLeftEvent,
  WorkerVideoOptions,
} from './types.js';
export type { VoiceActivityOptions } from './voice_activity.js';
export { startAvatarWorker } from './worker.js';
