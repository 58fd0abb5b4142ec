import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { collectFiles } from './files.js';

let dir: string;
const files: Record<string, string> = {
  'index.ts': 'export default () => 1',
  'fn.yaml': 'name: x',
  'templates/a.html': '<a>',
  'templates/sub/b.html': '<b>',
  '.env': 'SECRET=1',
  '.env.production': 'SECRET=2',
  'templates/.env': 'SECRET=3',
  'certs/server.key': 'KEY',
  '.npmrc': '//registry.npmjs.org/:_authToken=x',
  'node_modules/dep/index.js': 'x',
  '.git/HEAD': 'ref',
  'scratch/tmp.txt': 't',
  'bin/tool.sh': '#!/bin/sh',
  '.fnignore': '# local notes\nscratch/\n*.log\n',
  'debug.log': 'log',
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fnkit-files-'));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  await chmod(join(dir, 'bin/tool.sh'), 0o775);
  await chmod(join(dir, 'templates/a.html'), 0o600);
});
after(() => rm(dir, { recursive: true, force: true }));

test('include globs pick files, never secrets, with fixed modes', async () => {
  const got = await collectFiles(dir, { include: ['templates/**', 'bin/*'] });
  assert.deepEqual(got.map((f) => [f.rel, f.mode.toString(8)]), [
    ['bin/tool.sh', '755'],
    ['templates/a.html', '644'],
    ['templates/sub/b.html', '644'],
  ]);
});

test('a secret listed by exact name is included', async () => {
  const got = await collectFiles(dir, { include: ['.env.production'] });
  assert.deepEqual(got.map((f) => f.rel), ['.env.production']);
});

test('all files (Lambda task root): no node_modules, .git, secrets, .fnignore matches', async () => {
  const got = await collectFiles(dir, { all: true, exclude: ['fn.yaml'] });
  assert.deepEqual(got.map((f) => f.rel), ['bin/tool.sh', 'index.ts', 'templates/a.html', 'templates/sub/b.html']);
});

test('no include: nothing', async () => {
  assert.deepEqual(await collectFiles(dir, {}), []);
});

for (const bad of ['../outside.txt', '/etc/passwd', 'a/../../b']) {
  test(`include outside the folder is refused: ${bad}`, async () => {
    await assert.rejects(collectFiles(dir, { include: [bad] }), { code: 'FN_ERR_BUILD_INCLUDE', message: /outside the function folder/ });
  });
}

test('an exact include name that does not exist is an error naming it', async () => {
  await assert.rejects(collectFiles(dir, { include: ['templates/missing.html'] }), { code: 'FN_ERR_BUILD_INCLUDE', message: /"templates\/missing.html", which is not a file/ });
});
