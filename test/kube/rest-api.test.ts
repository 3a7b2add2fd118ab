// The KubeApi contract over the wire: the REST client against the HTTP simulator passes the same cases as MemoryKubeApi.
import t from 'tap';
import { createKubeClient } from '../../src/kube/client.js';
import { RestKubeApi } from '../../src/kube/rest-api.js';
import { startKubeSim } from '../../src/sim/kube/index.js';
import { simContractStore } from '../support/contract-store.js';
import { kubeApiContract } from '../support/kube-api-contract.js';

void t.test('RestKubeApi against the HTTP simulator', async (t) => {
  kubeApiContract(t, async (t, opts) => {
    const sim = await startKubeSim(opts);
    t.teardown(() => sim.close());
    const path = `${t.testdir()}/kubeconfig`;
    await sim.writeKubeconfig(path);
    return { api: new RestKubeApi(createKubeClient(path)), store: simContractStore(sim.store) };
  });
});
