// Where the policy's acceptance or rejection shows: the object's status and Events (leader only), a metric, the log (PolicySource).
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { KubeApi } from '../kube/api.js';
import { toKubeError } from '../kube/errors.js';
import type { EventRecorder } from '../kube/events.js';
import type { PolicyObjectView } from '../kube/policy-objects.js';
import { writeAcceptedPolicyStatus, writePolicyStatus, type PolicyCondition } from '../kube/policy-status.js';
import type { PolicyMetrics } from '../metrics/policy-metrics.js';
import { rejectedPauseText, staysInForce } from './in-force.js';
import type { PolicyError } from './parse-error.js';
import type { PolicyReport } from './policy-source.js';

export interface PolicyReportDeps {
  readonly api: KubeApi;
  readonly events: EventRecorder;
  readonly metrics: PolicyMetrics;
  readonly clock: Clock;
  readonly log: Logger;
  /** Only the leader writes the status and records Events; a new leader republishes. */
  readonly isLeader: () => boolean;
}

export function policyReport(deps: PolicyReportDeps): PolicyReport {
  const publish = (object: PolicyObjectView, accepted: boolean, reason: string, message: string): void => {
    if (!deps.isLeader()) return;
    const subject = { name: object.name, uid: object.uid, kind: 'RebootPolicy' as const };
    deps.events.recordOn(subject, accepted ? 'Normal' : 'Warning', accepted ? 'PolicyAccepted' : 'PolicyRejected', message);
    const condition: PolicyCondition = { observedGeneration: object.generation, accepted, reason, message, at: new Date(deps.clock.now()).toISOString() };
    // An accepted generation is stored with its spec: a replica that starts during a later bad edit falls back on it.
    const written = accepted ? writeAcceptedPolicyStatus(deps.api, object.name, condition, { generation: object.generation, spec: object.spec }) : writePolicyStatus(deps.api, object.name, condition);
    written.catch((err: unknown) => {
      const e = toKubeError(err, `writing the status of RebootPolicy ${object.name}`);
      deps.log.error({ err: e.message, code: e.code }, 'writing the RebootPolicy status failed; the next change or leader retries');
    });
  };
  return {
    accepted(object) {
      deps.metrics.policyAccepted(object.generation);
      publish(object, true, 'InForce', `generation ${object.generation} is in force`);
    },
    rejected(object, error: PolicyError, inForce) {
      deps.metrics.policyRejected(inForce.generation);
      const message = `generation ${object.generation} rejected, ${staysInForce(inForce.generation)}: ${error.message}${rejectedPauseText(inForce.pauseApplies, inForce.paused)}`;
      publish(object, false, 'InvalidSpec', message);
    },
    flags() {
      deps.metrics.policyAccepted(undefined);
    },
  };
}
