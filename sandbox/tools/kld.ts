// Kernel linker state of a simulated host: which .ko files are loaded and the modules they hold, as
// kldstat(8) shows them and kldload(8) changes them. A fresh host is a GENERIC 14.2 kernel with ZFS loaded
// at boot. Sizes, addresses and reference counts are plausible values, not copied from a real host
// (UNCONFIRMED); the kernel's rules are followed: every loaded file references the kernel, a file loaded
// for another one's dependency is referenced by it, and ids only grow.
import type { HostState } from "../state";

export interface KldModule {
  id: number;
  name: string;
}

export interface KldFile {
  id: number;
  name: string;
  refs: number;
  /** Load address, as hex digits without 0x. */
  address: string;
  size: number;
  path: string;
  modules: KldModule[];
}

export interface KldState {
  files: KldFile[];
  nextModuleId: number;
}

interface Loadable {
  size: number;
  modules: string[];
  /** Files this one needs loaded first (MODULE_DEPEND), by file name. */
  deps?: string[];
}

/** The .ko files in /boot/kernel that the simulator knows, with the modules each holds. */
export const CATALOGUE: Record<string, Loadable> = {
  "zfs.ko": { size: 0x5da628, modules: ["zfsctrl", "zfs"] },
  "cryptodev.ko": { size: 0x7808, modules: ["cryptodev"] },
  "vmm.ko": { size: 0x3a07a8, modules: ["vmm"] },
  "if_bridge.ko": { size: 0xa548, modules: ["if_bridge"], deps: ["bridgestp.ko"] },
  "bridgestp.ko": { size: 0x8f78, modules: ["bridgestp"] },
  "pf.ko": { size: 0x95f20, modules: ["pf"] },
  "pflog.ko": { size: 0x3218, modules: ["pflog"], deps: ["pf.ko"] },
  "pfsync.ko": { size: 0x1b0f8, modules: ["pfsync"], deps: ["pf.ko"] },
  "if_epair.ko": { size: 0x5b28, modules: ["if_epair"] },
  "nullfs.ko": { size: 0x7c30, modules: ["nullfs"] },
  "fdescfs.ko": { size: 0x5a58, modules: ["fdescfs"] },
  // These modules are compiled into GENERIC, so loading their files fails with EEXIST.
  "if_vlan.ko": { size: 0x8a40, modules: ["if_vlan"] },
  "if_tuntap.ko": { size: 0x9e68, modules: ["if_tuntap"] },
};

/** Modules of the GENERIC kernel file that tools ask about (a real kernel holds hundreds). */
const KERNEL_MODULES = ["if_lo", "if_vlan", "if_tuntap", "if_gif", "if_lagg", "tmpfs", "acl_nfs4", "crypto"];

const KERNEL_BASE = 0xffffffff80200000n;
/** Where files loaded after boot start (they come from the kernel map, above the preloaded ones). */
const RUNTIME_BASE = 0xffffffff83a10000n;

export function initialKld(): KldState {
  const kernel: KldFile = {
    id: 1,
    name: "kernel",
    refs: 7,
    address: KERNEL_BASE.toString(16),
    size: 0x1f3c2d8,
    path: "/boot/kernel/kernel",
    modules: KERNEL_MODULES.map((name, i) => ({ id: i + 1, name })),
  };
  const state: KldState = { files: [kernel], nextModuleId: 468 };
  // Preloaded by the loader (zfs_load="YES"), packed after the kernel.
  for (const name of ["zfs.ko", "cryptodev.ko"]) addFile(state, name, { preloaded: true });
  return state;
}

export function kldState(state: HostState): KldState {
  return (state.kld as KldState | undefined) ?? initialKld();
}

export function findFileByName(k: KldState, name: string): KldFile | undefined {
  const base = name.slice(name.lastIndexOf("/") + 1);
  // linker_find_file_by_name() matches "NAME" and "NAME.ko".
  return k.files.find((f) => f.name === base || f.name === `${base}.ko`);
}

export function findModule(k: KldState, name: string): { file: KldFile; module: KldModule } | undefined {
  for (const file of k.files) {
    const module = file.modules.find((m) => m.name === name);
    if (module !== undefined) return { file, module };
  }
  return undefined;
}

export type LoadResult = { ok: true; id: number } | { ok: false; errno: "EEXIST" | "ENOENT" };

/**
 * kldload(2): "NAME" names a module (its file is found through linker.hints), "NAME.ko" or a path names a
 * file. Loads the file's dependencies after it, as linker_load_dependencies() does.
 */
export function kldload(k: KldState, request: string): LoadResult {
  const isFile = request.includes("/") || request.includes(".");
  let file: string | undefined;
  if (isFile) {
    const base = request.slice(request.lastIndexOf("/") + 1);
    if (request.includes("/") && !/^\/boot\/(kernel|modules)\/[^/]+$/.test(request))
      return { ok: false, errno: "ENOENT" };
    if (findFileByName(k, base) !== undefined) return { ok: false, errno: "EEXIST" };
    file = CATALOGUE[base] === undefined ? undefined : base;
  } else {
    if (findModule(k, request) !== undefined) return { ok: false, errno: "EEXIST" };
    file = Object.keys(CATALOGUE).find((f) => CATALOGUE[f]!.modules.includes(request));
  }
  if (file === undefined) return { ok: false, errno: "ENOENT" };
  if (CATALOGUE[file]!.modules.some((m) => findModule(k, m) !== undefined)) return { ok: false, errno: "EEXIST" };
  const loaded = addFile(k, file, { preloaded: false });
  for (const dep of CATALOGUE[file]!.deps ?? []) {
    const have = findFileByName(k, dep);
    if (have !== undefined) have.refs += 1;
    else addFile(k, dep, { preloaded: false });
  }
  return { ok: true, id: loaded.id };
}

function addFile(k: KldState, name: string, opts: { preloaded: boolean }): KldFile {
  const entry = CATALOGUE[name]!;
  const last = k.files.at(-1)!;
  const lastEnd = BigInt(`0x${last.address}`) + BigInt(last.size);
  const runtime = !opts.preloaded && BigInt(`0x${last.address}`) < RUNTIME_BASE;
  const start = runtime ? RUNTIME_BASE : (lastEnd + 0xfffn) & ~0xfffn;
  const file: KldFile = {
    id: Math.max(...k.files.map((f) => f.id)) + 1,
    name,
    refs: 1,
    address: start.toString(16),
    size: entry.size,
    path: `/boot/kernel/${name}`,
    modules: entry.modules.map((m) => ({ id: k.nextModuleId++, name: m })),
  };
  k.files.push(file);
  k.files[0]!.refs += 1;
  return file;
}
