// Platforms as OCI writes them (image-spec image-index.md "platform"): os/architecture[/variant].
// `linux/arm64` matches an index entry `linux/arm64/v8`, as containerd's platform matcher does:
// v8 is the only arm64 variant, and registries write it or leave it out.
import { FnkitError } from '../errors.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];

/** Go's GOARCH names, which OCI uses; node's process.arch names are accepted as aliases. */
const ARCH_ALIASES: Record<string, string> = { x64: 'amd64', x86_64: 'amd64', aarch64: 'arm64', ia32: '386' };

export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_]+$/.test(p))) {
    throw new FnkitError('FN_ERR_PLATFORM', `"${text}" is not a platform: expected os/arch[/variant], like linux/amd64 or linux/arm64`, {
      data: { platform: text },
    });
  }
  const [os, arch, variant] = parts as [string, string, string?];
  return variant ? { os, architecture: ARCH_ALIASES[arch] ?? arch, variant } : { os, architecture: ARCH_ALIASES[arch] ?? arch };
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** Does an index entry's platform satisfy the wanted one? */
export function platformMatches(wanted: Platform, candidate: Platform | undefined): boolean {
  if (!candidate || candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  if (!wanted.variant) return true;
  if (candidate.variant === wanted.variant) return true;
  return wanted.architecture === 'arm64' && wanted.variant === 'v8' && candidate.variant === undefined;
}

/** The OCI architecture of this machine (node's process.arch, renamed). */
export function hostPlatform(arch: string = process.arch): Platform {
  return { os: 'linux', architecture: ARCH_ALIASES[arch] ?? arch };
}
