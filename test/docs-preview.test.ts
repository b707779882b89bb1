// docs/preview.md's flags, usage line, output keys, exit codes and snapshot kinds, held to the code.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mutators } from "../functions/mutators.ts";
import { NAMESPACE, pluralOf } from "../shared/kube/kinds.ts";
import { PREVIEW_OPTIONS, PREVIEW_USAGE } from "../shared/preview/args.ts";
import type { PreviewResult } from "../shared/preview/run.ts";
import { RBAC_KINDS } from "../shared/webhooks/rbac.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PAGE = readFileSync(`${ROOT}docs/preview.md`, "utf8");

/** Every key of the result: typechecking fails here when PreviewResult gains or loses one. */
const RESULT_KEYS: Record<keyof PreviewResult, true> = {
  patches: true,
  object: true,
  notCalled: true,
  warnings: true,
  denied: true,
  refused: true,
};

/** The text under `## heading`, up to the next heading of that level. */
function section(heading: string): string {
  const start = PAGE.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/preview.md has no section "${heading}"`);
  const end = PAGE.indexOf("\n## ", start + 1);
  return PAGE.slice(start, end < 0 ? undefined : end);
}

/** The cells of each body row of the section's table. */
function rows(heading: string): string[][] {
  return section(heading)
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split(/ \| /)
        .map((cell) => cell.trim()),
    );
}

/** The code spans of a cell (`a`, `b`). */
const spans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? "");

function runPreview(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["scripts/preview.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("docs/preview.md against the preview's code", function () {
  this.timeout(60_000);

  it("should list exactly the flags parseArgs accepts", () => {
    const flags = rows("Flags").map(([cell = ""]) => /^`(--[a-z-]+)/.exec(cell)?.[1]);
    expect(flags).to.deep.equal(Object.keys(PREVIEW_OPTIONS).map((name) => `--${name}`));
  });

  it("should quote the usage line the preview prints, which names every flag", () => {
    expect(PAGE).to.include(`\n${PREVIEW_USAGE}\n`);
    const run = runPreview([]);
    expect([run.status, run.stderr]).to.deep.equal([2, `preview: ${PREVIEW_USAGE}\n`]);
    const left = Object.keys(PREVIEW_OPTIONS).filter(
      (name) => !new RegExp(`--${name}[ \\]]`).test(PREVIEW_USAGE),
    );
    expect(left, "flags the usage line leaves out").to.deep.equal([]);
  });

  it("should list exactly the keys of the result, and the output should hold no other", () => {
    const keys = rows("Output").map(([cell = ""]) => spans(cell)[0]);
    expect(keys).to.deep.equal(Object.keys(RESULT_KEYS));
    const outputs = [
      ["examples/nested-virt-annotation.yaml", "--json"],
      [
        "examples/launcher-pod-macvtap.yaml",
        "--json",
        "--cluster",
        "examples/vbios-injection-cluster.yaml",
      ],
      [
        "examples/vbios-injection.yaml",
        "--json",
        "--cluster",
        "examples/vbios-injection-cluster.yaml",
      ],
    ].flatMap((args) => Object.keys(JSON.parse(runPreview(args).stdout) as object));
    expect([...new Set(outputs)].filter((key) => !(key in RESULT_KEYS))).to.deep.equal([]);
  });

  it("should give every exit code the preview has, each with a command that exits so and its line", () => {
    const table = rows("Exit codes").map(([exit = "", , command = "", line = ""]) => ({
      exit: Number(exit),
      args: (spans(command)[0] ?? "").replace(/^npm run preview -- /, "").split(" "),
      line: spans(line)[0] ?? "",
    }));
    const script = readFileSync(`${ROOT}scripts/preview.ts`, "utf8");
    const codes = [0, ...[...script.matchAll(/process\.exit\((\d)\)/g)].map((m) => Number(m[1]))];
    expect([...new Set(table.map((row) => row.exit))].sort()).to.deep.equal(
      [...new Set(codes)].sort(),
    );
    for (const { exit, args, line } of table) {
      const run = runPreview(args);
      expect(run.status, args.join(" ")).to.equal(exit);
      expect(run.stderr.split("\n"), args.join(" ")).to.include(line);
    }
  });

  it("should say what every snapshot kind is for: the recipe's and RBAC's", () => {
    const rbac = RBAC_KINDS.map((kind) =>
      pluralOf({ apiVersion: "rbac.authorization.k8s.io/v1", kind }),
    );
    expect(PAGE).to.include(`kubectl get ${rbac.join(",")} -A -o yaml`);
    const read = mutators.flatMap((build) => build().reads.map(pluralOf));
    const kinds = rows("The snapshot").flatMap(([cell = ""]) => spans(cell));
    expect([...kinds].sort()).to.deep.equal(
      [...new Set([...read, pluralOf(NAMESPACE), ...rbac])].sort(),
    );
  });
});
