/**
 * One pharmacy of browser-mode processes (docs/multi-counter.md §7): a throwaway PostgreSQL, one simulator process
 * with its request log, a 0600 enrolment passphrase file, and counters started as `node out/node/web.mjs --store …`
 * with their own data folders — driven through their HTTP bridges like the page. For tests that kill a counter
 * (SIGKILL) or need real processes; shared-counters.ts runs the counters in the test's own process instead.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PharmacySetup } from '../../../shared/ipc/contract';
import { BridgeClient } from './bridge-client';
import { FachdienstSide } from './fachdienst-side';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster';
import { requireBuild, startNode, startSimulatorProcess, stopAll, WEB_ENTRY, type NodeProcess, type SimulatorProcess } from './processes';

export interface CounterProcess {
  name: string;
  process: NodeProcess;
  bridge: BridgeClient;
}

export interface PharmacyProcesses {
  cluster: PostgresCluster;
  sim: SimulatorProcess;
  fd: FachdienstSide;
  /**
   * Starts a counter named `name` (its pharmacy set-up's counter name) with `kuerzel` signed in; `networkArgs` are
   * browser mode's timeout flags. The first counter started holds the background work.
   */
  startCounter(name: string, kuerzel: string, networkArgs: readonly string[]): Promise<CounterProcess>;
  /** every process (SIGKILL), the cluster and the temp folders */
  stop(): Promise<void>;
}

export async function startPharmacyProcesses(prefix: string): Promise<PharmacyProcesses> {
  requireBuild();
  const dirs: string[] = [];
  const tempDir = (suffix: string): string => {
    const dir = mkdtempSync(join(tmpdir(), `${prefix}-${suffix}-`));
    dirs.push(dir);
    return dir;
  };
  const cluster = await startPostgresCluster();
  const sim = await startSimulatorProcess(tempDir('sim'));
  const passphraseFile = join(tempDir('secret'), 'passphrase');
  writeFileSync(passphraseFile, 'Gemeinsame Passphrase der Apotheke am Markt 2026\n', { mode: 0o600 });
  chmodSync(passphraseFile, 0o600);

  return {
    cluster,
    sim,
    fd: new FachdienstSide(sim.url),
    startCounter: async (name, kuerzel, networkArgs) => {
      const args = ['--port', '0', '--data', tempDir('app'), '--fachdienst', sim.url, '--store', cluster.connectionString];
      args.push('--enrol-passphrase-file', passphraseFile, '--background-retry-ms', '200', ...networkArgs);
      const { process, match } = await startNode(WEB_ENTRY, args, /^app: (http:\/\/127\.0\.0\.1:\d+\/)\s*$/, {
        env: { ...globalThis.process.env, PGPASSFILE: cluster.passfile },
        timeoutMs: 30_000,
      });
      const bridge = await BridgeClient.connect(match);
      const setup = await bridge.invoke<PharmacySetup>('getPharmacySetup', {});
      await bridge.invoke('savePharmacySetup', { staff: setup.staff, counterName: name, pharmacy: setup.pharmacy });
      await bridge.invoke('setStaff', { kuerzel });
      return { name, process, bridge };
    },
    stop: async () => {
      await stopAll();
      await cluster.stop();
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
