// Where the policy's acceptance or rejection shows: the object's status and Events (leader only), a metric, the log (PolicySource).
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { KubeApi } from '../kube/api.js';
import { toKubeError } from '../kube/errors.js';
import type { EventRecorder } from '../kube/events.js';
import type { PolicyObjectView } from '../kube/policy-objects.js';
import { writePolicyStatus } from '../kube/policy-status.js';
import type { PolicyMetrics } from '../metrics/policy-metrics.js';
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
    const at = new Date(deps.clock.now()).toISOString();
    writePolicyStatus(deps.api, object.name, { observedGeneration: object.generation, accepted, reason, message, at }).catch((err: unknown) => {
      const e = toKubeError(err, `writing the status of RebootPolicy ${object.name}`);
      deps.log.error({ err: e.message, code: e.code }, 'writing the RebootPolicy status failed; the next change or leader retries');
    });
  };
  return {
    accepted(object) {
      deps.metrics.policyAccepted();
      publish(object, true, 'InForce', `generation ${object.generation} is in force`);
    },
    rejected(object, error: PolicyError) {
      deps.metrics.policyRejected();
      publish(object, false, 'InvalidSpec', `generation ${object.generation} rejected, the last good policy stays in force: ${error.message}`);
    },
  };
}
