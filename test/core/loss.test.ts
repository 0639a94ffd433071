// Loss detection (RFC 9002 §6) through the testing build, on a bare connection whose
// 1-RTT space the probes fill with sent packets: the packet threshold, the time
// threshold and its timer, PTO and its backoff, and persistent congestion.
import { testingCore } from './probe';

const { x } = testingCore();
const LOST = 0, LOSS_TIME = 1, LOSS_TIMER = 2, CWND = 3, INFLIGHT = 4, PTO_COUNT = 6, LIVE = 7;
const MDS = 1200;

describe('loss detection', () => {
  test('packet threshold: a packet 3 below the largest acknowledged is lost (kPacketThreshold)', () => {
    x.lossReset(100);
    for (let pn = 0; pn <= 5; pn++) x.lossSent(pn, pn, MDS);
    expect(x.lossAck(5, 5, 100_000)).toBe(0);
    // 0, 1 and 2 are lost (5 >= pn + 3); 3 and 4 wait for the time threshold.
    expect(x.lossGet(LOST)).toBe(3);
    expect(x.lossGet(LIVE)).toBe(2);
    expect(x.lossGet(INFLIGHT)).toBe(2 * MDS);
    const rtt = 100_000 - 5; // the first sample
    expect(x.lossGet(LOSS_TIME)).toBe(3 + (9 / 8) * rtt);
    // The loss timer is that time (§A.8), and firing it declares 3 and 4 lost.
    expect(x.lossGet(LOSS_TIMER)).toBe(x.lossGet(LOSS_TIME));
    x.lossTimeout(x.lossGet(LOSS_TIMER));
    expect(x.lossGet(LOST)).toBe(4);
    expect(x.lossGet(LOSS_TIMER)).toBe(4 + (9 / 8) * rtt);
    x.lossTimeout(x.lossGet(LOSS_TIMER));
    expect(x.lossGet(LOST)).toBe(5);
    expect(x.lossGet(LIVE)).toBe(0);
    expect(x.lossGet(LOSS_TIMER)).toBe(Infinity); // nothing in flight
  });

  test('time threshold: older than 9/8 × max(smoothed_rtt, latest_rtt) before the ACK is lost (kTimeThreshold)', () => {
    x.lossReset(100);
    x.lossSent(0, 0, MDS);
    x.lossSent(1, 50_000, MDS);
    x.lossSent(2, 60_000, MDS);
    // RTT sample 100 ms from packet 2: packet 0 (sent 160 ms ago) is lost by time, packet 1
    // (110 ms ago, under 112.5 ms) is not yet.
    x.lossAck(2, 2, 160_000);
    expect(x.lossGet(LOST)).toBe(1);
    expect(x.lossGet(LOSS_TIME)).toBe(50_000 + 112_500);
  });

  test('an ACK of a packet never sent is a PROTOCOL_VIOLATION (§13.1)', () => {
    x.lossReset(100);
    x.lossSent(0, 0, MDS);
    expect(x.lossAck(7, 7, 1000)).toBe(-0x0a);
  });

  test('PTO: smoothed + 4 rttvar + max_ack_delay after the last ack-eliciting packet, doubling on each expiry (§6.2.1)', () => {
    x.lossReset(100);
    x.lossSent(0, 1000, MDS);
    const pto = 100_000 + 4 * 50_000 + 25_000; // initial RTT 100 ms; the peer's max_ack_delay defaults to 25 ms
    expect(x.lossGet(LOSS_TIMER)).toBe(1000 + pto);
    x.lossTimeout(1000 + pto);
    expect(x.lossGet(PTO_COUNT)).toBe(1);
    expect(x.lossGet(LOST)).toBe(0); // a PTO declares nothing lost (§6.2.4)
    expect(x.lossGet(LOSS_TIMER)).toBe(1000 + 2 * pto);
    x.lossTimeout(1000 + 2 * pto);
    expect(x.lossGet(LOSS_TIMER)).toBe(1000 + 4 * pto);
  });

  test('persistent congestion: losses spanning more than 3 PTOs collapse the window (§7.6)', () => {
    x.lossReset(100);
    x.lossSent(0, 0, MDS);
    x.lossAck(0, 0, 100_000); // first RTT sample: 100 ms at t = 100 ms
    x.lossSent(1, 200_000, MDS);
    x.lossSent(2, 1_300_000, MDS);
    x.lossSent(5, 1_400_000, MDS);
    x.lossAck(5, 5, 1_500_000);
    expect(x.lossGet(LOST)).toBe(2);
    expect(x.lossGet(CWND)).toBe(2 * MDS);
  });

  test('no persistent congestion when the lost packets span less than 3 PTOs', () => {
    x.lossReset(100);
    x.lossSent(0, 0, MDS);
    x.lossAck(0, 0, 100_000);
    x.lossSent(1, 200_000, MDS);
    x.lossSent(2, 300_000, MDS);
    x.lossSent(5, 1_400_000, MDS);
    x.lossAck(5, 5, 1_500_000);
    expect(x.lossGet(LOST)).toBe(2);
    expect(x.lossGet(CWND)).toBe(6_000); // halved once from 12000
  });

  test('PTO count resets on an acknowledgment', () => {
    x.lossReset(100);
    x.lossSent(0, 0, MDS);
    x.lossTimeout(325_000);
    expect(x.lossGet(PTO_COUNT)).toBe(1);
    x.lossAck(0, 0, 400_000);
    expect(x.lossGet(PTO_COUNT)).toBe(0);
  });
});
