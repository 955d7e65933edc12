import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

/** The repository root, from this file's place in it. */
export const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url))

/** A parsed source file of a package, with its path relative to the repository root. */
export type SourceFile = { path: string; source: ts.SourceFile }

/** Every non-test `.ts` file under `packages/<name>/src`, parsed; generated files left out. */
export function packageSources(packages?: readonly string[]): SourceFile[] {
  const root = join(repositoryRoot, 'packages')
  const names = packages ?? readdirSync(root)
  return names.flatMap((name) =>
    readdirSync(join(root, name, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(file))
      .filter((file) => !file.endsWith('.generated.ts'))
      .sort()
      .map((file) => {
        const absolute = join(root, name, 'src', file)
        const text = readFileSync(absolute, 'utf8')
        return {
          path: relative(repositoryRoot, absolute).split('\\').join('/'),
          source: ts.createSourceFile(absolute, text, ts.ScriptTarget.Latest, true),
        }
      }),
  )
}

/** 1-based line of a position. */
export function lineOf(source: ts.SourceFile, position: number): number {
  return source.getLineAndCharacterOfPosition(position).line + 1
}
