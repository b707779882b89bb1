// The tables npm run bench:cluster prints: each round's figures, then each example's spread over
// the rounds and its creates pooled.

/** One block of timed creates: ms each, the webhook calls a create made, their mean (ms). */
export interface Block {
  times: number[];
  callsPerCreate: number;
  callMs: number;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const fmt = (ms: number): string => ms.toFixed(2);
const pair = (times: readonly number[]): string =>
  `${fmt(percentile(times, 50))} / ${fmt(percentile(times, 99))}`;

/** What the chain adds at `p`, round by round. */
function added(warm: readonly Block[], bare: readonly Block[], p: number): number[] {
  return warm.map((w, r) => percentile(w.times, p) - percentile(bare[r]?.times ?? [], p));
}

/** The median of the rounds and their range, e.g. `6.10 (5.80-7.02)`. */
function spread(values: readonly number[]): string {
  return `${fmt(percentile(values, 50))} (${fmt(Math.min(...values))}-${fmt(Math.max(...values))})`;
}

function roundRows(file: string, warm: readonly Block[], bare: readonly Block[]): string[] {
  return warm.map((w, r) => {
    const b = bare[r] ?? { times: [], callsPerCreate: 0, callMs: 0 };
    const adds = `${fmt(added([w], [b], 50)[0] ?? NaN)} / ${fmt(added([w], [b], 99)[0] ?? NaN)}`;
    const calls = `${w.callsPerCreate.toFixed(1)}; ${fmt(w.callMs)}`;
    return `| ${file} | ${r + 1} | ${pair(w.times)} | ${pair(b.times)} | ${adds} | ${calls} |`;
  });
}

function summaryRow(file: string, warm: readonly Block[], bare: readonly Block[]): string {
  const all = (blocks: readonly Block[]): number[] => blocks.flatMap((b) => b.times);
  const p50 = spread(added(warm, bare, 50));
  const p99 = spread(added(warm, bare, 99));
  return `| ${file} | ${p50} | ${p99} | ${pair(all(warm))} | ${pair(all(bare))} |`;
}

/** Both tables as Markdown, after a line saying the machine's load. */
export function report(
  files: readonly string[],
  warm: readonly Block[][],
  bare: readonly Block[][],
  machine: string,
): string {
  const rounds = files.flatMap((file, i) => roundRows(file, warm[i] ?? [], bare[i] ?? []));
  const summary = files.map((file, i) => summaryRow(file, warm[i] ?? [], bare[i] ?? []));
  return [
    `${machine}`,
    "",
    "| VM (examples/) | round | p50 / p99, every webhook warm (ms) | p50 / p99, no webhook configuration (ms) | the chain adds at p50 / p99 (ms) | webhook calls a create; the API server's mean a call (ms) |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rounds,
    "",
    "| VM (examples/) | the chain adds at p50: median of the rounds (range), ms | at p99 (ms) | all creates pooled, warm: p50 / p99 (ms) | pooled, no configuration (ms) |",
    "| --- | --- | --- | --- | --- |",
    ...summary,
    "",
  ].join("\n");
}
