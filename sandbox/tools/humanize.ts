// humanize_number(3) with HN_AUTOSCALE (lib/libutil/humanize_number.c): divide by 1024 until the number fits
// the buffer, round with (remainder + 50) / 1000, and with HN_DECIMAL show one decimal below 10.

export interface HumanizeFlags {
  /** HN_DECIMAL */
  decimal?: boolean;
  /** HN_NOSPACE */
  noSpace?: boolean;
  /** HN_IEC_PREFIXES: Ki, Mi, Gi… instead of k, M, G… */
  iec?: boolean;
}

/** `len` is the C buffer size, terminating NUL included, exactly as the caller passes it. */
export function humanize(n: number, len: number, suffix: string, flags: HumanizeFlags = {}): string {
  const prefixes = flags.iec ? ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"] : ["", "k", "M", "G", "T", "P", "E"];
  let baselen = (flags.iec ? 2 : 1) + 1 + (flags.noSpace ? 0 : 1) + suffix.length;
  const sep = flags.noSpace ? "" : " ";
  let quotient = Math.trunc(Math.abs(n));
  if (n < 0) baselen += 1;
  let max = 1;
  for (let i = len - baselen; i > 0; i--) max *= 10;
  let remainder = 0;
  let scale = 0;
  while ((quotient >= max || (quotient === max - 1 && remainder >= 950)) && scale < 7) {
    remainder = quotient % 1024;
    quotient = Math.trunc(quotient / 1024);
    scale++;
  }
  const sign = n < 0 ? "-" : "";
  if (quotient <= 9 && remainder < 950 && scale > 0 && flags.decimal) {
    const s1 = quotient + Math.trunc((remainder + 50) / 1000);
    const s2 = Math.trunc((remainder + 50) / 100) % 10;
    return `${sign}${s1}.${s2}${sep}${prefixes[scale]}${suffix}`;
  }
  return `${sign}${quotient + Math.trunc((remainder + 50) / 1000)}${sep}${prefixes[scale]}${suffix}`;
}
