// A seeded plan for one simulated day: Zincati rollouts and Azure scheduled events, no two events on one VM at once.
import type { PlatformEventSpec, PlatformEventType } from '../../src/sim/azure/platform.js';
import { between, seededRandom } from '../../src/sim/fleet/random.js';

export const HOUR = 3_600_000;
const MINUTE = 60_000;
const ROLLOUTS = [1 * HOUR, 13 * HOUR] as const;

export interface PlannedEvent {
  /** Simulated ms since the day began. */
  readonly at: number;
  readonly spec: PlatformEventSpec;
  readonly label: string;
}

export interface DayPlan {
  /** Simulated ms since the day began at which every Zincati node stages an update. */
  readonly rollouts: readonly number[];
  readonly events: readonly PlannedEvent[];
}

interface Kind {
  readonly type: PlatformEventType;
  readonly label: string;
  readonly durationSeconds?: number;
  readonly cancelled?: boolean;
  /** Only Spot VMs are preempted; Terminate goes with a scale-in, also on the Spot pool here. */
  readonly spot?: boolean;
  /** A fixed time instead of a random one: during a rollout, so the event competes with Zincati for the slot. */
  readonly at?: number;
}

const KINDS: readonly Kind[] = [
  { type: 'Reboot', label: 'Reboot during the first rollout', at: ROLLOUTS[0] + 20 * MINUTE },
  { type: 'Reboot', label: 'Reboot' },
  { type: 'Reboot', label: 'Reboot (cancelled)', cancelled: true },
  { type: 'Redeploy', label: 'Redeploy' },
  { type: 'Redeploy', label: 'Redeploy (cancelled)', cancelled: true },
  { type: 'Freeze', label: 'Freeze 5 s (short)', durationSeconds: 5 },
  { type: 'Freeze', label: 'Freeze 3 s (short)', durationSeconds: 3 },
  { type: 'Freeze', label: 'Freeze 30 s (long)', durationSeconds: 30 },
  { type: 'Freeze', label: 'Freeze of unknown length (cancelled)', durationSeconds: -1, cancelled: true },
  { type: 'Preempt', label: 'Preempt during the second rollout', spot: true, at: ROLLOUTS[1] + 20 * MINUTE },
  { type: 'Terminate', label: 'Terminate', spot: true },
];

/** Minimum notice by type (azure-imds.md); the platform may give more. */
function noticeOf(type: PlatformEventType, random: () => number): number {
  switch (type) {
    case 'Preempt':
      return 30_000;
    case 'Terminate':
      return 10 * MINUTE;
    case 'Redeploy':
      return between(random, 10, 30) * MINUTE;
    default:
      return between(random, 15, 45) * MINUTE;
  }
}

/** Each Spot VM is taken once; other events go to ordinary VMs with no other event within two hours. */
export function planDay(seed: number, ordinary: readonly string[], spot: readonly string[]): DayPlan {
  const random = seededRandom(seed);
  const events: PlannedEvent[] = [];
  const spotLeft = [...spot];
  const busy = (node: string, at: number) => events.some((e) => e.spec.node === node && Math.abs(e.at - at) < 2 * HOUR);
  for (const kind of KINDS) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const at = kind.at ?? between(random, 0.5, 21) * HOUR;
      // Spot VMs only get the event that takes them: nothing may happen to a VM after it is gone.
      const pool = kind.spot ? spotLeft : ordinary;
      const node = pool[Math.floor(random() * pool.length)];
      if (node === undefined || busy(node, at)) continue;
      if (kind.spot) spotLeft.splice(spotLeft.indexOf(node), 1);
      const noticeMs = noticeOf(kind.type, random);
      const spec: PlatformEventSpec = {
        type: kind.type,
        node,
        noticeMs,
        ...(kind.durationSeconds !== undefined ? { durationSeconds: kind.durationSeconds } : {}),
        ...(kind.cancelled ? { cancelAfterMs: noticeMs / 2 } : {}),
      };
      events.push({ at, spec, label: kind.label });
      break;
    }
  }
  return { rollouts: ROLLOUTS, events: events.sort((a, b) => a.at - b.at) };
}
