// Which machine a native addon (.node file) was compiled for, read from its header, so an image
// for linux/arm64 never ships an x86-64 addon that would only fail when the container starts.
// ELF: System V gABI "ELF Header" (e_ident[EI_CLASS]=4, [EI_DATA]=5, e_machine at offset 18).
// Mach-O and PE are recognised only to say "built for macOS/Windows".

export interface BinaryTarget {
  os: 'linux' | 'darwin' | 'windows' | 'unknown';
  /** OCI architecture name (amd64, arm64...), or `machine 0x..` when unknown. */
  architecture: string;
}

/** e_machine values (gABI + processor supplements) mapped to OCI architecture names. */
const ELF_MACHINES: Record<number, string> = {
  0x03: '386',
  0x08: 'mips',
  0x14: 'ppc',
  0x15: 'ppc64',
  0x16: 's390x',
  0x28: 'arm',
  0x3e: 'amd64',
  0xb7: 'arm64',
  0xf3: 'riscv64',
  0x102: 'loong64',
};

export function readBinaryTarget(head: Buffer): BinaryTarget | undefined {
  if (head.length >= 20 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
    const littleEndian = head[5] !== 2;
    const machine = littleEndian ? head.readUInt16LE(18) : head.readUInt16BE(18);
    let arch = ELF_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`;
    if (arch === 'ppc64' && littleEndian) arch = 'ppc64le';
    return { os: 'linux', architecture: arch };
  }
  if (head.length >= 8) {
    const magic = head.readUInt32BE(0);
    // Mach-O 64-bit little endian (cf fa ed fe) or fat binaries (ca fe ba be)
    if (magic === 0xcffaedfe || magic === 0xcefaedfe || magic === 0xcafebabe) {
      const cpu = head.readUInt32LE(4);
      const arch = magic === 0xcafebabe ? 'universal' : cpu === 0x01000007 ? 'amd64' : cpu === 0x0100000c ? 'arm64' : 'unknown';
      return { os: 'darwin', architecture: arch };
    }
    if (head[0] === 0x4d && head[1] === 0x5a) return { os: 'windows', architecture: 'unknown' };
  }
  return undefined;
}

/** A human name for a target: "linux/arm64", "macOS (arm64)". */
export function describeTarget(t: BinaryTarget): string {
  if (t.os === 'darwin') return `macOS (${t.architecture})`;
  if (t.os === 'windows') return 'Windows';
  return `${t.os}/${t.architecture}`;
}

/** node's os/arch names in a path (prebuilds/linux-x64/, @img/sharp-linux-arm64/) -> OCI names. */
const NODE_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' };
const PLATFORM_IN_PATH = /(?:^|[/@_-])(linux|darwin|win32|freebsd|android|linuxmusl)[-_](x64|arm64|ia32|arm|ppc64|s390x|riscv64|loong64)(?=$|[/._-])/;

/**
 * The platform a path says a prebuilt addon is for, when the package ships one per platform
 * (prebuildify's prebuilds/<platform>-<arch>/, or one npm package per platform).
 */
export function platformInPath(path: string): { os: string; architecture: string } | undefined {
  const m = PLATFORM_IN_PATH.exec(path.replace(/\\/g, '/'));
  if (!m) return undefined;
  const os = m[1] === 'win32' ? 'windows' : m[1] === 'linuxmusl' ? 'linux' : m[1]!;
  return { os, architecture: NODE_ARCH[m[2]!]! };
}
