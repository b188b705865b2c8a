// The worker's published media: a real-time audio player and the coded camera, created and published together.
import {
  LocalAudioTrack,
  type LocalParticipant,
  LocalVideoTrack,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { AudioPlayer, type AudioPlayerOptions } from './audio_player.js';
import type { WorkerAudioOptions, WorkerVideoOptions } from './types.js';
import { CodedVideo } from './video_publisher.js';

/** Name of the published camera track (source CAMERA). */
export const WORKER_VIDEO_TRACK = 'runway_video';
/** Name of the published speech track (source MICROPHONE). */
export const WORKER_AUDIO_TRACK = 'runway_audio';

/** The audio player and coded video of one worker. */
export interface AvatarMedia {
  player: AudioPlayer;
  video: CodedVideo;
}

/** Creates the player (not started) and the video, whose level follows what the player plays. */
export function createAvatarMedia(
  video: WorkerVideoOptions | undefined,
  audio: WorkerAudioOptions | undefined,
  onSegmentDone: AudioPlayerOptions['onSegmentDone'],
): AvatarMedia {
  const player = new AudioPlayer({
    sampleRate: audio?.sampleRate ?? 48000,
    channels: audio?.channels ?? 1,
    queueMs: audio?.queueMs ?? 100,
    bufferMs: Math.max(audio?.bufferMs ?? 10_000, 1_000),
    ...(audio?.chunkMs === undefined ? {} : { chunkMs: audio.chunkMs }),
    onSegmentDone,
  });
  const coded = new CodedVideo({
    width: video?.width ?? 1088,
    height: video?.height ?? 704,
    fps: video?.fps ?? 25,
    level: () => player.levelNow(),
    ...(video?.rampUpMs ? { rampUpMs: video.rampUpMs } : {}),
  });
  return { player, video: coded };
}

/** Starts both loops and publishes video (CAMERA) then audio (MICROPHONE). */
export async function publishAvatarMedia(
  local: LocalParticipant,
  media: AvatarMedia,
): Promise<void> {
  const videoTrack = LocalVideoTrack.createVideoTrack(WORKER_VIDEO_TRACK, media.video.source);
  const audioTrack = LocalAudioTrack.createAudioTrack(WORKER_AUDIO_TRACK, media.player.source);
  media.player.start();
  media.video.start();
  await local.publishTrack(
    videoTrack,
    new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA }),
  );
  await local.publishTrack(
    audioTrack,
    new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
  );
}

/** Stops both loops and closes the sources (after the room has been left). */
export async function closeAvatarMedia(media: AvatarMedia | undefined): Promise<void> {
  if (!media) return;
  media.video.stop();
  await media.player.close().catch(() => {});
  await media.video.close().catch(() => {});
}
