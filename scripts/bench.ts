// npm run bench: every figure of issue 12 from one run. The two floors (bare node:http, and a
// Functions Framework function with a canned answer) are started and measured in the same run as
// every function in functions/targets.ts and the metadata sidecar, over loopback HTTP, against
// the project's local API server over TLS. Prints one JSON line per server as it is measured, then
// the tables (figures, and each target with its ratio to the floor). BENCH_ONLY=a,b limits the
// functions; BENCH_REQUESTS (50000: RSS is read at it and at twice it), BENCH_COLD_RUNS (5) and
// BENCH_STEADY_RATE (1000/s) change the plan.
import { targets } from "../functions/targets.ts";
import { FakeKubeApi } from "../test/helpers/fake-kube-api.ts";
import { podMountsWork } from "../test/helpers/pod-mounts.ts";
import type { FakeObject } from "../test/helpers/fake-kube-api.ts";
import { BENCH_INPUTS, baseCluster, floorReview } from "./bench/inputs.ts";
import type { BenchInput } from "./bench/inputs.ts";
import type { Figures, Subject } from "./bench/measure.ts";
import {
  DEFAULT_PLAN,
  coldStarts,
  measure,
  pairedThroughput,
  throughput,
} from "./bench/measure.ts";
import { cpuMark, describeMachine, noiseSince } from "./bench/machine.ts";
import type { BenchRequest } from "./bench/process.ts";
import { memoryLimiting } from "./bench/process.ts";
import {
  floorProgram,
  functionProgram,
  imdsProgram,
  prepare,
  SIDECAR_LIMIT_MIB,
} from "./bench/programs.ts";
import type { Check, OwnRequestRow } from "./bench/report.ts";
import {
  checksTable,
  figuresTable,
  functionChecks,
  imdsChecks,
  machineLine,
  inTurnsTable,
  ownRequestTable,
} from "./bench/report.ts";

const emit = (fields: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(fields)}\n`);
};
const IMDS_GET: BenchRequest = {
  method: "GET",
  path: "/v1/identity",
  headers: { metadata: "true" },
};

const review = floorReview();
const machine = describeMachine();
emit({ bench: "machine", ...machine });
const runStart = cpuMark();
const api = new FakeKubeApi();
await api.start();
// Functions read the cluster as they do in it, on their pod's ServiceAccount; a machine that
// cannot make mount namespaces runs them on a kubeconfig instead, through client-node.
const pod = api.writeServiceAccount();
const inPods = podMountsWork();
const clusterEnv: Record<string, string> = inPods ? pod.env : { KUBECONFIG: api.writeKubeconfig() };
const ws = await prepare(inPods ? pod.root : undefined);

function resetCluster(extra: FakeObject[]): void {
  for (const object of [...baseCluster(), ...extra] as FakeObject[]) {
    try {
      api.put(object);
    } catch (error) {
      emit({
        bench: "warning",
        message: `the local API server cannot serve ${object.kind}: ${String(error)}`,
      });
    }
  }
}

async function run(subject: Subject): Promise<Figures> {
  const figures = await measure(subject);
  emit({ bench: "figures", ...figures });
  return figures;
}

/** A server that never reads the cluster: one request for its first answer and its load. */
function plain(name: string, program: Subject["program"], request: BenchRequest): Subject {
  return { name, program, withoutRead: request, load: request };
}

function functionSubject(name: string, input: BenchInput): Subject {
  const load = input.load ?? input.withRead ?? input.withoutRead;
  if (!load) throw new Error(`bench input for ${name} has no request`);
  return {
    name,
    program: functionProgram(ws, name, { ...clusterEnv, ...input.env }),
    ...(input.withRead ? { withRead: input.withRead } : {}),
    ...(input.withoutRead ? { withoutRead: input.withoutRead } : {}),
    load,
    ...(input.poll ? { poll: true } : {}),
    coldFloor: { program: floorProgram(ws, "framework"), request: review },
  };
}

const only = (process.env["BENCH_ONLY"] ?? "").split(",").filter(Boolean);
const rows: Figures[] = [];
const checks: { name: string; floor: string; checks: Check[] }[] = [];
const missing: string[] = [];
const ownRequest: OwnRequestRow[] = [];
try {
  resetCluster([]);
  const bare = await run(plain("floor: bare node:http", floorProgram(ws, "bare"), review));
  const framework = await run(
    plain("floor: Functions Framework, canned answer", floorProgram(ws, "framework"), review),
  );
  rows.push(bare, framework);
  for (const name of Object.keys(targets).filter((t) => only.length === 0 || only.includes(t))) {
    const input = await BENCH_INPUTS[name]?.();
    if (!input) {
      missing.push(name);
      emit({
        bench: "no bench input",
        function: name,
        fix: `give functions/${name}/declaration.ts a bench input`,
      });
      continue;
    }
    resetCluster(input.cluster as FakeObject[]);
    const subject = functionSubject(name, input);
    const figures = await run(subject);
    rows.push(figures);
    // The throughput targets: the function and the floor loaded in turns (see pairedThroughput).
    const inTurns = await pairedThroughput(
      {
        program: subject.program,
        first: subject.withRead ?? subject.load,
        load: subject.load,
        poll: subject.poll === true,
      },
      { program: floorProgram(ws, "framework"), request: review },
    );
    emit({ bench: "in turns with the framework floor", function: name, ...inTurns });
    const floorOnIt = await throughput(floorProgram(ws, "framework"), review, subject.load);
    emit({ bench: "framework floor on this request", function: name, ...floorOnIt });
    ownRequest.push({ fn: figures, floor: floorOnIt, inTurns });
    checks.push({ name, floor: "framework", checks: functionChecks(figures, framework, inTurns) });
  }
  if (only.length === 0 || only.includes("imds-server")) {
    const bareGet = await run(
      plain("floor: bare node:http, GET", floorProgram(ws, "bare", SIDECAR_LIMIT_MIB), IMDS_GET),
    );
    const imds = await run(plain("imds-server", imdsProgram(ws), IMDS_GET));
    rows.push(bareGet, imds);
    checks.push({ name: "imds-server", floor: "bare, GET", checks: imdsChecks(imds, bareGet) });
  }
  // The framework floor's cold start again: a drift from the first figure is the machine's load.
  const again = await coldStarts(floorProgram(ws, "framework"), review, DEFAULT_PLAN.coldRuns);
  emit({ bench: "floor drift", first: framework.coldWithoutReadMs, again });
  for (const { name, checks: list } of checks)
    for (const c of list) emit({ bench: "ratio", server: name, ...c });
  const noise = noiseSince(runStart);
  emit({ bench: "noise", ...noise });
  process.stdout.write(`\n## Machine\n${machineLine(machine)}\n`);
  process.stdout.write(
    inPods
      ? "Every program ran as a pod's container: in a mount namespace of its own with a ServiceAccount mounted where the kubelet mounts one; functions read the cluster on it.\n"
      : "**No mount namespace could be made: functions read the cluster through a kubeconfig (client-node), not as in a pod.**\n",
  );
  process.stdout.write(
    `Other work on the machine during the run: ${noise.otherCores} of a core on average (steal ${noise.stealCores}); ` +
      `framework floor cold start ${framework.coldWithoutReadMs} ms at the start, ${again} ms at the end.\n`,
  );
  process.stdout.write(`\n## Figures\n${figuresTable(rows, DEFAULT_PLAN.steadyRate)}\n`);
  process.stdout.write(`\n## Targets\n${checksTable(checks)}\n`);
  process.stdout.write(`\n## In turns with the framework floor\n${inTurnsTable(ownRequest)}\n`);
  process.stdout.write(
    `\n## The framework floor on each function's own request\n${ownRequestTable(ownRequest)}\n`,
  );
  if (missing.length)
    process.stdout.write(
      `\nno bench input: ${missing.join(", ")} (add a line to scripts/bench/inputs.ts)\n`,
    );
} finally {
  await api.stop();
  ws.remove();
  memoryLimiting.remove();
}
