// Numbers as zfs prints and reads them: zfs_nicenum_format (lib/libzutil/zutil_nicenum.c), zfs_nicestrtonum and
// str2shift (lib/libzfs/libzfs_util.c), and the creation date format of zfs_prop_get (libzfs_dataset.c).

/** printf("%.*f") of the exact value n/d: round half to even, as FreeBSD's and glibc's printf do. */
function fixed(n: bigint, d: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  let q = (n * scale) / d;
  const r = (n * scale) % d;
  if (2n * r > d || (2n * r === d && q % 2n === 1n)) q += 1n;
  const s = q.toString().padStart(digits + 1, "0");
  return digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

function niceFormat(num: number | bigint, units: readonly string[]): string {
  const n = BigInt(num);
  let index = 0;
  let m = n;
  while (m >= 1024n && index < 6) {
    m /= 1024n;
    index++;
  }
  const u = units[index]!;
  const base = 1024n ** BigInt(index);
  if (index === 0 || n % base === 0n) return `${m}${u}`;
  // Try two, one, then no decimals: the first that fits in five characters.
  let out = "";
  for (let i = 2; i >= 0; i--) {
    out = `${fixed(n, base, i)}${u}`;
    if (out.length <= 5) break;
  }
  return out;
}

/** zfs_nicenum: 1024-based, no unit below 1K ("512", "96K", "1.50M"). */
export function nicenum(num: number | bigint): string {
  return niceFormat(num, ["", "K", "M", "G", "T", "P", "E"]);
}

/** zfs_nicebytes: as nicenum, but bytes below 1K carry a B ("0B", "512B"). */
export function nicebytes(num: number | bigint): string {
  return niceFormat(num, ["B", "K", "M", "G", "T", "P", "E"]);
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** strftime "%a %b %e %k:%M %Y" (creation), with seconds for snapshots_changed; the sandbox host runs in UTC. */
export function zfsDate(epoch: number, seconds = false): string {
  const d = new Date(epoch * 1000);
  const pad2 = (n: number) => String(n).padStart(2, "0");
  const sp2 = (n: number) => String(n).padStart(2, " ");
  const time = `${sp2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}${seconds ? `:${pad2(d.getUTCSeconds())}` : ""}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${sp2(d.getUTCDate())} ${time} ${d.getUTCFullYear()}`;
}

export type Parsed = { ok: true; value: bigint } | { ok: false; why: string };

const UINT64_MAX = 2n ** 64n - 1n;

/** str2shift: B K M G T P E Z, optionally followed by B or iB ("G", "GB", "GiB"), any case; "BB" is refused. */
function str2shift(buf: string): number | undefined {
  if (buf === "") return 0;
  const i = "BKMGTPEZ".indexOf(buf[0]!.toUpperCase());
  if (i < 0) return undefined;
  const rest = buf.slice(1).toUpperCase();
  if (rest === "" || (buf[0]!.toUpperCase() !== "B" && (rest === "B" || rest === "IB"))) return 10 * i;
  return undefined;
}

/** zfs_nicestrtonum: "100G", "1.5T", "4096" to bytes, with libzfs's error descriptions. */
export function nicestrtonum(value: string): Parsed {
  const c = value[0];
  if (c === undefined || ((c < "0" || c > "9") && c !== ".")) return { ok: false, why: `bad numeric value '${value}'` };
  const digits = /^[0-9]*/.exec(value)![0];
  const int = digits === "" ? 0n : BigInt(digits);
  if (int > UINT64_MAX) return { ok: false, why: "numeric value is too large" };
  let end = value.slice(digits.length);
  if (end.startsWith(".")) {
    const f = /^[0-9]*\.?[0-9]*(?:[eE][+-]?[0-9]+)?/.exec(value)![0];
    end = value.slice(f.length);
    const shift = str2shift(end);
    if (shift === undefined) return { ok: false, why: `invalid numeric suffix '${end}'` };
    const fval = Number(f) * 2 ** shift;
    if (!(fval < 2 ** 64)) return { ok: false, why: "numeric value is too large" };
    return { ok: true, value: BigInt(Math.trunc(fval)) };
  }
  const shift = str2shift(end);
  if (shift === undefined) return { ok: false, why: `invalid numeric suffix '${end}'` };
  if (shift >= 64 || int << BigInt(shift) > UINT64_MAX) return { ok: false, why: "numeric value is too large" };
  return { ok: true, value: int << BigInt(shift) };
}
