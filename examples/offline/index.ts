// Offline stand-ins for STT, LLM and TTS (no network): used by the e2e tests, the demo and the example.
export {
  GREETING_INSTRUCTIONS,
  OFFLINE_DIALOGUE,
  OFFLINE_FALLBACK,
  OFFLINE_GREETING,
  OFFLINE_TURNS,
} from './demo_script.js';
export { EnergySpeechStream, EnergySTT, type EnergySTTOptions } from './energy_stt.js';
export { FormantRenderer } from './formant_voice.js';
export { ScriptedLLM, type ScriptedTurn, scriptedLLM } from './scripted_llm.js';
export {
  explicitTones,
  spokenText,
  stableHash,
  TONE_AMPLITUDE,
  TONE_FADE_MS,
  TONE_FRAME_MS,
  TONE_HASH_MAX_HZ,
  TONE_HASH_MIN_HZ,
  TONE_HASH_STEP_HZ,
  TONE_MAX_MS,
  TONE_MIN_MS,
  TONE_MS_PER_CHAR,
  TONE_SAMPLE_RATE,
  type TonePlan,
  toneDurationMs,
  toneFrequencyFor,
  tonePlan,
} from './tone_code.js';
export { ToneRenderer, type UtteranceRenderer } from './tone_render.js';
export {
  ToneChunkedStream,
  ToneSynthesizeStream,
  ToneTTS,
  type ToneTTSOptions,
} from './tone_tts.js';
