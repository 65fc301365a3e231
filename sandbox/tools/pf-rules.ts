// The pf.conf(5) subset the sandbox's pfctl understands, and print_rule() of sbin/pfctl/pfctl_parser.c to show
// it back normalised as FreeBSD 14's pfctl does: macros, `set` options, scrub, nat/rdr (with `pass`), anchors
// (`anchor`, `nat-anchor`, `rdr-anchor`, `load anchor`), and plain pass/block rules. Anything else is a syntax
// error, reported as parse.y's yyerror() does: "FILE:LINE: syntax error".

export type SimAddr =
  | { kind: "any" }
  | { kind: "addr"; address: string; prefix: number; not?: boolean }
  | { kind: "dyn"; ifname: string; not?: boolean };

export interface SimPort {
  op: "=" | "!=" | "<" | "<=" | ">" | ">=" | ":" | "<>" | "><";
  a: number;
  b?: number;
}

export interface SimRule {
  action: "pass" | "block" | "scrub" | "nat" | "rdr";
  /** Set for anchor rules: the anchor's path as written. */
  anchor?: string;
  natpass?: boolean;
  blockReturn?: boolean;
  direction?: "in" | "out";
  log?: boolean;
  quick?: boolean;
  ifname?: string;
  ifnot?: boolean;
  af?: "inet" | "inet6";
  proto?: string;
  src: SimAddr;
  srcPort?: SimPort;
  dst: SimAddr;
  dstPort?: SimPort;
  flags?: string;
  keepState?: boolean;
  label?: string;
  redirect?: { addr: SimAddr; port?: [number, number]; pool?: string; staticPort?: boolean };
}

export interface SimRuleset {
  scrub: SimRule[];
  filter: SimRule[];
  nat: SimRule[];
  rdr: SimRule[];
}

export function emptyRuleset(): SimRuleset {
  return { scrub: [], filter: [], nat: [], rdr: [] };
}

export interface Parsed {
  ruleset: SimRuleset;
  /** What -v prints while parsing: macro definitions and `set` options, in file order. */
  verbose: string[];
  /** `load anchor NAME from FILE` statements. */
  loads: Array<{ anchor: string; file: string }>;
}

export class PfSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    reason = "syntax error",
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

// check_rulestate() in parse.y: each section may only follow the ones before it.
const SECTION = { option: 0, scrub: 1, translation: 2, filter: 3 } as const;
const ORDER = "Rules must be in order: options, ethernet, normalization, queueing, translation, filtering";

// /etc/services entries pfctl names ports by (getservbyport()); a subset of FreeBSD's file.
const SERVICES: Record<string, number> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, http: 80, pop3: 110, ntp: 123, imap: 143, https: 443,
  submission: 587, imaps: 993, pop3s: 995, mysql: 3306, postgresql: 5432, "http-alt": 8080,
}; // prettier-ignore
const UDP_SERVICES = new Set(["domain", "ntp"]);

function serviceName(port: number, proto: string): string | undefined {
  for (const [name, p] of Object.entries(SERVICES)) {
    if (p !== port) continue;
    if (proto === "udp" ? UDP_SERVICES.has(name) : name !== "ntp") return name;
  }
  return undefined;
}

type Token = { t: string; quoted?: boolean };

/** Splits one statement into tokens (parse.y's lexer: quoted strings, punctuation, `->`, words). */
function tokenize(text: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) return undefined;
      out.push({ t: text.slice(i + 1, end), quoted: true });
      i = end + 1;
    } else if (
      text.startsWith("->", i) ||
      text.startsWith("<>", i) ||
      text.startsWith("><", i) ||
      text.startsWith("!=", i) ||
      text.startsWith("<=", i) ||
      text.startsWith(">=", i)
    ) {
      // prettier-ignore
      out.push({ t: text.slice(i, i + 2) });
      i += 2;
    } else if ("{}(),!=<>".includes(c)) {
      out.push({ t: c });
      i++;
    } else {
      const m = /^[^\s{}(),!=<>"]+/.exec(text.slice(i))!;
      out.push({ t: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

const OCTETS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function isAddress(s: string): boolean {
  const m = OCTETS.exec(s);
  return m !== null && m.slice(1).every((p) => Number(p) <= 255);
}

/** The interfaces pf resolves a bare interface name to (its IPv4 addresses at load time). */
export type InterfaceAddresses = (name: string) => Array<{ address: string; prefix: number }> | undefined;

class RuleParser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly fail: () => never,
    private readonly ifaddrs: InterfaceAddresses,
  ) {}

  peek(): string | undefined {
    return this.tokens[this.i]?.t;
  }
  next(): Token {
    const t = this.tokens[this.i++];
    if (t === undefined) this.fail();
    return t;
  }
  accept(word: string): boolean {
    if (this.peek() === word && !this.tokens[this.i]!.quoted) {
      this.i++;
      return true;
    }
    return false;
  }
  expect(word: string): void {
    if (!this.accept(word)) this.fail();
  }
  done(): boolean {
    return this.i >= this.tokens.length;
  }

  /** A list `{ a b }` / `{ a, b }` or a single item, each read by `one`. */
  list<T>(one: () => T): T[] {
    if (!this.accept("{")) return [one()];
    const items: T[] = [];
    while (!this.accept("}")) {
      if (this.accept(",")) continue;
      items.push(one());
    }
    if (items.length === 0) this.fail();
    return items;
  }

  host(): SimAddr[] {
    const not = this.accept("!");
    if (this.accept("(")) {
      const ifname = this.next().t;
      this.expect(")");
      return [{ kind: "dyn", ifname, not }];
    }
    const word = this.next().t;
    if (word === "any") return [{ kind: "any" }];
    const m = /^([^/]+)(?:\/(\d{1,2}))?$/.exec(word);
    if (m !== null && isAddress(m[1]!)) {
      const prefix = m[2] === undefined ? 32 : Number(m[2]);
      if (prefix > 32) this.fail();
      return [{ kind: "addr", address: m[1]!, prefix, not }];
    }
    const addrs = this.ifaddrs(word);
    if (addrs === undefined || addrs.length === 0) this.fail();
    return addrs.map((a) => ({ kind: "addr", address: a.address, prefix: 32, not }));
  }

  hosts(): SimAddr[] {
    if (this.peek() === "{") return this.list(() => this.host()).flat();
    return this.host();
  }

  portNumber(word: string, proto: string | undefined): number {
    if (/^\d+$/.test(word) && Number(word) <= 65535) return Number(word);
    const p = SERVICES[word];
    if (p === undefined || (proto === "udp" && !UDP_SERVICES.has(word))) this.fail();
    return p;
  }

  port(proto: string | undefined): SimPort {
    const ops = ["=", "!=", "<", "<=", ">", ">="];
    const op = this.peek();
    if (op !== undefined && ops.includes(op)) {
      this.next();
      return { op: op as SimPort["op"], a: this.portNumber(this.next().t, proto) };
    }
    const word = this.next().t;
    const range = /^(\w+):(\w+)$/.exec(word);
    if (range !== null) return { op: ":", a: this.portNumber(range[1]!, proto), b: this.portNumber(range[2]!, proto) };
    const a = this.portNumber(word, proto);
    const between = this.peek();
    if (between === "<>" || between === "><") {
      this.next();
      return { op: between, a, b: this.portNumber(this.next().t, proto) };
    }
    return { op: "=", a };
  }
}

/** Parses a ruleset file's text. `name` is what errors call the file ("stdin" for -f -). */
export function parseRuleset(text: string, name: string, ifaddrs: InterfaceAddresses): Parsed {
  const macros = new Map<string, string>();
  const parsed: Parsed = { ruleset: emptyRuleset(), verbose: [], loads: [] };
  const lines = text.split("\n");
  let reached: number = SECTION.option;
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    let stmt = lines[n]!;
    while (stmt.endsWith("\\") && n + 1 < lines.length) stmt = stmt.slice(0, -1) + " " + lines[++n];
    stmt = stripComment(stmt).trim();
    if (stmt === "") continue;
    const fail = (): never => {
      throw new PfSyntaxError(name, lineNo);
    };
    const macro = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(stmt);
    if (macro !== null) {
      const value = macro[2]!.trim();
      const v = value.startsWith('"') ? value.replace(/^"([^"]*)"$/, "$1") : value;
      if (v === value && value.startsWith('"')) fail();
      macros.set(macro[1]!, expand(v, macros, fail));
      parsed.verbose.push(`${macro[1]} = "${macros.get(macro[1]!)}"`);
      continue;
    }
    const tokens = tokenize(expand(stmt, macros, fail));
    if (tokens === undefined || tokens.length === 0) fail();
    const p = new RuleParser(tokens!, fail, ifaddrs);
    const section = parseStatement(p, parsed, stmt, fail);
    if (section < reached) throw new PfSyntaxError(name, lineNo, ORDER);
    reached = section;
  }
  return parsed;
}

function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === "#" && !quoted) return line.slice(0, i);
  }
  return line;
}

/** `$name` outside quotes becomes the macro's value; an undefined macro is an error. */
function expand(text: string, macros: Map<string, string>, fail: () => never): string {
  let out = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    if (c === "$" && !quoted) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
      if (m === null || !macros.has(m[0])) fail();
      out += macros.get(m![0]);
      i += m![0].length;
      continue;
    }
    out += c;
  }
  return out;
}

/** Parses one statement into `parsed`; returns the pf.conf section it belongs to. */
function parseStatement(p: RuleParser, parsed: Parsed, stmt: string, fail: () => never): number {
  const first = p.next().t;
  if (first === "set") {
    parsed.verbose.push(stmt.replace(/\s+/g, " "));
    return SECTION.option;
  }
  if (first === "load") {
    p.expect("anchor");
    const anchor = p.next().t;
    p.expect("from");
    const file = p.next().t;
    parsed.loads.push({ anchor, file });
    return SECTION.filter;
  }
  const rule: SimRule = { action: "pass", src: { kind: "any" }, dst: { kind: "any" } };
  let list: keyof SimRuleset;
  switch (first) {
    case "scrub":
      rule.action = "scrub";
      list = "scrub";
      break;
    case "pass":
      list = "filter";
      break;
    case "block":
      rule.action = "block";
      if (p.accept("return")) rule.blockReturn = true;
      else p.accept("drop");
      list = "filter";
      break;
    case "nat":
    case "rdr":
      rule.action = first;
      rule.natpass = p.accept("pass");
      list = first;
      break;
    case "anchor":
    case "nat-anchor":
    case "rdr-anchor": {
      const name = p.next();
      if (!name.quoted && !/^[A-Za-z0-9_/*.-]+$/.test(name.t)) fail();
      rule.anchor = name.t;
      rule.action = first === "nat-anchor" ? "nat" : first === "rdr-anchor" ? "rdr" : "pass";
      list = first === "nat-anchor" ? "nat" : first === "rdr-anchor" ? "rdr" : "filter";
      break;
    }
    default:
      fail();
  }
  if (p.accept("in")) rule.direction = "in";
  else if (p.accept("out")) rule.direction = "out";
  if (p.accept("log")) rule.log = true;
  if (p.accept("quick")) rule.quick = true;
  let ifnames: string[] = [""];
  if (p.accept("on")) {
    rule.ifnot = p.accept("!");
    ifnames = p.list(() => p.next().t);
  }
  if (p.accept("inet")) rule.af = "inet";
  else if (p.accept("inet6")) rule.af = "inet6";
  let protos: Array<string | undefined> = [undefined];
  if (p.accept("proto")) protos = p.list(() => p.next().t);
  for (const proto of protos) if (proto !== undefined && !["tcp", "udp", "icmp"].includes(proto)) fail();

  let srcs: SimAddr[] = [{ kind: "any" }];
  let dsts: SimAddr[] = [{ kind: "any" }];
  if (!p.accept("all")) {
    // A side with only a port (`to port 22`) means any address.
    if (p.accept("from")) {
      if (p.peek() !== "port") srcs = p.hosts();
      if (p.accept("port")) rule.srcPort = p.port(protos[0]);
    }
    if (p.accept("to")) {
      if (p.peek() !== "port") dsts = p.hosts();
      if (p.accept("port")) rule.dstPort = p.port(protos[0]);
    }
  }
  while (!p.done() && p.peek() !== "->") {
    const w = p.next().t;
    if (w === "flags") {
      const f = p.next().t;
      rule.flags = f === "any" ? "any" : f;
    } else if (w === "keep" || w === "modulate") {
      p.expect("state");
      rule.keepState = true;
    } else if (w === "no") {
      p.expect("state");
      rule.keepState = false;
    } else if (w === "label") {
      rule.label = p.next().t;
    } else if (w === "fragment" && rule.action === "scrub") {
      p.expect("reassemble");
    } else fail();
  }
  if (p.accept("->")) {
    if (rule.action !== "nat" && rule.action !== "rdr") fail();
    const addr = p.host();
    if (addr.length !== 1) fail();
    rule.redirect = { addr: addr[0]! };
    if (p.accept("port")) {
      const m = /^(\d+)(?::(\d+|\*))?$/.exec(p.next().t);
      if (m === null) fail();
      const a = Number(m![1]);
      rule.redirect.port = [a, m![2] === undefined ? a : m![2] === "*" ? 0 : Number(m![2])];
    }
    while (!p.done()) {
      const w = p.next().t;
      if (w === "static-port") rule.redirect.staticPort = true;
      else if (["round-robin", "random", "bitmask", "source-hash"].includes(w)) rule.redirect.pool = w;
      else fail();
    }
  } else if ((rule.action === "nat" || rule.action === "rdr") && rule.anchor === undefined) {
    fail();
  }
  if (!p.done()) fail();

  // parse.y: pass rules keep state by default, with flags S/SA for TCP (or any protocol); the address family
  // comes from the addresses when not given.
  for (const ifname of ifnames) {
    for (const proto of protos) {
      for (const src of srcs) {
        for (const dst of dsts) {
          const r: SimRule = structuredClone({ ...rule, src, dst });
          if (ifname !== "") r.ifname = ifname;
          if (proto !== undefined) r.proto = proto;
          r.af ??= afOf(r);
          if (r.action === "pass" && r.anchor === undefined) {
            r.keepState ??= true;
            if (r.keepState && r.flags === undefined && (proto === undefined || proto === "tcp")) r.flags = "S/SA";
          }
          if (r.action === "nat" && r.anchor === undefined && r.redirect?.addr.kind === "dyn") {
            r.redirect.pool ??= "round-robin";
          }
          parsed.ruleset[list].push(r);
        }
      }
    }
  }
  return list === "scrub" ? SECTION.scrub : list === "filter" ? SECTION.filter : SECTION.translation;
}

function afOf(r: SimRule): "inet" | undefined {
  const addrs = [r.src, r.dst, r.redirect?.addr].filter((a): a is SimAddr => a !== undefined);
  return addrs.some((a) => a.kind === "addr") ? "inet" : undefined;
}

function printAddr(a: SimAddr): string {
  const not = a.kind !== "any" && a.not ? "! " : "";
  switch (a.kind) {
    case "any":
      return "any";
    case "dyn":
      return `${not}(${a.ifname})`;
    case "addr":
      return `${not}${a.address}${a.prefix === 32 ? "" : `/${a.prefix}`}`;
  }
}

function printPort(port: SimPort, proto: string | undefined, numeric: boolean): string {
  const name = (n: number) => (numeric ? undefined : serviceName(n, proto === "udp" ? "udp" : "tcp"));
  if (port.op === ":") return ` port ${port.a}:${port.b}`;
  if (port.op === "<>" || port.op === "><") return ` port ${port.a} ${port.op} ${port.b}`;
  const shown = port.op === "=" || port.op === "!=" ? (name(port.a) ?? String(port.a)) : String(port.a);
  return ` port ${port.op} ${shown}`;
}

/** print_rule(): one rule as pfctl shows it. `numeric` is -P (ports as numbers). */
export function printRule(r: SimRule, numeric = false): string {
  let s: string;
  if (r.anchor !== undefined) {
    const type = r.action === "nat" ? "nat-anchor" : r.action === "rdr" ? "rdr-anchor" : "anchor";
    s = `${type} "${r.anchor}"`;
  } else {
    s = r.action;
    if (r.natpass) s += " pass";
    if (r.action === "block") s += r.blockReturn ? " return" : " drop";
  }
  if (r.direction !== undefined) s += ` ${r.direction}`;
  if (r.log) s += " log";
  if (r.quick) s += " quick";
  if (r.ifname !== undefined) s += r.ifnot ? ` on ! ${r.ifname}` : ` on ${r.ifname}`;
  if (r.af !== undefined) s += ` ${r.af}`;
  if (r.proto !== undefined) s += ` proto ${r.proto}`;
  if (r.src.kind === "any" && r.dst.kind === "any" && r.srcPort === undefined && r.dstPort === undefined) {
    s += " all";
  } else {
    s += ` from ${printAddr(r.src)}`;
    if (r.srcPort !== undefined) s += printPort(r.srcPort, r.proto, numeric);
    s += ` to ${printAddr(r.dst)}`;
    if (r.dstPort !== undefined) s += printPort(r.dstPort, r.proto, numeric);
  }
  if (r.flags !== undefined) s += ` flags ${r.flags}`;
  if (r.anchor === undefined) {
    if (r.action === "pass" && r.keepState === false) s += " no state";
    else if (r.keepState) s += " keep state";
  }
  if (r.action === "scrub") s += " fragment reassemble";
  if (r.label !== undefined) s += ` label "${r.label}"`;
  if (r.anchor === undefined && r.redirect !== undefined) {
    s += ` -> ${printAddr(r.redirect.addr)}`;
    const port = r.redirect.port;
    // print_pool(): rdr prints its port; nat only a port range other than the proxy default 50001:65535.
    if (port !== undefined && port[0] !== 0) {
      if (r.action === "rdr") s += ` port ${port[0]}${port[1] !== port[0] && port[1] !== 0 ? `:${port[1]}` : ""}`;
      else s += port[0] === port[1] ? ` port ${port[0]}` : ` port ${port[0]}:${port[1]}`;
    }
    if (r.redirect.pool !== undefined) s += ` ${r.redirect.pool}`;
    if (r.action === "nat" && r.redirect.staticPort) s += " static-port";
  }
  return s;
}
