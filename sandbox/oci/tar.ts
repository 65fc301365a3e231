// A small deterministic ustar writer (POSIX.1-1988 tar, pax(1) "ustar" format): the sandbox builds its OCI layers
// and archives with it, so the same files always give the same digests and tests can pin them.

export type TarEntry =
  | { type: "dir"; path: string; mode?: number }
  | { type: "file"; path: string; mode?: number; content: Buffer | string }
  | { type: "symlink"; path: string; target: string };

const BLOCK = 512;
/** A fixed time for every entry: layers must not depend on when they were built. */
const MTIME = 1749513600; // 2025-06-10, FreeBSD 14.3-RELEASE

function field(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length) throw new Error(`tar: "${value}" does not fit in ${length} bytes`);
  bytes.copy(header, offset);
}

function octal(header: Buffer, offset: number, length: number, value: number): void {
  field(header, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

/** Splits a long name into ustar's prefix (155 bytes) and name (100 bytes) at a slash. */
function splitName(name: string): [prefix: string, name: string] {
  if (Buffer.byteLength(name) <= 100) return ["", name];
  const cut = name.lastIndexOf("/", name.length - 2);
  if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100 || Buffer.byteLength(name.slice(0, cut)) > 155) {
    throw new Error(`tar: path too long for ustar: ${name}`);
  }
  return [name.slice(0, cut), name.slice(cut + 1)];
}

function header(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const name = entry.type === "dir" && !entry.path.endsWith("/") ? `${entry.path}/` : entry.path;
  const [prefix, short] = splitName(name);
  const mode = entry.type === "symlink" ? 0o777 : (entry.mode ?? (entry.type === "dir" ? 0o755 : 0o644));
  field(h, 0, 100, short);
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0); // uid root
  octal(h, 116, 8, 0); // gid wheel
  octal(h, 124, 12, size);
  octal(h, 136, 12, MTIME);
  field(h, 148, 8, "        "); // checksum is computed with its own field as spaces
  field(h, 156, 1, entry.type === "dir" ? "5" : entry.type === "symlink" ? "2" : "0");
  if (entry.type === "symlink") field(h, 157, 100, entry.target);
  field(h, 257, 6, "ustar\0");
  field(h, 263, 2, "00");
  field(h, 265, 32, "root");
  field(h, 297, 32, "wheel");
  field(h, 345, 155, prefix);
  let sum = 0;
  for (const byte of h) sum += byte;
  field(h, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return h;
}

/** The archive of `entries`, in the order given (parents before children, as tar(1) writes them). */
export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.type === "file" ? Buffer.from(entry.content) : Buffer.alloc(0);
    parts.push(header(entry, content.length), content);
    const pad = (BLOCK - (content.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2)); // end of archive: two zero blocks
  return Buffer.concat(parts);
}
