// The demo's Azure part: a simulated IMDS, the agent of one node in-process, and one scheduled event mid-rollout.
import { pino } from 'pino';
import type { AgentStatus, ImdsAgent } from '../../agent/agent.js';
import { SimAgents } from '../azure/agents.js';
import { SimulatedAzurePlatform, type PlatformEventResult, type PlatformEventSpec } from '../azure/platform.js';
import { scaledClock } from '../azure/scaled-clock.js';
import type { FleetMember } from '../fleet/fleet.js';
import { SimulatedImds } from '../imds/index.js';
import type { SimStore } from '../kube/index.js';
import type { StoryWriter } from './story.js';

export interface AzureDemoOptions {
  readonly serverUrl: string;
  readonly store: SimStore;
  readonly story: StoryWriter;
  readonly timeScale: number;
  /** The node whose VM gets the event. */
  readonly member: FleetMember;
  /** Simulated ms from the VM going down until its kubelet is Ready again. */
  readonly bootMs: number;
}

export interface AzureDemo {
  readonly vmName: string;
  /** Schedules the event now; resolves once it has left the document. */
  run(spec: Omit<PlatformEventSpec, 'node'>): Promise<PlatformEventResult>;
  close(): Promise<void>;
}

/** `node-3` runs on VM `vmss_3`. */
export const vmOf = (node: string): string => `vmss_${node.replace(/^\D+/, '')}`;

export async function startAzureDemo(o: AzureDemoOptions): Promise<AzureDemo> {
  const node = o.member.name;
  const imds = await SimulatedImds.start({ vmName: vmOf(node), vmScaleSetName: 'vmss' });
  const clock = scaledClock(o.timeScale);
  const agents = new SimAgents({
    serverUrl: o.serverUrl,
    imds,
    clock,
    logger: pino({ level: 'silent' }),
    vmOf,
    machineIdOf: () => o.member.machineId,
    addressOf: () => o.member.address,
    // Simulated time: a poll every 30 s is 100 ms at the default scale. Approving early shows the whole handshake.
    args: ['--poll-interval', '30s', '--retry-interval', '30s', '--approve'],
  });
  const startAgent = async (): Promise<void> => {
    const running = await agents.start(node);
    narrateAgent(running.agent, (text) => o.story.line(node, text));
  };
  const restartAgent = async (): Promise<void> => {
    await startAgent();
    o.story.line(node, 'imds-agent: started on the new boot: no event left; the server releases the slot on the new bootID once Ready');
  };
  const platform = new SimulatedAzurePlatform({
    imds,
    host: o.store,
    clock,
    vmOf,
    bootMs: o.bootMs,
    // At a high --time-scale a 15 min notice is gone before the drains ahead of it (apps under budgets): the story needs it to outlast them.
    minRealNoticeMs: 10_000,
    vmDown: () => agents.stop(node),
    vmUp: restartAgent,
    onStep: (n, text) => o.story.line(n, text),
  });
  await startAgent();
  return {
    vmName: vmOf(node),
    run: (spec) => platform.run({ ...spec, node }),
    async close() {
      platform.close();
      await agents.close();
      await imds.close();
    },
  };
}

/** Tells what an operator would care about: asking, refusals (once per kind), the grant, the approval, the release. */
function narrateAgent(agent: ImdsAgent, say: (text: string) => void): void {
  let before: AgentStatus = agent.status();
  const refusalsSaid = new Set<string>();
  agent.subscribe((now) => {
    if (before.phase !== now.phase) {
      // One poll can ask and be granted at once (an empty node drains within the request).
      if (before.phase === 'idle' && (now.phase === 'asking' || now.phase === 'granted')) {
        say(`imds-agent: ${now.pending.map((p) => p.eventType).join(', ')} scheduled for this VM: pre-reboot in group ${now.group ?? '?'}`);
      }
      if (now.phase === 'granted') say(`imds-agent: pre-reboot -> 200 in group ${now.group ?? '?'}: the node is drained`);
      if (now.phase === 'idle' && before.phase === 'releasing') say('imds-agent: event gone: steady-state -> 200');
    }
    for (const kind of Object.keys(agent.stats.lockRefusals)) {
      if (refusalsSaid.has(kind)) continue;
      refusalsSaid.add(kind);
      say(`imds-agent: pre-reboot -> 423 ${kind}; asking again every 30 s`);
    }
    if (now.approved.length > before.approved.length) say('imds-agent: approved the event early (StartRequests)');
    before = now;
  });
}
