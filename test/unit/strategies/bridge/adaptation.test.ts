import { describe, expect, it } from 'vitest';
import { readVideoAdaptation } from '../../../../src/strategies/bridge/adaptation.js';

const FULL = { width: 1088, height: 704 };

function outbound(
  kind: string,
  w: number,
  h: number,
  reason: number,
  changes = 0,
  send: { packets: bigint; delayS: number; rid?: string } = { packets: 0n, delayS: 0 },
) {
  return {
    stats: {
      case: 'outboundRtp',
      value: {
        stream: { kind },
        sent: { packetsSent: send.packets },
        outbound: {
          rid: send.rid,
          totalPacketSendDelay: send.delayS,
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

  it("reports the mean send-queue wait of the top layer's packets since the previous report", () => {
    const at = (fPackets: bigint, fDelayS: number, qPackets: bigint, qDelayS: number) => [
      outbound('video', 272, 176, 0, 0, { packets: qPackets, delayS: qDelayS, rid: 'q' }),
      outbound('video', 1088, 704, 0, 0, { packets: fPackets, delayS: fDelayS, rid: 'f' }),
      outbound('audio', 0, 0, 0, 0, { packets: 999n, delayS: 99 }),
    ];
    const first = readVideoAdaptation(at(1000n, 1, 200n, 0.2), FULL);
    expect(first).toMatchObject({
      sendDelayMs: 0,
      sendLayer: 'f',
      packetsSent: 1000,
      totalSendDelayMs: 1000,
    });
    // 500 more packets of the top layer waited 100 s in all: 200 ms each. The low layer's do not count.
    const queued = readVideoAdaptation(at(1500n, 101, 300n, 0.2), FULL, first);
    expect(queued?.sendDelayMs).toBeCloseTo(200, 6);
    const drained = readVideoAdaptation(at(2000n, 101.5, 400n, 30), FULL, queued);
    expect(drained?.sendDelayMs).toBeCloseTo(1, 6);
  });

  it('another top layer, a republished track (counters restarted) or no new packet: no wait', () => {
    const one = (packets: bigint, delayS: number, rid: string, w = 1088, h = 704) => [
      outbound('video', w, h, 0, 0, { packets, delayS, rid }),
    ];
    const before = readVideoAdaptation(one(5000n, 40, 'f'), FULL);
    const restarted = readVideoAdaptation(one(100n, 0.5, 'f'), FULL, before);
    expect(restarted?.sendDelayMs).toBe(0);
    const idle = readVideoAdaptation(one(100n, 0.5, 'f'), FULL, restarted);
    expect(idle?.sendDelayMs).toBe(0);
    const otherLayer = readVideoAdaptation(one(9000n, 900, 'h', 544, 352), FULL, idle);
    expect(otherLayer).toMatchObject({ sendDelayMs: 0, sendLayer: 'h' });
  });

  it("reports the nominated candidate pair's bandwidth estimate in kbit/s, none before it has one", () => {
    const pair = (nominated: boolean, bps?: number) => ({
      stats: {
        case: 'candidatePair',
        value: { candidatePair: { nominated, availableOutgoingBitrate: bps } },
      },
    });
    const video = outbound('video', 1088, 704, 0);
    expect(
      readVideoAdaptation([pair(false, 9_000_000), video, pair(true, 1_234_567)], FULL)
        ?.bandwidthEstimateKbps,
    ).toBe(1235);
    expect(readVideoAdaptation([pair(true), video], FULL)?.bandwidthEstimateKbps).toBeUndefined();
    expect(readVideoAdaptation([pair(false, 5e6), video], FULL)?.bandwidthEstimateKbps).toBe(
      undefined,
    );
  });
});
