// Dependencies point one way: api knows nothing of rooms, strategies never import the session, and the
// plugin and the emulator never import each other.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Relative imports of a file, as paths relative to src/. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) =>
    relative(src, resolve(dirname(file), m[1]!)),
  );
}

const graph = sourceFiles(src).map((f) => ({ file: relative(src, f), deps: imports(f) }));

function violations(from: (f: string) => boolean, to: (d: string) => boolean): string[] {
  return graph
    .filter((n) => from(n.file))
    .flatMap((n) => n.deps.filter(to).map((d) => `${n.file} -> ${d}`));
}

describe('layering', () => {
  it('found the source files', () => {
    expect(graph.length).toBeGreaterThan(10);
  });
  it('the plugin never imports the emulator', () => {
    expect(
      violations(
        (f) => !f.startsWith('emulator/'),
        (d) => d.startsWith('emulator/'),
      ),
    ).toEqual([]);
  });
  it('the emulator never imports the plugin', () => {
    expect(
      violations(
        (f) => f.startsWith('emulator/'),
        (d) => !d.startsWith('emulator/'),
      ),
    ).toEqual([]);
  });
  it('the HTTP client knows nothing of rooms, strategies or sessions', () => {
    expect(
      violations(
        (f) => f.startsWith('api/'),
        (d) => /^(livekit|strategies|lifecycle|avatar_session)/.test(d),
      ),
    ).toEqual([]);
  });
  it('strategies and lifecycle never import the AvatarSession', () => {
    expect(
      violations(
        (f) => /^(strategies|lifecycle|livekit)\//.test(f),
        (d) => d.startsWith('avatar_session'),
      ),
    ).toEqual([]);
  });
});
