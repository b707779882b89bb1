/** Where nested-virt finds its opt-in rules. */
export interface NestedVirtSettings {
  rulesConfigMap: { namespace: string; name: string };
}

type Env = Record<string, string | undefined>;

export function nestedVirtSettingsFromEnv(env: Env = process.env): NestedVirtSettings {
  return {
    rulesConfigMap: {
      namespace:
        env["NESTED_VIRT_RULES_NAMESPACE"] || env["POD_NAMESPACE"] || "vm-feature-functions",
      name: env["NESTED_VIRT_RULES_CONFIGMAP"] || "nested-virt-rules",
    },
  };
}
