import { expect } from "chai";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { SidecarFragment } from "./fragment.ts";
import { loadFragment, parseFragment } from "./fragment.ts";

const FILE = new URL("../../functions/imds-server/sidecar.yaml", import.meta.url);

describe("the sidecar fragment", () => {
  it("should be functions/imds-server/sidecar.yaml's one init container and its volumes, as written", () => {
    const yaml = parse(readFileSync(FILE, "utf8")) as {
      initContainers: unknown[];
      volumes: unknown[];
    };
    expect(loadFragment()).to.deep.equal({
      container: yaml.initContainers[0],
      volumes: yaml.volumes,
    });
  });

  it("should be a native sidecar that mounts only its own token volume, read-only", () => {
    const { container, volumes } = loadFragment();
    expect(container.restartPolicy).to.equal("Always");
    expect(container.volumeMounts).to.deep.equal([
      { name: "imds-token", mountPath: "/var/run/secrets/imds", readOnly: true },
    ]);
    expect(volumes.map((v) => v.name)).to.deep.equal(["imds-token"]);
  });

  const valid = (): SidecarFragment & Record<string, unknown> => {
    const { container, volumes } = loadFragment();
    return { initContainers: [container], volumes } as never;
  };
  const cases: { name: string; raw: unknown; problem: string }[] = [
    {
      name: "nothing",
      raw: null,
      problem: "initContainers must hold exactly one container, the sidecar",
    },
    {
      name: "two containers",
      raw: {
        ...valid(),
        initContainers: [
          { name: "a", image: "a" },
          { name: "b", image: "b" },
        ],
      },
      problem: "initContainers must hold exactly one container, the sidecar",
    },
    {
      name: "a container without an image",
      raw: { ...valid(), initContainers: [{ name: "imds-server" }] },
      problem: "the sidecar container needs a name and an image",
    },
    {
      name: "a mount of a volume it does not define",
      raw: { ...valid(), volumes: [] },
      problem: 'the sidecar mounts volume "imds-token", which the fragment does not define',
    },
    {
      name: "no token volume",
      raw: {
        initContainers: [{ name: "imds-server", image: "x" }],
        volumes: [{ name: "scratch", emptyDir: {} }],
      },
      problem: "exactly one volume must be a projected serviceAccountToken source",
    },
  ];
  for (const tc of cases) {
    it(`should refuse ${tc.name}, naming the file`, () => {
      expect(() => parseFragment(tc.raw)).to.throw(
        `functions/imds-server/sidecar.yaml: ${tc.problem}`,
      );
    });
  }
});
