// Nearest-neighbour resizing of I420 pictures into a buffer allocated once, for the rare frames whose size
// is not the bridged track's (a lower simulcast layer while the top one is not available yet), and the
// primer's crop (bridged_video.ts).

/** An I420 picture: the Y plane, then U and V at half resolution (rounded up), tightly packed. */
export interface I420Picture {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Size in bytes of an I420 picture of `width` × `height`. */
export function i420Bytes(width: number, height: number): number {
  return width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
}

/**
 * Resizes I420 pictures by nearest neighbour. Column maps are computed once per (source width, target
 * width) pair and kept; rows that repeat a source row are copied with `copyWithin`. Allocates nothing
 * per frame once the maps for a size exist.
 */
export class I420Scaler {
  #mapKey = '';
  #lumaCols: Int32Array = new Int32Array(0);
  #chromaCols: Int32Array = new Int32Array(0);

  /**
   * Writes `src` scaled to `dst`'s size into `dst.data` (which must hold {@link i420Bytes} of it).
   * @throws RangeError when a buffer is shorter than its size needs.
   */
  scale(src: I420Picture, dst: I420Picture): void {
    checkBuffers(src, dst);
    this.#maps(src.width, dst.width);
    const sw = src.width;
    const sh = src.height;
    const dw = dst.width;
    const dh = dst.height;
    const scw = (sw + 1) >> 1;
    const sch = (sh + 1) >> 1;
    const dcw = (dw + 1) >> 1;
    const dch = (dh + 1) >> 1;
    const srcU = sw * sh;
    const dstU = dw * dh;
    plane(src.data, 0, sw, sh, dst.data, 0, dw, dh, this.#lumaCols);
    plane(src.data, srcU, scw, sch, dst.data, dstU, dcw, dch, this.#chromaCols);
    plane(
      src.data,
      srcU + scw * sch,
      scw,
      sch,
      dst.data,
      dstU + dcw * dch,
      dcw,
      dch,
      this.#chromaCols,
    );
  }

  #maps(srcWidth: number, dstWidth: number): void {
    const key = `${srcWidth}>${dstWidth}`;
    if (key === this.#mapKey) return;
    this.#lumaCols = columnMap(srcWidth, dstWidth);
    this.#chromaCols = columnMap((srcWidth + 1) >> 1, (dstWidth + 1) >> 1);
    this.#mapKey = key;
  }
}

/**
 * Writes the bottom `dst.height` rows of `src` into `dst`, which has `src`'s width: `src` without its top
 * rows, three block copies (one per plane) instead of a resize. An odd number of rows dropped shifts the
 * chroma by half a row.
 * @throws RangeError when the widths differ, `dst` is taller, or a buffer is shorter than its size needs.
 */
export function cropTopI420(src: I420Picture, dst: I420Picture): void {
  const w = src.width;
  if (dst.width !== w || dst.height > src.height)
    throw new RangeError(
      `cannot crop ${src.width}×${src.height} to ${dst.width}×${dst.height}: same width, fewer rows only`,
    );
  checkBuffers(src, dst);
  const cw = (w + 1) >> 1;
  const sch = (src.height + 1) >> 1;
  const dch = (dst.height + 1) >> 1;
  const srcU = w * src.height;
  const dstU = w * dst.height;
  const lumaSkip = w * (src.height - dst.height);
  const chromaSkip = cw * (sch - dch);
  dst.data.set(src.data.subarray(lumaSkip, srcU), 0);
  dst.data.set(src.data.subarray(srcU + chromaSkip, srcU + cw * sch), dstU);
  dst.data.set(
    src.data.subarray(srcU + cw * sch + chromaSkip, srcU + 2 * cw * sch),
    dstU + cw * dch,
  );
}

/** @throws RangeError when a picture's buffer is shorter than its size needs. */
function checkBuffers(src: I420Picture, dst: I420Picture): void {
  if (src.data.length < i420Bytes(src.width, src.height))
    throw new RangeError(`source I420 buffer too short for ${src.width}×${src.height}`);
  if (dst.data.length < i420Bytes(dst.width, dst.height))
    throw new RangeError(`target I420 buffer too short for ${dst.width}×${dst.height}`);
}

/** For each target column, the source column nearest its centre. */
function columnMap(srcWidth: number, dstWidth: number): Int32Array {
  const map = new Int32Array(dstWidth);
  for (let x = 0; x < dstWidth; x++) {
    map[x] = Math.min(srcWidth - 1, Math.floor(((x + 0.5) * srcWidth) / dstWidth));
  }
  return map;
}

function plane(
  src: Uint8Array,
  srcOffset: number,
  sw: number,
  sh: number,
  dst: Uint8Array,
  dstOffset: number,
  dw: number,
  dh: number,
  cols: Int32Array,
): void {
  let previousSrcRow = -1;
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / dh));
    const out = dstOffset + y * dw;
    if (sy === previousSrcRow) {
      dst.copyWithin(out, out - dw, out);
      continue;
    }
    const row = srcOffset + sy * sw;
    for (let x = 0; x < dw; x++) dst[out + x] = src[row + cols[x]!]!;
    previousSrcRow = sy;
  }
}
