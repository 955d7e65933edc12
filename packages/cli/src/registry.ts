import type {
  Diagnostic,
  EgressFormat,
  Flow,
  FormatCapabilities,
  Plan,
  RenderedFile,
  RenderResult,
  Verdict,
} from '@aml-egress/core'

/** Render options the CLI knows; each format takes the ones that apply to it. */
export type CliRenderOptions = {
  /** Squid: `include` fragment (default) or `standalone` squid.conf. */
  mode?: 'include' | 'standalone' | undefined
}

/** A config read with a format's reader, closed over its own model type. */
export type OpenedConfig = {
  diagnostics: Diagnostic[]
  evaluate(flow: Flow): Verdict
}

/** A format as the CLI uses it: its config type erased behind `open`. */
export type CliFormat = {
  name: string
  title: string
  capabilities: FormatCapabilities
  /** CLI options this format accepts (others are a usage error when only this format is chosen). */
  options: readonly (keyof CliRenderOptions)[]
  /** Renders the plan with the CLI's options mapped to the format's own. */
  render(plan: Plan, options: CliRenderOptions): RenderResult
  /** Reads files with the format's reader; the result evaluates flows. */
  open(files: readonly RenderedFile[]): Promise<OpenedConfig>
}

/**
 * Wraps a format object for the CLI. `toOptions` maps CLI flags to the format's render options.
 * @example adaptFormat({ format: squidFormat, options: ['mode'], toOptions: (o) => ({ mode: o.mode }) })
 */
export function adaptFormat<Config, RenderOptions>(input: {
  format: EgressFormat<Config, RenderOptions>
  options?: readonly (keyof CliRenderOptions)[]
  toOptions?: (options: CliRenderOptions) => RenderOptions | undefined
}): CliFormat {
  const { format, toOptions } = input
  return {
    name: format.name,
    title: format.title,
    capabilities: format.capabilities,
    options: input.options ?? [],
    render: (plan, options) => format.render(plan, toOptions?.(options)),
    async open(files) {
      const { config, diagnostics } = await format.read(files)
      return { diagnostics, evaluate: (flow) => format.evaluate(config, flow) }
    },
  }
}

/** name → loader. Each loader imports its package only when called, so startup stays fast. */
export type FormatRegistry = Readonly<Record<string, () => Promise<CliFormat>>>

/**
 * Every format the CLI ships, loaded lazily: `--version`, `list`, `explain` and a one-format render
 * load no other format package.
 */
export const formatRegistry: FormatRegistry = {
  'azure-firewall': () =>
    import('@aml-egress/azure-firewall').then((m) =>
      adaptFormat({ format: m.azureFirewallFormat }),
    ),
  cilium: () =>
    import('@aml-egress/network-policy').then((m) => adaptFormat({ format: m.ciliumFormat })),
  'network-policy': () =>
    import('@aml-egress/network-policy').then((m) =>
      adaptFormat({ format: m.networkPolicyFormat }),
    ),
  squid: () =>
    import('@aml-egress/squid').then((m) =>
      adaptFormat({
        format: m.squidFormat,
        options: ['mode'],
        toOptions: (options) => (options.mode ? { mode: options.mode } : undefined),
      }),
    ),
  terraform: () =>
    import('@aml-egress/terraform').then((m) => adaptFormat({ format: m.terraformFormat })),
}

/** Registered names, sorted. */
export function formatNames(registry: FormatRegistry): string[] {
  return Object.keys(registry).sort()
}
