// End-to-end test of the TLS front door: the nginx.conf shipped in knative/front-door.yaml, run by a
// real nginx, in front of the real nested-virt process, called the way the API server calls a
// webhook (SNI and a CA bundle, POST to the Service's path with ?timeout=). Only what must differ
// on a test machine is substituted, each substitution exactly once, so a change in the shipped
// file's shape fails here first. A local DNS responder stands in for kube-dns and a recording
// ingress stand-in (routing by Host, as Knative's does) stands in for Knative's ingress, so the test sees what nginx asks and sends.
import { expect } from "chai";
import type { AdmissionReviewResponse } from "../shared/admission/types.ts";
import type { DnsResponder } from "./helpers/dns-responder.ts";
import type { Answer, FrontDoor, Seen } from "./helpers/front-door.ts";
import { call, resolverFor, ROUTE_SUFFIX, startFrontDoor } from "./helpers/front-door.ts";
import type { RunningFunction } from "./helpers/function-process.ts";
import { startFunction } from "./helpers/function-process.ts";
import { admissionReview, applyResponse, virtualMachine } from "./helpers/review.ts";

const TRIGGER = "vm-feature-manager.io/nested-virt";

// Reviews go where the API server sends nested-virt's: /nested-virt?timeout=10s.
const postReview = (body: unknown): Promise<Answer> => {
  if (!door) throw new Error("the front door did not start");
  return door.review("nested-virt", body);
};
let door: FrontDoor | undefined;

describe("the TLS front door (knative/front-door.yaml) with a real nginx", function () {
  this.timeout(30_000);
  let fn: RunningFunction | undefined;
  let seen: Seen[] = [];
  let dns: DnsResponder;
  let ca = "";
  let port = 0;

  before(async () => {
    fn = await startFunction("nested-virt", { KUBECONFIG: "/nonexistent" });
    door = await startFrontDoor({ "nested-virt": fn.url });
    ({ port, ca, seen, dns } = door);
  });

  after(async () => {
    await door?.stop();
    await fn?.stop();
  });

  it("should answer an AdmissionReview sent the way the API server sends it", async () => {
    const vm = virtualMachine({ annotations: { [TRIGGER]: "vmx" } });
    const answer = await postReview(admissionReview(vm, { uid: "front-door-1" }));
    expect(answer.status, answer.body).to.equal(200);
    expect(answer.headers["content-type"]).to.match(/^application\/json/);
    const body = JSON.parse(answer.body) as AdmissionReviewResponse;
    expect(body.apiVersion).to.equal("admission.k8s.io/v1");
    expect(body.kind).to.equal("AdmissionReview");
    expect(body.response.uid).to.equal("front-door-1");
    expect(body.response.allowed).to.equal(true);
    expect(body.response.patchType).to.equal("JSONPatch");
    expect(applyResponse(vm, body.response).spec?.template?.spec?.domain?.cpu).to.deep.equal({
      features: [{ name: "vmx", policy: "require" }],
    });
  });

  it("should reach the function through Knative's ingress, with its route's Host header", async () => {
    const before = seen.length;
    const vm = virtualMachine({ annotations: { [TRIGGER]: "vmx" } });
    const answer = await postReview(admissionReview(vm, { uid: "front-door-host" }));
    expect(answer.status).to.equal(200);
    expect(seen.slice(before)).to.have.length(1);
    const forwarded = seen[before];
    expect(forwarded?.method).to.equal("POST");
    expect(forwarded?.url).to.equal("/nested-virt?timeout=10s");
    expect(forwarded?.headers.host).to.equal(`nested-virt${ROUTE_SUFFIX}`);
    // proxy_http_version 1.1 with an empty Connection header.
    expect(forwarded?.httpVersion).to.equal("1.1");
    expect(forwarded?.headers.connection).to.equal(undefined);
    // The ingress is one upstream, resolved at start: no DNS query for the route on a review.
    expect(dns.queries).to.deep.equal([]);
  });

  it("should send twenty reviews in a row over one kept-alive connection to the ingress", async () => {
    const vm = virtualMachine({ annotations: { [TRIGGER]: "vmx" } });
    await postReview(admissionReview(vm, { uid: "front-door-warm" }));
    const before = door?.ingressConnections() ?? 0;
    for (let i = 0; i < 20; i++) {
      const answer = await postReview(admissionReview(vm, { uid: `front-door-kept-${i}` }));
      expect(answer.status, answer.body).to.equal(200);
    }
    expect((door?.ingressConnections() ?? 0) - before).to.equal(0);
  });

  it("should pass a review larger than nginx's in-memory body buffer", async () => {
    // Over client_body_buffer_size, nginx spools the body to client_body_temp_path first.
    const vm = virtualMachine({ annotations: { [TRIGGER]: "vmx", padding: "x".repeat(1 << 20) } });
    const answer = await postReview(admissionReview(vm, { uid: "front-door-big" }));
    expect(answer.status, answer.body).to.equal(200);
    const body = JSON.parse(answer.body) as AdmissionReviewResponse;
    expect(body.response.uid).to.equal("front-door-big");
    expect(applyResponse(vm, body.response).spec?.template?.spec?.domain?.cpu).to.deep.equal({
      features: [{ name: "vmx", policy: "require" }],
    });
  });

  it("should fail the handshake for a client that checks another name", async () => {
    const error = await call(port, { ca, path: "/healthz", servername: "other.svc" }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(error?.code).to.equal("ERR_TLS_CERT_ALTNAME_INVALID");
    expect(error?.message).to.include("other.svc");
  });

  it("should fail the handshake for a client that does not trust the CA", async () => {
    const error = await call(port, { path: "/healthz" }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(error?.code).to.equal("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  it("should answer /healthz itself, without the function", async () => {
    const before = seen.length;
    const answer = await call(port, { ca, path: "/healthz" });
    expect(answer).to.include({ status: 200, body: "ok\n" });
    expect(seen).to.have.length(before);
  });

  for (const path of ["/", "/nested-virt/extra", "/Nested-Virt", "/healthz/x"]) {
    it(`should answer ${path} with 404 and the shipped JSON, without the function`, async () => {
      const before = seen.length;
      const answer = await call(port, { ca, path, method: "POST", body: "{}" });
      expect(answer.status).to.equal(404);
      expect(answer.headers["content-type"]).to.equal("application/json");
      expect(JSON.parse(answer.body)).to.deep.equal({
        error: "not_found",
        message: "use /<function>",
      });
      expect(seen).to.have.length(before);
    });
  }

  it("should refuse a body over 7 MiB with 413 before the function sees it", async () => {
    const before = seen.length;
    const answer = await call(port, {
      ca,
      method: "POST",
      path: "/nested-virt?timeout=10s",
      headers: { "content-type": "application/json", "content-length": 7 * 1024 * 1024 + 1 },
      body: "x".repeat(64 * 1024),
    });
    expect(answer.status).to.equal(413);
    expect(answer.body).to.include("413 Request Entity Too Large");
    expect(seen).to.have.length(before);
  });

  it("should have logged no nginx error but the refused body", () => {
    const errors = (door?.nginx.stderr() ?? "")
      .split("\n")
      .filter((line) => /\[(emerg|alert|crit|error)\]/.test(line))
      .filter((line) => !line.includes("client intended to send too large body"));
    expect(errors).to.deep.equal([]);
  });
});

describe("the front door's resolver (start.sh, from the pod's /etc/resolv.conf)", () => {
  const SEARCH = "search vm-feature-functions.svc.cluster.local svc.cluster.local cluster.local\n";

  it("should use kubeadm's kube-dns address as the pod's resolv.conf names it", async () => {
    const { code, out } = await resolverFor(`${SEARCH}nameserver 10.96.0.10\noptions ndots:5\n`);
    expect([code, out]).to.deep.equal([0, "resolver 10.96.0.10 valid=10s ipv6=off;\n"]);
  });

  it("should use RKE2's rke2-coredns address the same way, and only the first nameserver", async () => {
    const { code, out } = await resolverFor(
      `${SEARCH}nameserver 10.43.0.10\nnameserver 10.43.0.11\noptions ndots:5\n`,
    );
    expect([code, out]).to.deep.equal([0, "resolver 10.43.0.10 valid=10s ipv6=off;\n"]);
  });

  it("should bracket an IPv6 nameserver, as nginx's resolver needs", async () => {
    const { code, out } = await resolverFor(`${SEARCH}nameserver fd00:10:96::a\n`);
    expect([code, out]).to.deep.equal([0, "resolver [fd00:10:96::a] valid=10s ipv6=off;\n"]);
  });

  it("should refuse to start, saying why, when resolv.conf names no nameserver", async () => {
    const { code, out } = await resolverFor(SEARCH);
    expect(code).to.equal(1);
    expect(out).to.match(/^front-door: no nameserver in \/.+\/resolv\.conf\n$/);
  });
});
