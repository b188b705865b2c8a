// The emulated avatar's picture: a cartoon face above the frame code, whose mouth opens with the audio level and
// whose eyes blink, so a person sees a talking character at a glance (the machine reads the band, frame_code.ts).
import { codeBandTop, type I420Target, i420Size } from './frame_code.js';

/** How long a blink keeps the eyes closed. */
export const BLINK_MS = 150;
/**
 * Gaps between blinks, repeated: a few seconds and irregular, as people blink, and fixed so a test
 * knows when the eyes are shut. The first blink comes {@link BLINK_FIRST_MS} after the start.
 */
const BLINK_GAPS_MS = [3400, 4700, 2600, 5200] as const;
const BLINK_CYCLE_MS = BLINK_GAPS_MS.reduce((a, b) => a + b, 0);
/** When the first blink starts (not at once, so a first frame shows open eyes). */
export const BLINK_FIRST_MS = 1500;

/**
 * Whether the eyes are shut `timeMs` after the video started: for {@link BLINK_MS} at the start of
 * each gap of a fixed irregular cycle. Pure.
 */
export function eyesClosedAt(timeMs: number): boolean {
  const t = timeMs - BLINK_FIRST_MS;
  if (!(t >= 0)) return false;
  let inCycle = t % BLINK_CYCLE_MS;
  // An index loop: called every frame, and an iterator could allocate.
  for (let i = 0; i < BLINK_GAPS_MS.length; i++) {
    const gap = BLINK_GAPS_MS[i]!;
    if (inCycle < gap) return inCycle < BLINK_MS;
    inCycle -= gap;
  }
  return false;
}

/** A level (RMS of the played audio, 0..1) that opens the mouth fully; speech is ~0.05..0.2. */
const LEVEL_WIDE_OPEN = 0.2;
/** Below this level the mouth stays shut (the silence between words, noise). */
const LEVEL_SHUT = 0.004;

/**
 * How far the mouth is open (0 shut .. 1 wide) for an audio level: the square root, so quiet syllables
 * still move the lips visibly. Pure.
 */
export function mouthOpening(level: number): number {
  if (!(level > LEVEL_SHUT)) return 0;
  return Math.min(1, Math.sqrt(level / LEVEL_WIDE_OPEN));
}

/** A colour as BT.601 limited-range Y, U, V. */
type Yuv = readonly [number, number, number];

const SKIN: Yuv = [176, 108, 152];
const SKIN_SHADE: Yuv = [156, 110, 152];
const HAIR: Yuv = [46, 120, 136];
const SHIRT: Yuv = [78, 156, 110];
const SCLERA: Yuv = [228, 128, 128];
const IRIS: Yuv = [78, 116, 140];
const PUPIL: Yuv = [18, 128, 128];
const GLINT: Yuv = [245, 128, 128];
const LID_LINE: Yuv = [70, 118, 142];
const LIPS: Yuv = [118, 114, 172];
const MOUTH_INSIDE: Yuv = [36, 124, 150];
const TEETH: Yuv = [224, 128, 128];
/**
 * The background, flat: a vertical gradient looked nicer but cost the worker's VP8 encoder ~3 % of a
 * core more (BENCHMARKS.md §9).
 */
const BACKGROUND: Yuv = [78, 140, 120];

/** An axis-aligned ellipse, in luma pixels. */
interface Ellipse {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
}

function inside(e: Ellipse, x: number, y: number): boolean {
  const dx = (x - e.cx) / e.rx;
  const dy = (y - e.cy) / e.ry;
  return dx * dx + dy * dy < 1;
}

/** The face's geometry for one picture size, in luma pixels (all fractions of the picture's height). */
interface Geometry {
  head: Ellipse;
  hairBack: Ellipse;
  /** Hairline: y of the hair's lower edge at horizontal offset dx from the centre is hairTop + hairCurve·(dx/rx)². */
  hairTop: number;
  hairCurve: number;
  ears: [Ellipse, Ellipse];
  neck: { x0: number; x1: number; y0: number };
  shoulders: Ellipse;
  brows: [Ellipse, Ellipse];
  eyes: [Ellipse, Ellipse];
  irisR: number;
  pupilR: number;
  nose: Ellipse;
  /** Centre of the mouth, its half width and the inner height when wide open. */
  mouth: { cx: number; cy: number; rx: number; openRy: number; lip: number; line: number };
  /** Thickness of a closed eye's lid line. */
  lid: number;
}

function geometry(width: number, pictureH: number): Geometry {
  // The face scales with the picture's height (the frame is landscape) and stays centred.
  const u = Math.min(pictureH, width);
  const cx = width / 2;
  const cy = pictureH * 0.47;
  const head = { cx, cy, rx: 0.27 * u, ry: 0.35 * u };
  const eyeY = cy - 0.03 * u;
  const eyeDx = 0.105 * u;
  const eye = (sign: number): Ellipse => ({
    cx: cx + sign * eyeDx,
    cy: eyeY,
    rx: 0.058 * u,
    ry: 0.036 * u,
  });
  const brow = (sign: number): Ellipse => ({
    cx: cx + sign * eyeDx,
    cy: eyeY - 0.075 * u,
    rx: 0.065 * u,
    ry: 0.014 * u,
  });
  const ear = (sign: number): Ellipse => ({
    cx: cx + sign * head.rx,
    cy: cy + 0.02 * u,
    rx: 0.04 * u,
    ry: 0.07 * u,
  });
  return {
    head,
    hairBack: { cx, cy: cy - 0.03 * u, rx: head.rx * 1.07, ry: head.ry * 1.02 },
    hairTop: cy - 0.2 * u,
    hairCurve: 0.13 * u,
    ears: [ear(-1), ear(1)],
    neck: { x0: cx - 0.085 * u, x1: cx + 0.085 * u, y0: cy + 0.25 * u },
    shoulders: { cx, cy: pictureH + 0.12 * u, rx: 0.5 * u, ry: 0.22 * u },
    brows: [brow(-1), brow(1)],
    eyes: [eye(-1), eye(1)],
    irisR: 0.027 * u,
    pupilR: 0.013 * u,
    nose: { cx, cy: cy + 0.085 * u, rx: 0.03 * u, ry: 0.02 * u },
    mouth: {
      cx,
      cy: cy + 0.19 * u,
      rx: 0.085 * u,
      openRy: 0.075 * u,
      lip: 0.018 * u,
      line: 0.006 * u,
    },
    lid: Math.max(1, 0.008 * u),
  };
}

/** The still part of the picture at (x, y): everything but the mouth, eyes open or shut. */
function sceneAt(g: Geometry, x: number, y: number, eyesShut: boolean): Yuv {
  const { head } = g;
  if (Math.abs(x - head.cx) < g.shoulders.rx + 1 && inside(head, x, y)) {
    const dx = (x - head.cx) / head.rx;
    if (y < g.hairTop + g.hairCurve * dx * dx) return HAIR;
    for (const b of g.brows) if (inside(b, x, y)) return HAIR;
    for (const e of g.eyes) {
      if (eyesShut) {
        // A shut eye: a lid line curving down (⌣) across the eye's width, skin around it.
        const ex = (x - e.cx) / e.rx;
        if (ex * ex < 1) {
          const lineY = e.cy + 0.35 * e.ry * (1 - ex * ex);
          if (Math.abs(y - lineY) < g.lid / 2 + 0.5) return LID_LINE;
        }
        continue;
      }
      if (!inside(e, x, y)) continue;
      const irisX = e.cx;
      const irisY = e.cy + 0.1 * e.ry;
      const d2 = (x - irisX) ** 2 + (y - irisY) ** 2;
      const glint = (x - (irisX + g.pupilR)) ** 2 + (y - (irisY - g.pupilR)) ** 2;
      if (glint < (g.pupilR * 0.5) ** 2) return GLINT;
      if (d2 < g.pupilR ** 2) return PUPIL;
      if (d2 < g.irisR ** 2) return IRIS;
      return SCLERA;
    }
    if (inside(g.nose, x, y) && y > g.nose.cy - g.nose.ry * 0.2) return SKIN_SHADE;
    return SKIN;
  }
  if (Math.abs(x - head.cx) > g.shoulders.rx + 1) return BACKGROUND;
  for (const e of g.ears) if (inside(e, x, y)) return SKIN_SHADE;
  if (inside(g.hairBack, x, y) && y < head.cy) return HAIR;
  if (inside(g.shoulders, x, y)) return SHIRT;
  if (x >= g.neck.x0 && x < g.neck.x1 && y >= g.neck.y0) return SKIN_SHADE;
  return BACKGROUND;
}

/** Fills rows of `e` (clipped to rows [yMin, yMax)) in one plane at `offset` with `stride` bytes a row. */
function fillEllipse(
  data: Uint8Array,
  offset: number,
  stride: number,
  e: Ellipse,
  value: number,
  yMin: number,
  yMax: number,
): void {
  const ry = Math.max(0.75, e.ry);
  const from = Math.max(yMin, Math.ceil(e.cy - ry - 0.5));
  const to = Math.min(yMax, Math.floor(e.cy + ry - 0.5) + 1);
  for (let y = from; y < to; y++) {
    const dy = (y + 0.5 - e.cy) / ry;
    const k = 1 - dy * dy;
    if (k <= 0) continue;
    const hw = e.rx * Math.sqrt(k);
    const x0 = Math.max(0, Math.round(e.cx - hw));
    const x1 = Math.min(stride, Math.round(e.cx + hw));
    if (x1 > x0) data.fill(value, offset + y * stride + x0, offset + y * stride + x1);
  }
}

/** A rectangle of luma pixels: columns [x0, x1), rows [y0, y1). */
export interface FaceBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function boxOf(e: Ellipse): FaceBox {
  return {
    x0: Math.floor(e.cx - e.rx),
    y0: Math.floor(e.cy - e.ry),
    x1: Math.ceil(e.cx + e.rx),
    y1: Math.ceil(e.cy + e.ry),
  };
}

/** A still picture area: its Y, U and V rows, each laid out as the frame's planes. */
interface Stills {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

/**
 * Stills already rendered, by `width · 65536 + height`: every worker in a process draws the same face,
 * and rendering one takes ~0.1 s of a core (read-only once made).
 */
const STILLS_BY_SIZE = new Map<number, { open: Stills; shut: Stills }>();

/**
 * Draws the face into the picture area (above the code band) of I420 frames of one size. The still
 * parts (background, head, hair, eyes open and shut) are rendered once at construction; a frame is
 * one copy of the right still plus the mouth, drawn as a few ellipses row by row. Allocates nothing
 * per frame.
 */
export class FacePainter {
  readonly width: number;
  readonly height: number;
  readonly #pictureH: number;
  readonly #g: Geometry;
  /** The still picture area with the eyes open and shut (shared by painters of the same size). */
  readonly #open: Stills;
  readonly #shut: Stills;
  /** Reused ellipse for the mouth's shapes (per-frame geometry without allocation). */
  readonly #e: Ellipse = { cx: 0, cy: 0, rx: 0, ry: 0 };

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.#pictureH = codeBandTop(height);
    this.#g = geometry(width, this.#pictureH);
    const key = width * 65536 + height;
    let stills = STILLS_BY_SIZE.get(key);
    if (!stills) {
      const open = this.#render(undefined);
      stills = { open, shut: this.#render(open) };
      STILLS_BY_SIZE.set(key, stills);
    }
    this.#open = stills.open;
    this.#shut = stills.shut;
  }

  /**
   * Renders the still picture pixel by pixel (once per size, ~0.1 s at 1088×704). The shut-eyed one
   * starts from the open one and re-renders only the boxes around the eyes.
   */
  #render(open: Stills | undefined): Stills {
    const eyesShut = open !== undefined;
    const w = this.width;
    const h = this.#pictureH;
    const cw = (w + 1) >> 1;
    // Chroma rows wholly inside the picture: the one shared with the band's first row stays neutral.
    const ch = h >> 1;
    const base = open;
    const y = base ? base.y.slice() : new Uint8Array(w * h);
    const u = base ? base.u.slice() : new Uint8Array(cw * ch);
    const v = base ? base.v.slice() : new Uint8Array(cw * ch);
    const boxes: [number, number, number, number][] = base
      ? this.#g.eyes.map((e) => [
          e.cx - e.rx - 2,
          e.cy - e.ry - 2,
          e.cx + e.rx + 2,
          e.cy + e.ry + 2,
        ])
      : [[0, 0, w, h]];
    for (const [bx0, by0, bx1, by1] of boxes) {
      const x0 = Math.max(0, Math.floor(bx0));
      const x1 = Math.min(w, Math.ceil(bx1));
      const y0 = Math.max(0, Math.floor(by0));
      const y1 = Math.min(h, Math.ceil(by1));
      for (let py = y0; py < y1; py++) {
        for (let px = x0; px < x1; px++) {
          y[py * w + px] = sceneAt(this.#g, px + 0.5, py + 0.5, eyesShut)[0];
        }
      }
      for (let py = y0 >> 1; py < Math.min(ch, (y1 + 1) >> 1); py++) {
        for (let px = x0 >> 1; px < Math.min(cw, (x1 + 1) >> 1); px++) {
          const c = sceneAt(this.#g, 2 * px + 1, 2 * py + 1, eyesShut);
          u[py * cw + px] = c[1];
          v[py * cw + px] = c[2];
        }
      }
    }
    return { y, u, v };
  }

  /** Where the moving parts are (the mouth wide open, each eye): for tests and tools, not per frame. */
  regions(): { mouth: FaceBox; eyes: [FaceBox, FaceBox] } {
    const m = this.#g.mouth;
    const ry = m.openRy + m.lip;
    return {
      mouth: boxOf({ cx: m.cx, cy: m.cy, rx: m.rx, ry }),
      eyes: [boxOf(this.#g.eyes[0]), boxOf(this.#g.eyes[1])],
    };
  }

  /**
   * Draws the face with the mouth open for `level` (see {@link mouthOpening}) and the eyes shut or
   * open into the rows above the code band of `target` (which must be this painter's size).
   * @throws RangeError when `target` is not this painter's size.
   */
  draw(target: I420Target, level: number, eyesShut: boolean): void {
    const { data, width, height } = target;
    if (width !== this.width || height !== this.height || data.length < i420Size(width, height)) {
      throw new RangeError(
        `face painter is for ${this.width}×${this.height}, got ${width}×${height}`,
      );
    }
    const still = eyesShut ? this.#shut : this.#open;
    const cw = (width + 1) >> 1;
    const uOffset = width * height;
    const vOffset = uOffset + cw * ((height + 1) >> 1);
    data.set(still.y, 0);
    data.set(still.u, uOffset);
    data.set(still.v, vOffset);

    const m = this.#g.mouth;
    const open = mouthOpening(level);
    const innerRy = Math.max(m.line, open * m.openRy);
    const rx = m.rx * (1 - 0.15 * open);
    const h = this.#pictureH;
    this.#mouthShape(data, uOffset, vOffset, cw, m.cx, m.cy, rx, innerRy + m.lip, LIPS, h);
    this.#mouthShape(data, uOffset, vOffset, cw, m.cx, m.cy, rx * 0.8, innerRy, MOUTH_INSIDE, h);
    // Upper teeth once the mouth is open enough to show them: the top third of the opening.
    if (open > 0.3) {
      const teethBottom = Math.round(m.cy - innerRy * 0.45);
      this.#mouthShape(
        data,
        uOffset,
        vOffset,
        cw,
        m.cx,
        m.cy,
        rx * 0.8,
        innerRy,
        TEETH,
        teethBottom,
      );
    }
  }

  /** One ellipse of the mouth in all three planes, rows clipped above luma row `yMax`. */
  #mouthShape(
    data: Uint8Array,
    uOffset: number,
    vOffset: number,
    cw: number,
    cx: number,
    cy: number,
    rx: number,
    ry: number,
    c: Yuv,
    yMax: number,
  ): void {
    const e = this.#e;
    e.cx = cx;
    e.cy = cy;
    e.rx = rx;
    e.ry = ry;
    fillEllipse(data, 0, this.width, e, c[0], 0, Math.min(yMax, this.#pictureH));
    e.cx = cx / 2;
    e.cy = cy / 2;
    e.rx = rx / 2;
    e.ry = ry / 2;
    const chromaMax = Math.min(yMax, this.#pictureH) >> 1;
    fillEllipse(data, uOffset, cw, e, c[1], 0, chromaMax);
    fillEllipse(data, vOffset, cw, e, c[2], 0, chromaMax);
  }
}
