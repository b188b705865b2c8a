// Pure comparison of two receptions of the same coded video (direct and through the bridge): the latency
// the second path adds per frame counter, and the frames it lost, over a window of the direct path.

/** Decoded frames one viewer received, in arrival order. */
export interface FrameLog {
  /** Frame counters read from the frames (`decodeFrame`). */
  counters: number[];
  /** Arrival of each, ms on a clock both logs share. */
  arrivals: number[];
}

/** What the bridged path did to the frames the direct viewer saw inside the window. */
export interface PathComparison {
  /** Counters the direct viewer decoded inside the window. */
  directFrames: number;
  /** Counters between the window's first and last direct one that the direct viewer did not see. */
  directGaps: number;
  /** Of the direct frames, those the bridged viewer also decoded. */
  matched: number;
  /** Of the direct frames, those the bridged viewer never decoded (lost, or not decodable, on the way). */
  missingOnBridged: number;
  /** Per matched counter: bridged arrival − direct arrival, ms (counter order). */
  addedMs: number[];
}

/** First arrival per counter (a counter seen twice keeps its first arrival). */
function firstArrivals(log: FrameLog): Map<number, number> {
  const map = new Map<number, number>();
  for (let i = 0; i < log.counters.length; i++) {
    const c = log.counters[i]!;
    if (!map.has(c)) map.set(c, log.arrivals[i]!);
  }
  return map;
}

/**
 * Compares `bridged` with `direct` over the frames that reached the direct viewer within
 * `[fromMs, toMs]`. Counters are taken as they are (no wrap-around: 65 536 frames last 43 min at 25 fps).
 */
export function comparePaths(
  direct: FrameLog,
  bridged: FrameLog,
  fromMs: number,
  toMs: number,
): PathComparison {
  const d = firstArrivals(direct);
  const b = firstArrivals(bridged);
  const inWindow = [...d.entries()]
    .filter(([, at]) => at >= fromMs && at <= toMs)
    .map(([c]) => c)
    .sort((x, y) => x - y);
  const addedMs: number[] = [];
  let missing = 0;
  for (const c of inWindow) {
    const at = b.get(c);
    if (at === undefined) missing++;
    else addedMs.push(at - d.get(c)!);
  }
  const span = inWindow.length > 0 ? inWindow[inWindow.length - 1]! - inWindow[0]! + 1 : 0;
  return {
    directFrames: inWindow.length,
    directGaps: span - inWindow.length,
    matched: addedMs.length,
    missingOnBridged: missing,
    addedMs,
  };
}

/** Gaps between successive arrivals within `[fromMs, toMs]`, ms. */
export function interArrivals(log: FrameLog, fromMs: number, toMs: number): number[] {
  const at = log.arrivals.filter((t) => t >= fromMs && t <= toMs);
  return at.slice(1).map((t, i) => t - at[i]!);
}
