import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNativePackage, packageName, packageRootOf } from './bundle-native.js';

test('packageName from bare specifiers', () => {
  const cases: Array<[string, string | undefined]> = [
    ['lodash', 'lodash'], ['lodash/fp', 'lodash'], ['@scope/pkg', '@scope/pkg'], ['@scope/pkg/sub/x', '@scope/pkg'],
    ['./local', undefined], ['/abs', undefined], ['node:fs', undefined], ['@scope', undefined],
  ];
  for (const [spec, want] of cases) assert.equal(packageName(spec), want, spec);
});

test('packageRootOf finds the innermost node_modules/<name>', () => {
  assert.equal(packageRootOf('/a/node_modules/x/lib/i.js', 'x'), '/a/node_modules/x');
  assert.equal(packageRootOf('/a/node_modules/y/node_modules/x/i.js', 'x'), '/a/node_modules/y/node_modules/x');
  assert.equal(packageRootOf('/a/node_modules/@s/p/i.js', '@s/p'), '/a/node_modules/@s/p');
  assert.equal(packageRootOf('/a/src/i.js', 'x'), undefined);
});

test('isNativePackage: gypfile, binding.gyp, prebuilds, loader deps, a .node file; not plain JS', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'fn-native-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const pkg = async (name: string, json: object, files: Record<string, string> = {}) => {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name, ...json }));
    for (const [f, text] of Object.entries(files)) {
      await mkdir(join(dir, f, '..'), { recursive: true });
      await writeFile(join(dir, f), text);
    }
    return dir;
  };
  assert.equal(isNativePackage(await pkg('gyp', { gypfile: true })), true);
  assert.equal(isNativePackage(await pkg('binding', {}, { 'binding.gyp': '{}' })), true);
  assert.equal(isNativePackage(await pkg('prebuilt', {}, { 'prebuilds/linux-x64/x.node': '' })), true);
  assert.equal(isNativePackage(await pkg('loader', { dependencies: { 'node-gyp-build': '^4' } })), true);
  assert.equal(isNativePackage(await pkg('addon', {}, { 'build/Release/addon.node': '' })), true);
  assert.equal(isNativePackage(await pkg('plain', { dependencies: { lodash: '4' } }, { 'index.js': '' })), false);
  assert.equal(isNativePackage(join(root, 'missing')), false);
});
