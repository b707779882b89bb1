/** What vbios-injection reads from its environment, once, at start-up. */
export interface VbiosSettings {
  /**
   * `VBIOS_SIDECAR_IMAGE`: the hook sidecar's image. Unset (the default) leaves `image` out of
   * the hookSidecars entry, so KubeVirt runs its own sidecar-shim of the same version.
   */
  sidecarImage?: string;
}

type Env = Record<string, string | undefined>;

export function vbiosSettingsFromEnv(env: Env = process.env): VbiosSettings {
  const image = env["VBIOS_SIDECAR_IMAGE"]?.trim();
  if (!image) return {};
  if (/\s/.test(image))
    throw new Error(`vbios-injection: VBIOS_SIDECAR_IMAGE="${image}" is not an image reference`);
  return { sidecarImage: image };
}
