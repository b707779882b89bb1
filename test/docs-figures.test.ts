// Figures and recipes the docs quote from the code, held to it: each drifted once.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mutators } from "../functions/mutators.ts";
import { loadFragment } from "../shared/imds-sidecar/fragment.ts";
import { NAMESPACE, pluralOf } from "../shared/kube/kinds.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const read = (path: string): string => readFileSync(`${ROOT}${path}`, "utf8").replace(/\s+/g, " ");

/** The one match of `pattern` in `text`, its groups. */
function quoted(text: string, pattern: RegExp, where: string): string[] {
  const match = pattern.exec(text);
  if (!match) throw new Error(`${where} no longer quotes ${String(pattern)}`);
  return match.slice(1);
}

describe("figures the docs quote", () => {
  const { resources } = loadFragment().container;

  it("should give the sidecar's requests and limit as the fragment sets them (imds-injector's page)", () => {
    const [cpu, memory, limit] = quoted(
      read("docs/functions/imds-injector.md"),
      /the fragment's: (\S+) CPU, (\S+) memory; limit (\S+)\)/,
      "the imds-injector page",
    );
    expect({ cpu, memory, limit }).to.deep.equal({
      cpu: resources?.requests?.["cpu"],
      memory: resources?.requests?.["memory"],
      limit: resources?.limits?.["memory"],
    });
  });

  it("should give the sidecar's memory request and limit as the fragment sets them (imds-server's page)", () => {
    const [memory, limit] = quoted(
      read("docs/functions/imds-server.md"),
      /The memory request in `functions\/imds-server\/sidecar.yaml` \((\S+), limit (\S+)\)/,
      "the imds-server page",
    );
    expect({ memory, limit }).to.deep.equal({
      memory: resources?.requests?.["memory"],
      limit: resources?.limits?.["memory"],
    });
  });

  it("should give the same imds-server memory figures in the README, its page and the fragment", () => {
    const readme = quoted(
      read("README.md"),
      /imds-server: idle \/ after 100,000 requests \(bare `node:http`\) \| (\d+) \/ (\d+) MiB \((\d+) \/ (\d+) MiB\)/,
      "the README",
    );
    const page = quoted(
      read("docs/functions/imds-server.md"),
      /(\d+) MiB resident once serving \(bare: (\d+) MiB;.*?(\d+) MiB after 100,000 requests at full speed \(bare: (\d+)\)/,
      "the imds-server page",
    );
    const fragment = quoted(
      read("functions/imds-server/sidecar.yaml"),
      /(\d+) MiB resident once serving \(bare node:http: # (\d+) MiB;.*?(\d+) MiB after 100,000 requests/,
      "the fragment's comment",
    );
    const [idle, after, bareIdle, bareAfter] = readme;
    expect(page).to.deep.equal([idle, bareIdle, after, bareAfter]);
    expect(fragment).to.deep.equal([idle, bareIdle, after]);
  });

  it("should snapshot, in the preview page's recipe, every kind the functions read and the namespaces", () => {
    const [kinds = ""] = quoted(
      read("docs/preview.md"),
      /for kind in ([a-z ]+); do kubectl get \$kind -A -o yaml 2>\/dev\/null && echo ---; done > snapshot.yaml/,
      "the preview page",
    );
    const read_ = mutators.flatMap((build) => build().reads.map(pluralOf));
    expect(kinds.split(" ").sort()).to.deep.equal(
      [...new Set([...read_, pluralOf(NAMESPACE)])].sort(),
    );
  });
});
