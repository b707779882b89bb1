import { expect } from "chai";
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FeatureError } from "../../shared/basics/errors.ts";
import { rejected } from "../../test/helpers/errors.ts";
import { BUILD_MACHINE_SYS, fakePciSys, writeSysFile } from "./fixtures/pci-host.ts";
import { pciDevicesPath, readPciInventory } from "./pci.ts";

describe("readPciInventory", () => {
  describe("on the copy of the build machine's own /sys/bus/pci (fixtures/sysfs/build-machine)", () => {
    it("should keep the kernel's symlinks in the copy", () => {
      const entry = join(pciDevicesPath(BUILD_MACHINE_SYS), "0000:00:03.0");
      expect(lstatSync(entry).isSymbolicLink()).to.equal(true);
      expect(readlinkSync(entry)).to.equal("../../../devices/pci0000:00/0000:00:03.0");
      expect(readlinkSync(join(entry, "driver"))).to.equal("../../../bus/pci/drivers/virtio-pci");
    });

    it("should list its host bridge and five virtio functions, without IOMMU groups", async () => {
      expect(await readPciInventory(BUILD_MACHINE_SYS)).to.deep.equal([
        { address: "0000:00:00.0", id: "8086:0d57", class: "060000" },
        { address: "0000:00:01.0", id: "1af4:1045", class: "ffff00", driver: "virtio-pci" },
        { address: "0000:00:02.0", id: "1af4:1042", class: "018000", driver: "virtio-pci" },
        { address: "0000:00:03.0", id: "1af4:1041", class: "020000", driver: "virtio-pci" },
        { address: "0000:00:04.0", id: "1af4:1053", class: "ffff00", driver: "virtio-pci" },
        { address: "0000:00:05.0", id: "1af4:1044", class: "ffff00", driver: "virtio-pci" },
      ]);
    });
  });

  describe("on constructed trees", () => {
    it("should read a GPU host: vfio-bound GPUs behind root ports, IOMMU groups, sorted by address", async () => {
      const sys = fakePciSys([
        {
          address: "0000:ca:00.0",
          vendor: "10de",
          device: "2236",
          class: "030200",
          driver: "vfio-pci",
          iommuGroup: "112",
          behind: ["0000:c9:01.0"],
        },
        {
          address: "0000:00:00.0",
          vendor: "8086",
          device: "09a2",
          class: "060000",
          iommuGroup: "0",
        },
        {
          address: "0000:65:00.0",
          vendor: "10DE",
          device: "2236",
          class: "030200",
          driver: "vfio-pci",
          iommuGroup: "45",
          behind: ["0000:64:02.0"],
        },
        {
          address: "0000:31:00.1",
          vendor: "8086",
          device: "1572",
          class: "020000",
          driver: "i40e",
          iommuGroup: "30",
        },
      ]);
      expect(await readPciInventory(sys)).to.deep.equal([
        { address: "0000:00:00.0", id: "8086:09a2", class: "060000", iommuGroup: "0" },
        {
          address: "0000:31:00.1",
          id: "8086:1572",
          class: "020000",
          driver: "i40e",
          iommuGroup: "30",
        },
        {
          address: "0000:65:00.0",
          id: "10de:2236",
          class: "030200",
          driver: "vfio-pci",
          iommuGroup: "45",
        },
        {
          address: "0000:ca:00.0",
          id: "10de:2236",
          class: "030200",
          driver: "vfio-pci",
          iommuGroup: "112",
        },
      ]);
    });

    it("should give an empty inventory when the kernel has no PCI bus", async () => {
      const sys = mkdtempSync(join(tmpdir(), "no-pci-"));
      expect(await readPciInventory(sys)).to.deep.equal([]);
    });

    it("should skip entries that are not PCI addresses", async () => {
      const sys = fakePciSys([
        { address: "0000:00:00.0", vendor: "8086", device: "0d57", class: "060000" },
      ]);
      mkdirSync(join(pciDevicesPath(sys), "README"));
      expect(await readPciInventory(sys)).to.have.length(1);
    });

    it("should leave out a device whose directory is gone (unplugged while read)", async () => {
      const sys = fakePciSys([
        { address: "0000:00:00.0", vendor: "8086", device: "0d57", class: "060000" },
        {
          address: "0000:3b:00.0",
          vendor: "15b3",
          device: "101b",
          class: "020000",
          driver: "mlx5_core",
        },
      ]);
      rmSync(join(sys, "devices", "pci0000:3b"), { recursive: true });
      expect(await readPciInventory(sys)).to.deep.equal([
        { address: "0000:00:00.0", id: "8086:0d57", class: "060000" },
      ]);
    });

    it("should throw a FeatureError naming the file when an id is not hex", async () => {
      const sys = fakePciSys([
        { address: "0000:00:00.0", vendor: "8086", device: "0d57", class: "060000" },
      ]);
      writeSysFile(join(sys, "devices", "pci0000:00", "0000:00:00.0", "vendor"), "intel\n");
      const vendor = join(pciDevicesPath(sys), "0000:00:00.0", "vendor");
      const error = await rejected(FeatureError, readPciInventory(sys));
      expect([error.message, error.field]).to.deep.equal([
        `${vendor} holds "intel", not a 4-digit 0x hex value`,
        "SYS_ROOT",
      ]);
    });

    it("should throw a FeatureError naming SYS_ROOT when the device list cannot be read", async () => {
      const sys = mkdtempSync(join(tmpdir(), "bad-pci-"));
      mkdirSync(join(sys, "bus", "pci"), { recursive: true });
      writeFileSync(pciDevicesPath(sys), "not a directory");
      const error = await rejected(FeatureError, readPciInventory(sys));
      expect([error.message, error.field, error.fix]).to.deep.equal([
        `could not read ${pciDevicesPath(sys)} (ENOTDIR)`,
        "SYS_ROOT",
        "mount the node's /sys readable (a plain container's read-only sysfs shows /sys/bus/pci), or point SYS_ROOT at it",
      ]);
    });

    it("should throw when a driver entry is not a symlink", async () => {
      const sys = fakePciSys([
        { address: "0000:00:00.0", vendor: "8086", device: "0d57", class: "060000" },
      ]);
      writeFileSync(join(sys, "devices", "pci0000:00", "0000:00:00.0", "driver"), "vfio-pci");
      const driver = join(pciDevicesPath(sys), "0000:00:00.0", "driver");
      const error = await rejected(FeatureError, readPciInventory(sys));
      expect(error.message).to.equal(`could not read ${driver} (EINVAL)`);
    });

    it("should read a device listed through a link to another tree as the kernel's own links", async () => {
      const sys = fakePciSys([]);
      const elsewhere = fakePciSys([
        {
          address: "0000:17:00.0",
          vendor: "1002",
          device: "73bf",
          class: "030000",
          driver: "amdgpu",
        },
      ]);
      symlinkSync(
        join(elsewhere, "devices", "pci0000:17", "0000:17:00.0"),
        join(pciDevicesPath(sys), "0000:17:00.0"),
      );
      expect(await readPciInventory(sys)).to.deep.equal([
        { address: "0000:17:00.0", id: "1002:73bf", class: "030000", driver: "amdgpu" },
      ]);
    });
  });
});
