// Draws a frame counter and an audio level into a band along the bottom of video frames as big luma blocks,
// and reads them back. The rest of the frame is the avatar's face (face.ts).
import { VideoBufferType } from '@livekit/rtc-node';

/**
 * The frame code's layout, the one description the encoder and every decoder use. The bottom
 * {@link FRAME_CODE_LAYOUT.bandFraction} of the frame is a grid of `cols` × `rows` cells, each
 * either black or white. The band's four corner cells are fixed references (white top-left and
 * bottom-right, black top-right and bottom-left) so a decoder picks its threshold from the frame
 * itself; the other 38 cells carry, most significant bit first: the 16-bit counter, the 8-bit level,
 * a 6-bit magic and a CRC-8 of the counter and level. Cells are fractions of the frame, so a decoder
 * reads them at any resolution the SFU forwards or a bridge scales to.
 *
 * Sized for the smallest picture a viewer gets, the lowest simulcast layer (278×180) and the ramp-up
 * frame (272×176): a cell is then ~19.5 × 14.7 px, as much area as the 24 × 12 px that was asked for
 * but squarer, because what breaks decoding after VP8 is the distance from the sampled centre to the
 * nearest edge (its 4×4 transforms and loop filter smear up to 3 px across an edge), and that is set
 * by the shorter side. The decoder samples the central 40 % of each side: ≥ 5.8 px from any edge.
 */
export const FRAME_CODE_LAYOUT = {
  cols: 14,
  rows: 3,
  /** Height of the band as a fraction of the frame's height, at the bottom. */
  bandFraction: 0.25,
  /** Cell indexes (row-major from the band's top-left) of the white references. */
  refWhite: [0, 14 * 3 - 1],
  /** Cell indexes of the black references. */
  refBlack: [14 - 1, 14 * 3 - 14],
  /** Fraction of a cell's side, centred, that the decoder samples. */
  sampleFraction: 0.4,
} as const;

const {
  cols: GRID_COLS,
  rows: GRID_ROWS,
  refWhite: REF_WHITE,
  refBlack: REF_BLACK,
} = FRAME_CODE_LAYOUT;
const CELL_COUNT = GRID_COLS * GRID_ROWS;
const MAGIC_BITS = 6;
const MAGIC = 0b011010;
const DATA_BITS = 16 + 8 + MAGIC_BITS + 8;

const LUMA_BLACK = 16;
const LUMA_WHITE = 235;
/** Luma of a fresh buffer's picture area (the face painter draws over it). */
const LUMA_BACKGROUND = 60;
const CHROMA_NEUTRAL = 128;

/** Samples per cell axis when decoding (6 × 6 points in the cell's sampled centre). */
const SAMPLES_PER_AXIS = 6;
/** Minimum white−black contrast (luma) for a frame to count as coded. */
const MIN_CONTRAST = 60;

/** First row of the code band in a frame `height` rows tall: the picture above it is the face's. */
export function codeBandTop(height: number): number {
  return height - Math.round(height * FRAME_CODE_LAYOUT.bandFraction);
}

/** The frame counter wraps at this value. */
export const FRAME_COUNTER_MODULO = 65536;

/** The data cells in transmission order (every cell except the four references). */
const DATA_CELLS: readonly number[] = (() => {
  const refs = new Set<number>([...REF_WHITE, ...REF_BLACK]);
  const cells: number[] = [];
  for (let i = 0; i < CELL_COUNT; i++) if (!refs.has(i)) cells.push(i);
  return cells;
})();
if (DATA_CELLS.length !== DATA_BITS) throw new Error('frame code layout mismatch');

/** An I420 picture to draw into: `data` holds the Y plane followed by the U and V planes. */
export interface I420Target {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Any decoded picture (an rtc-node `VideoFrame` fits): luma is read from its first plane or RGB. */
export interface DecodableFrame {
  data: Uint8Array;
  width: number;
  height: number;
  type: VideoBufferType;
}

/** What a coded frame carries. `level` is the played audio's RMS as a fraction of full scale. */
export interface FrameCode {
  counter: number;
  level: number;
}

/** Size in bytes of an I420 buffer of `width` × `height`. */
export function i420Size(width: number, height: number): number {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  return width * height + 2 * cw * ch;
}

/**
 * Allocates an I420 buffer of `width` × `height` with neutral chroma, ready for {@link encodeFrame}.
 * Allocate once per video source and draw into it for every frame.
 */
export function allocateI420(width: number, height: number): Uint8Array {
  if (width < GRID_COLS * 2 || height < GRID_ROWS * 8) throw new RangeError('frame too small');
  const data = new Uint8Array(i420Size(width, height));
  data.fill(LUMA_BACKGROUND, 0, width * height);
  data.fill(CHROMA_NEUTRAL, width * height);
  return data;
}

/** CRC-8 (polynomial 0x07) of the counter's two bytes and the level byte. */
function crc8(counter: number, levelByte: number): number {
  let crc = 0;
  const bytes0 = (counter >> 8) & 0xff;
  const bytes1 = counter & 0xff;
  for (let b = 0; b < 3; b++) {
    crc ^= b === 0 ? bytes0 : b === 1 ? bytes1 : levelByte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** Bit `i` (0 = first data cell) of the payload for `counter`, `levelByte`. */
function payloadBit(i: number, counter: number, levelByte: number, crc: number): number {
  if (i < 16) return (counter >> (15 - i)) & 1;
  if (i < 24) return (levelByte >> (23 - i)) & 1;
  if (i < 24 + MAGIC_BITS) return (MAGIC >> (23 + MAGIC_BITS - i)) & 1;
  return (crc >> (DATA_BITS - 1 - i)) & 1;
}

function fillRect(t: I420Target, x0: number, y0: number, x1: number, y1: number, v: number): void {
  const { data, width } = t;
  for (let y = y0; y < y1; y++) data.fill(v, y * width + x0, y * width + x1);
}

function quantizeLevel(level: number): number {
  if (!(level > 0)) return 0;
  return level >= 1 ? 255 : Math.round(level * 255);
}

/**
 * Draws `counter` (taken modulo {@link FRAME_COUNTER_MODULO}) and `level` (0..1, clamped) into the code
 * band of `target`'s Y plane (the rows from {@link codeBandTop} down; the picture above is left as it
 * is). Writes in place and allocates nothing.
 */
export function encodeFrame(counter: number, level: number, target: I420Target): void {
  const { width, height } = target;
  const c = ((counter % FRAME_COUNTER_MODULO) + FRAME_COUNTER_MODULO) % FRAME_COUNTER_MODULO;
  const q = quantizeLevel(level);
  const crc = crc8(c, q);
  const top = codeBandTop(height);
  const bandH = height - top;
  let dataIndex = 0;
  for (let cell = 0; cell < CELL_COUNT; cell++) {
    let bit: number;
    if (cell === REF_WHITE[0] || cell === REF_WHITE[1]) bit = 1;
    else if (cell === REF_BLACK[0] || cell === REF_BLACK[1]) bit = 0;
    else bit = payloadBit(dataIndex++, c, q, crc);
    const col = cell % GRID_COLS;
    const row = (cell - col) / GRID_COLS;
    const x0 = Math.floor((col * width) / GRID_COLS);
    const x1 = Math.floor(((col + 1) * width) / GRID_COLS);
    const y0 = top + Math.floor((row * bandH) / GRID_ROWS);
    const y1 = top + Math.floor(((row + 1) * bandH) / GRID_ROWS);
    fillRect(target, x0, y0, x1, y1, bit ? LUMA_WHITE : LUMA_BLACK);
  }
}

/** Luma (0..255) of pixel (x, y) of `f`, whatever its buffer type; -1 if the type is unknown. */
function lumaAt(f: DecodableFrame, x: number, y: number): number {
  const d = f.data;
  switch (f.type) {
    case VideoBufferType.I420:
    case VideoBufferType.I420A:
    case VideoBufferType.I422:
    case VideoBufferType.I444:
    case VideoBufferType.NV12:
      return d[y * f.width + x] ?? -1;
    case VideoBufferType.I010: {
      const i = 2 * (y * f.width + x);
      return (((d[i] ?? 0) | ((d[i + 1] ?? 0) << 8)) >> 2) & 0xff;
    }
    case VideoBufferType.RGBA:
    case VideoBufferType.BGRA: {
      const i = 4 * (y * f.width + x);
      return ((d[i] ?? 0) + 2 * (d[i + 1] ?? 0) + (d[i + 2] ?? 0)) >> 2;
    }
    case VideoBufferType.ARGB:
    case VideoBufferType.ABGR: {
      const i = 4 * (y * f.width + x) + 1;
      return ((d[i] ?? 0) + 2 * (d[i + 1] ?? 0) + (d[i + 2] ?? 0)) >> 2;
    }
    case VideoBufferType.RGB24: {
      const i = 3 * (y * f.width + x);
      return ((d[i] ?? 0) + 2 * (d[i + 1] ?? 0) + (d[i + 2] ?? 0)) >> 2;
    }
    default:
      return -1;
  }
}

/** Where the sampled centre of a cell starts, as a fraction of the cell's side. */
const SAMPLE_START = (1 - FRAME_CODE_LAYOUT.sampleFraction) / 2;

/** Mean luma over the sampled centre of band cell `cell`; -1 if unreadable. */
function cellMean(f: DecodableFrame, cell: number, top: number): number {
  const col = cell % GRID_COLS;
  const row = (cell - col) / GRID_COLS;
  const cw = f.width / GRID_COLS;
  const ch = (f.height - top) / GRID_ROWS;
  const span = FRAME_CODE_LAYOUT.sampleFraction;
  let sum = 0;
  for (let sy = 0; sy < SAMPLES_PER_AXIS; sy++) {
    const y = Math.floor(
      top + row * ch + ch * (SAMPLE_START + (span * (sy + 0.5)) / SAMPLES_PER_AXIS),
    );
    for (let sx = 0; sx < SAMPLES_PER_AXIS; sx++) {
      const x = Math.floor(col * cw + cw * (SAMPLE_START + (span * (sx + 0.5)) / SAMPLES_PER_AXIS));
      const v = lumaAt(f, x, y);
      if (v < 0) return -1;
      sum += v;
    }
  }
  return sum / (SAMPLES_PER_AXIS * SAMPLES_PER_AXIS);
}

/**
 * Reads the counter and level drawn by {@link encodeFrame} from a received frame, at any resolution
 * and buffer type. Returns `null` when the frame is not coded or a cell is ambiguous or the CRC
 * fails (e.g. a frame smeared by the encoder), so a wrong value is never returned silently.
 */
export function decodeFrame(frame: DecodableFrame): FrameCode | null {
  if (frame.width < GRID_COLS || frame.height < GRID_ROWS * 4) return null;
  const top = codeBandTop(frame.height);
  const w0 = cellMean(frame, REF_WHITE[0], top);
  const w1 = cellMean(frame, REF_WHITE[1], top);
  const b0 = cellMean(frame, REF_BLACK[0], top);
  const b1 = cellMean(frame, REF_BLACK[1], top);
  if (w0 < 0 || w1 < 0 || b0 < 0 || b1 < 0) return null;
  const white = Math.min(w0, w1);
  const black = Math.max(b0, b1);
  const contrast = white - black;
  if (contrast < MIN_CONTRAST) return null;
  const threshold = (white + black) / 2;
  const margin = contrast * 0.2;
  let counter = 0;
  let levelByte = 0;
  let magic = 0;
  let crc = 0;
  for (let i = 0; i < DATA_BITS; i++) {
    const m = cellMean(frame, DATA_CELLS[i]!, top);
    if (Math.abs(m - threshold) < margin) return null;
    const bit = m > threshold ? 1 : 0;
    if (i < 16) counter = (counter << 1) | bit;
    else if (i < 24) levelByte = (levelByte << 1) | bit;
    else if (i < 24 + MAGIC_BITS) magic = (magic << 1) | bit;
    else crc = (crc << 1) | bit;
  }
  if (magic !== MAGIC || crc !== crc8(counter, levelByte)) return null;
  return { counter, level: levelByte / 255 };
}

/** Frames from `from` to `to`, counting forward across the counter's wrap-around. */
export function frameCounterDistance(from: number, to: number): number {
  return (((to - from) % FRAME_COUNTER_MODULO) + FRAME_COUNTER_MODULO) % FRAME_COUNTER_MODULO;
}
