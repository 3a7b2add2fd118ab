// Metrics of the rollout policy: whether the latest edit is in force, and which rules hold claims back.
import { Counter, Gauge, type Registry } from 'prom-client';
import { RULES, type Rule } from '../policy/reasons.js';

export class PolicyMetrics {
  private readonly accepted: Gauge;
  private readonly generation: Gauge;
  private readonly rejections: Counter;
  private readonly blocked: Counter<'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.accepted = new Gauge({ name: 'reboot_manager_policy_accepted', help: '1 when the latest RebootPolicy edit (or the flags, with none) is in force; 0 when it was rejected and the last good policy still is.', registers });
    this.generation = new Gauge({ name: 'reboot_manager_policy_generation', help: 'The RebootPolicy generation in force (the last accepted one while a later edit is rejected); 0: the flags.', registers });
    this.rejections = new Counter({ name: 'reboot_manager_policy_rejections_total', help: 'RebootPolicy edits the server could not use (the condition Accepted=False names the field).', registers });
    this.blocked = new Counter({
      name: 'reboot_manager_claims_blocked_total',
      help: `FleetLock pre-reboot requests refused for a new claim, once per reason: ${RULES.join(', ')}. MaintenanceRequests are not counted (their status message names the reasons).`,
      labelNames: ['reason'],
      registers,
    });
    this.accepted.set(1);
    this.generation.set(0);
    for (const reason of RULES) this.blocked.inc({ reason }, 0);
  }

  /** `generation` in force and accepted; undefined: the flags (no RebootPolicy). */
  policyAccepted(generation: number | undefined): void {
    this.accepted.set(1);
    this.generation.set(generation ?? 0);
  }

  /** An edit rejected; `inForce` stays (undefined: the flags). */
  policyRejected(inForce: number | undefined): void {
    this.accepted.set(0);
    this.generation.set(inForce ?? 0);
    this.rejections.inc();
  }

  claimBlocked(rules: readonly Rule[]): void {
    for (const reason of new Set(rules)) this.blocked.inc({ reason });
  }
}
