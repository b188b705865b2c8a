import { describe, expect, it } from 'vitest';
import { readVideoAdaptation } from '../../../../src/strategies/bridge/adaptation.js';

const FULL = { width: 1088, height: 704 };

function outbound(kind: string, w: number, h: number, reason: number, changes = 0) {
  return {
    stats: {
      case: 'outboundRtp',
      value: {
        stream: { kind },
        outbound: {
          frameWidth: w,
          frameHeight: h,
          qualityLimitationReason: reason,
          qualityLimitationResolutionChanges: changes,
        },
      },
    },
  };
}

describe('readVideoAdaptation', () => {
  it('reports the top layer sent and no limitation when the encoder keeps up', () => {
    const a = readVideoAdaptation(
      [outbound('video', 278, 180, 0), outbound('video', 1088, 704, 0), outbound('audio', 0, 0, 0)],
      FULL,
    );
    expect(a).toMatchObject({
      sentWidth: 1088,
      sentHeight: 704,
      limitation: 'none',
      cpuLimited: false,
    });
  });

  it('reports a CPU-limited drop of the top layer, and its recovery', () => {
    const down = readVideoAdaptation(
      [outbound('video', 544, 352, 1, 2), outbound('video', 272, 176, 1, 2)],
      FULL,
    );
    expect(down).toMatchObject({
      sentWidth: 544,
      limitation: 'cpu',
      cpuLimited: true,
      resolutionChanges: 2,
    });
    const up = readVideoAdaptation([outbound('video', 1088, 704, 0, 3)], FULL);
    expect(up).toMatchObject({ cpuLimited: false, resolutionChanges: 3 });
  });

  it('a bandwidth limit is not a CPU drop; no video yet is no report', () => {
    expect(readVideoAdaptation([outbound('video', 544, 352, 2)], FULL)).toMatchObject({
      limitation: 'bandwidth',
      cpuLimited: false,
    });
    expect(readVideoAdaptation([{ stats: { case: 'codec', value: {} } }], FULL)).toBeUndefined();
  });
});
