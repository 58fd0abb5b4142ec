// An in-memory BuiltImage for the publisher tests: a "base" layer and a function layer, one or
// two platforms, every blob readable from memory.
import { makeLayer } from '../build/layer.js';
import { makeConfig, makeIndex, makeManifest, rfc3339 } from '../build/image.js';
import type { BuiltImage, PlatformImage } from '../build/built-image.js';
import type { Platform } from '../build/platform.js';

export function fakeImage(platforms: Platform[] = [{ os: 'linux', architecture: 'amd64' }], text = 'x'): BuiltImage {
  const baseLayer = makeLayer([{ path: 'usr/local/bin/node', type: 'file', data: Buffer.from('ELF'), mode: 0o755 }], 0, 'base');
  const fn = makeLayer([{ path: 'app/main.mjs', type: 'file', data: Buffer.from(text) }], 0, 'function');
  const blobs = new Map<string, Buffer>([[baseLayer.digest, baseLayer.blob], [fn.digest, fn.blob]]);
  const images: PlatformImage[] = platforms.map((platform) => {
    const baseManifest = { layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: baseLayer.digest, size: baseLayer.size }] };
    const config = makeConfig({ architecture: platform.architecture, os: 'linux', rootfs: { diff_ids: [baseLayer.diffId] }, config: {} }, [fn], {
      entrypoint: ['node', '/app/main.mjs'], workingDir: '/app', user: '1000', env: {}, exposedPort: 8080, labels: {}, created: rfc3339(0),
    }, 'oci');
    blobs.set(config.digest, config.bytes);
    const manifest = makeManifest(baseManifest, config, [fn], 'oci', {});
    return { platform, manifest, config, layers: JSON.parse(manifest.bytes.toString()).layers };
  });
  const top = platforms.length > 1 ? makeIndex(images.map((i) => ({ manifest: i.manifest, platform: i.platform })), 'oci', {}) : images[0]!.manifest;
  return {
    top,
    images,
    builtHere: new Set([fn.digest, ...images.map((i) => i.config.digest)]),
    async readBlob(digest) {
      const b = blobs.get(digest);
      if (!b) throw new Error(`no blob ${digest}`);
      return b;
    },
  };
}
