/**
 * Which plain scalars YAML reads as something other than a string. Two readers matter: the YAML
 * 1.2 core schema (js-yaml, the `yaml` library) and YAML 1.1 (kubectl's decoder, PyYAML). Core's
 * profile scanner leaves every such scalar to js-yaml; network-policy's printer quotes them.
 */

// Numbers, infinities, NaN, booleans and null of the YAML 1.2 core schema.
const CORE_NOT_STRING =
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[Tt]rue|TRUE|[Ff]alse|FALSE|~|[Nn]ull|NULL)$/
// YAML 1.1's booleans (`yes`, `on`, `NO`, `y`), binary, hex and underscored numbers,
// sexagesimals and dates.
const YAML_1_1_NOT_STRING = new RegExp(
  [
    '^(?:[Yy]|[Yy]es|YES|[Nn]|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF)$',
    '^[-+]?0b[0-1_]+$',
    '^[-+]?0x[0-9a-fA-F_]+$',
    '^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$',
    '^[-+]?\\.[0-9_]*(?:[eE][-+]?[0-9]+)?$',
    '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}',
  ].join('|'),
)

/**
 * True when the YAML 1.2 core schema reads this plain scalar as a number, boolean or null.
 * @example yamlCoreReadsAsNonString('0x1F') // true
 */
export function yamlCoreReadsAsNonString(text: string): boolean {
  return CORE_NOT_STRING.test(text)
}

/**
 * True when a YAML 1.1 reader reads this plain scalar as a boolean, number or date.
 * @example yaml11ReadsAsNonString('yes') // true
 */
export function yaml11ReadsAsNonString(text: string): boolean {
  return YAML_1_1_NOT_STRING.test(text)
}
