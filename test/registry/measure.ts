// Figures for docs/registry.md: pulling and pushing the ~40 MB test base image against a real
// loopback registry, cold and warm. Run: node --import tsx test/registry/measure.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../src/registry/client.js';
import { StaticCredentialStore } from '../../src/registry/credentials.js';
import { isIndexMediaType } from '../../src/registry/media-types.js';
import { parseReference, type ImageReference } from '../../src/registry/reference.js';
import { ensureTestBaseImage } from '../support/base-image.js';
import { startRegistry } from '../support/registry.js';
import { startProxy } from './proxy.js';

async function main() {
  const registry = await startRegistry();
  const proxy = await startProxy(registry.host);
  const cacheDir = await mkdtemp(join(tmpdir(), 'fnkit-measure-'));
  const rows: Array<[string, number, number, string]> = [];
  const time = async (label: string, fn: (c: RegistryClient) => Promise<string>, dir: string | false = cacheDir) => {
    const c = new RegistryClient({ cacheDir: dir, auth: new StaticCredentialStore({}) });
    const mark = proxy.seen.length;
    const t = process.hrtime.bigint();
    const note = await fn(c);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    c.close();
    rows.push([label, ms, proxy.seen.length - mark, note]);
  };
  try {
    let t = Date.now();
    const pushed = await ensureTestBaseImage(registry.host);
    rows.push(['ensureTestBaseImage (layer cached on disk, push to an empty registry)', Date.now() - t, 0, pushed.reference]);
    const base = parseReference(pushed.reference.replace(registry.host, proxy.host));
    const pull = async (c: RegistryClient, ref: ImageReference) => {
      const m = await c.getManifest(ref);
      const manifests = isIndexMediaType(m.mediaType) ? [] : [m];
      let bytes = 0;
      for (const x of manifests) for (const d of [x.json.config, ...x.json.layers]) bytes += (await c.getBlob(ref, d.digest)).length;
      return `${(bytes / 1e6).toFixed(1)} MB`;
    };
    await time('pull base, cold cache (manifest, config, layer)', (c) => pull(c, base));
    await time('pull base, warm cache (by tag)', (c) => pull(c, base));
    const digest = (await new RegistryClient({ cacheDir, auth: new StaticCredentialStore({}) }).getManifest(base)).digest;
    await time('pull base, warm cache (pinned by digest)', (c) => pull(c, { ...base, tag: undefined, digest }));
    const layer = (await new RegistryClient({ cacheDir, auth: new StaticCredentialStore({}) }).getManifest(base)).json.layers[0];
    const data = await new RegistryClient({ cacheDir, auth: new StaticCredentialStore({}) }).getBlob(base, layer.digest);
    const target = parseReference(`${proxy.host}/measure/fn:1`);
    await time('push the 40 MB layer to a new repository', async (c) => `uploaded=${(await c.pushBlob(target, layer.digest, data.length, data)).uploaded}`, false);
    await time('push it again (HEAD, skipped)', async (c) => `uploaded=${(await c.pushBlob(target, layer.digest, data.length, data)).uploaded}`, false);
    await time('push it to a third repository with mountFrom', async (c) => JSON.stringify(await c.pushBlob(parseReference(`${proxy.host}/measure/other:1`), layer.digest, data.length, data, { mountFrom: base })), false);
    t = Date.now();
    console.log('| step | ms | requests | result |\n|---|---:|---:|---|');
    for (const [label, ms, n, note] of rows) console.log(`| ${label} | ${ms.toFixed(0)} | ${n} | ${note} |`);
  } finally {
    await proxy.close();
    await registry.stop();
    await rm(cacheDir, { recursive: true, force: true });
  }
}

await main();
