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
        (d) => /^(livekit|strategies|ending|session|avatar_session)/.test(d),
      ),
    ).toEqual([]);
  });
  // Layers, bottom up: api → tools → learning → livekit → ending → strategies → session → avatar_session.
  // Each imports only the layers below it (plus the leaves errors, events, log, options, version). Tool
  // definitions are policy over api's error formatting, below everything that touches a room.
  const LAYERS = [
    'api',
    'tools',
    'learning',
    'livekit',
    'ending',
    'strategies',
    'session',
    'avatar_session',
  ];
  const layerOf = (path: string) =>
    LAYERS.findIndex((l) => path === l || path.startsWith(`${l}/`) || path === `${l}.ts`);
  it('every layer imports only the layers below it', () => {
    const upward = graph.flatMap((n) => {
      const from = layerOf(n.file);
      if (from < 0) return [];
      return n.deps.filter((d) => layerOf(d) > from).map((d) => `${n.file} -> ${d}`);
    });
    expect(upward).toEqual([]);
  });
  it('the layers are where the table says', () => {
    for (const layer of LAYERS)
      expect(graph.some((n) => layerOf(n.file) === LAYERS.indexOf(layer))).toBe(true);
  });
  it('no folder imports a folder that imports it back', () => {
    const folder = (p: string) => (p.includes('/') ? p.split('/')[0]! : '.');
    const edges = new Set(
      graph.flatMap((n) =>
        n.deps
          .filter((d) => folder(d) !== folder(n.file))
          .map((d) => `${folder(n.file)}>${folder(d)}`),
      ),
    );
    const cycles = [...edges].filter((e) => {
      const [a, b] = e.split('>');
      return a !== '.' && b !== '.' && edges.has(`${b}>${a}`);
    });
    expect(cycles).toEqual([]);
  });
});
