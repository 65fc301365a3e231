// A reader for jail.conf(5) that follows jail(8)'s own grammar, so a file reads here as it reads there:
// the lexer of usr.sbin/jail/jaillex.l, the grammar of usr.sbin/jail/jailparse.y and the parameter merging
// and variable substitution of load_config()/add_param() in usr.sbin/jail/config.c (freebsd-src).
// Uses: round-trip tests of the renderer, a hand-edited config seen as drift, and the sandbox's jail(8).

/** A string as the grammar builds it: text with the variables still to substitute at their positions. */
export interface ConfString {
  text: string;
  vars: Array<{ name: string; pos: number }>;
}

export interface ConfParamStatement {
  name: string;
  /** `$name = …`: a variable, used for substitution only. */
  isVar: boolean;
  /** `+=` rather than `=`. */
  append: boolean;
  values: ConfString[];
  line: number;
}

export interface ConfJailBlock {
  name: string;
  params: ConfParamStatement[];
}

export class JailConfError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "JailConfError";
  }
}

type TokenType = "STR" | "STR1" | "VAR" | "VAR1" | "PLEQ" | "," | ";" | "=" | "{" | "}" | "CHAR";
interface Token {
  type: TokenType;
  text: string;
  line: number;
}

/** text2lval(): backslash escapes as jaillex.l decodes them; with `toVar`, stop at an unescaped `$`. */
function text2lval(s: string, toVar: boolean): { value: string; varAt: number } {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\") {
      if (toVar && c === "$") return { value: out, varAt: i };
      out += c;
      continue;
    }
    const e = s[++i];
    if (e === undefined) break;
    if (e >= "0" && e <= "7") {
      let n = e.charCodeAt(0) - 48;
      for (let k = 0; k < 2 && i + 1 < s.length && s[i + 1]! >= "0" && s[i + 1]! <= "7"; k++) {
        n = n * 8 + (s.charCodeAt(++i) - 48);
      }
      out += String.fromCharCode(n & 0xff);
      continue;
    }
    switch (e) {
      case "a": out += "\x07"; break; // prettier-ignore
      case "b": out += "\b"; break; // prettier-ignore
      case "f": out += "\f"; break; // prettier-ignore
      case "n": out += "\n"; break; // prettier-ignore
      case "r": out += "\r"; break; // prettier-ignore
      case "t": out += "\t"; break; // prettier-ignore
      case "v": out += "\v"; break; // prettier-ignore
      case "\n":
        break; // a backslash-newline continues the line
      case "x": {
        let n = 0;
        let digits = 0;
        while (digits < 2 && i + 1 < s.length && /[0-9A-Fa-f]/.test(s[i + 1]!)) {
          n = n * 16 + Number.parseInt(s[++i]!, 16);
          digits++;
        }
        out += String.fromCharCode(n);
        break;
      }
      default:
        out += e;
    }
  }
  return { value: out, varAt: -1 };
}

// The lexer's rules, in the order jaillex.l lists them: flex takes the longest match, then the first rule.
// Flex's `.` is any byte but newline, written [^\n] here (JavaScript's `.` also stops at \r); where one
// alternative can start like another, the longer one comes first, as JavaScript takes the first that fits.
const ESC = String.raw`\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|[^])`;
const ATOM = [/[A-Za-z0-9_!%&()\-.:<>?@[\]^`|~]+/y, new RegExp(ESC, "y"), /[$*+/\\]/y];
type Rule = { re: RegExp; act: string };
const RULES_INITIAL: Rule[] = [
  { re: /[ \t\r\n]+/y, act: "skip" },
  { re: /#[^\n]*/y, act: "skip" },
  { re: /\/\/[^\n]*/y, act: "skip" },
  { re: /\/\*(?:[^*]|\*+[^*/])*\*+\//y, act: "skip" },
  { re: /\+=/y, act: "pleq" },
  { re: /[,;={}]/y, act: "char" },
  ...ATOM.map((re) => ({ re, act: "atom" })),
  { re: /'(?:\\[^]|[^'\\])*'/y, act: "squote" },
  { re: /"(?:\\[^]|[^"\\])*"/y, act: "dquote" },
  { re: /\$[A-Za-z_][A-Za-z_0-9]*/y, act: "var" },
  { re: /\$\{(?:\\[^]|[^\n{}])*\}/y, act: "bvar" },
  { re: /\/\*(?:[^*]|\*+[^*/])*\**/y, act: "unterminated comment" },
  { re: /'(?:\\[^\n]|[^\n'\\])*/y, act: "unterminated string" },
  { re: /"(?:\\[^\n]|[^\n"\\])*/y, act: "unterminated string" },
  { re: /\$\{(?:\\[^\n]|[^\n{}])*/y, act: "unterminated variable" },
  { re: /[^\n]/y, act: "other" },
];
const RULES_DQ: Rule[] = [
  ...ATOM.map((re) => ({ re, act: "atom" })),
  { re: /[^"$\\](?:\\[^]|[^"\\])*"/y, act: "dqrest" },
  { re: /"/y, act: "enddq" },
  { re: /\$[A-Za-z_][A-Za-z_0-9]*/y, act: "var" },
  { re: /\$\{(?:\\[^]|[^\n"{}])*\}/y, act: "bvar" },
  { re: /\$\{(?:\\[^\n]|[^\n"{}])*/y, act: "unterminated variable" },
];

function lex(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let inString = false; // jaillex.l's `instr`: STR1/VAR1 continue the string STR/VAR began
  let dq = false; // start condition DQ: inside a double-quoted string, after a variable
  const str = (type: "STR" | "VAR", value: string) => {
    tokens.push({ type: inString ? (`${type}1` as TokenType) : type, text: value, line });
    inString = true;
  };
  while (pos < text.length) {
    let best: { rule: Rule; len: number } | undefined;
    for (const rule of dq ? RULES_DQ : RULES_INITIAL) {
      rule.re.lastIndex = pos;
      const m = rule.re.exec(text);
      if (m !== null && (best === undefined || m[0].length > best.len)) best = { rule, len: m[0].length };
    }
    if (best === undefined || best.len === 0) {
      dq = false; // `.|\n { BEGIN _; yyless(0); }`
      continue;
    }
    let matched = text.slice(pos, pos + best.len);
    switch (best.rule.act) {
      case "skip":
        inString = false;
        break;
      case "pleq":
        inString = false;
        tokens.push({ type: "PLEQ", text: matched, line });
        break;
      case "char":
        inString = false;
        tokens.push({ type: matched as TokenType, text: matched, line });
        break;
      case "atom":
        str("STR", text2lval(matched, false).value);
        break;
      case "squote":
        str("STR", text2lval(matched.slice(1, -1), false).value);
        break;
      case "dquote":
      case "dqrest": {
        const skip = best.rule.act === "dquote" ? 1 : 0;
        const body = matched.slice(skip, -1);
        const { value, varAt } = text2lval(body, true);
        if (varAt < 0) dq = false;
        else {
          // A variable inside the string: take the text before it, then lex the rest in state DQ.
          dq = true;
          matched = matched.slice(0, skip + varAt);
        }
        str("STR", value);
        break;
      }
      case "enddq":
        dq = false;
        break;
      case "var":
        str("VAR", matched.slice(1));
        break;
      case "bvar":
        str("VAR", text2lval(matched.slice(2, -1), false).value);
        break;
      case "other":
        tokens.push({ type: "CHAR", text: matched, line });
        break;
      default:
        throw new JailConfError(`${file} line ${line}: ${best.rule.act}`, line);
    }
    for (const c of matched) if (c === "\n") line++;
    pos += matched.length;
  }
  return tokens;
}

/** Parses a whole file into its jail blocks; parameters outside any block belong to the jail named "*". */
export function parseJailConf(text: string, file = "jail.conf"): ConfJailBlock[] {
  const tokens = lex(text, file);
  const jails: ConfJailBlock[] = [];
  let i = 0;
  const peek = (k = 0) => tokens[i + k];
  const fail = (tok: Token | undefined): never => {
    if (tok === undefined) throw new JailConfError(`${file}: unexpected EOF`, lineCount(text));
    const shown = text.split("\n")[tok.line - 1] ?? "";
    throw new JailConfError(`${file} line ${tok.line}: ${tok.text}: syntax error: ${JSON.stringify(shown)}`, tok.line);
  };
  const expect = (type: TokenType) => {
    const tok = tokens[i];
    if (tok?.type !== type) fail(tok);
    i++;
  };
  const string = (): ConfString => {
    const first = tokens[i++]!;
    const s: ConfString = { text: "", vars: [] };
    if (first.type === "STR") s.text = first.text;
    else s.vars.push({ name: first.text, pos: 0 });
    while (peek()?.type === "STR1" || peek()?.type === "VAR1") {
      const t = tokens[i++]!;
      if (t.type === "STR1") s.text += t.text;
      else s.vars.push({ name: t.text, pos: s.text.length });
    }
    return s;
  };
  const value = (): ConfString[] => {
    const values: ConfString[] = [];
    for (;;) {
      const t = peek();
      if (t?.type !== "STR" && t?.type !== "VAR") fail(t);
      values.push(string());
      if (peek()?.type !== ",") return values;
      i++;
    }
  };
  const param = (): ConfParamStatement => {
    const name = tokens[i];
    if (name?.type !== "STR" && name?.type !== "VAR") return fail(name);
    i++;
    const p: ConfParamStatement = {
      name: name.text,
      isVar: name.type === "VAR",
      append: false,
      values: [],
      line: name.line,
    };
    const next = peek();
    if (next?.type === "=" || next?.type === "PLEQ") {
      i++;
      p.append = next.type === "PLEQ";
      p.values = value();
    } else if (next?.type === "STR" || next?.type === "VAR") {
      p.values = value();
    }
    expect(";");
    return p;
  };
  while (i < tokens.length) {
    const t = peek()!;
    if (t.type === ";") {
      i++;
    } else if (t.type === "STR" && peek(1)?.type === "{") {
      i += 2;
      const block: ConfJailBlock = { name: t.text, params: [] };
      while (peek()?.type !== "}") {
        if (peek() === undefined) fail(undefined);
        if (peek()!.type === ";") i++;
        else block.params.push(param());
      }
      i++;
      jails.push(block);
    } else {
      const p = param();
      let global = jails.at(-1);
      if (global?.name !== "*") jails.push((global = { name: "*", params: [] }));
      global.params.push(p);
    }
  }
  return jails;
}

function lineCount(text: string): number {
  return text.split("\n").length;
}

/** equalopts() in config.c: the same parameter, ignoring a "no" prefix on the last component. */
export function sameParam(a: string, b: string): boolean {
  if (a === b) return true;
  const da = a.lastIndexOf(".");
  const db = b.lastIndexOf(".");
  if (a.slice(0, da + 1) !== b.slice(0, db + 1)) return false;
  const la = a.slice(da + 1);
  const lb = b.slice(db + 1);
  return (la.startsWith("no") && la.slice(2) === lb) || (lb.startsWith("no") && lb.slice(2) === la);
}

/** wild_jail_match(): "*" matches every jail, "foo.*" the jails under foo. */
function wildMatch(jail: string, wild: string): boolean {
  const w = wild.split(".");
  const j = jail.split(".");
  for (let k = 0; k < w.length; k++) {
    if (w[k] === "*" && k === w.length - 1) return j.length > k;
    if (k >= j.length || (w[k] !== "*" && w[k] !== j[k])) return false;
  }
  return w.length === j.length;
}

const isWild = (name: string) => /(^|\.)\*(\.|$)/.test(name);

export interface ResolvedParam {
  name: string;
  values: string[];
}

/**
 * The parameters jail(8) would use for jail `name`: its own, the wildcard blocks' that apply, later ones
 * replacing earlier ones (or adding to them with +=), variables substituted. Undefined when the file
 * defines no such jail.
 */
export function resolveJail(blocks: ConfJailBlock[], name: string): ResolvedParam[] | undefined {
  const seq = blocks.findIndex((b) => b.name === name);
  if (seq < 0) return undefined;
  type Working = { name: string; isVar: boolean; values: ConfString[] };
  const params: Working[] = [{ name: /^\d+$/.test(name) ? "jid" : "name", isVar: false, values: [plain(name)] }];
  const add = (p: ConfParamStatement) => {
    const found = params.find((q) => sameParam(q.name, p.name));
    if (found === undefined) {
      params.push({ name: p.name, isVar: p.isVar, values: [...p.values] });
      return;
    }
    if (found.isVar !== p.isVar)
      throw new JailConfError(`variable "$${p.name}" cannot have the same name as a parameter.`, p.line);
    if (found === params[0]) throw new JailConfError(`cannot redefine parameter "${found.name}".`, p.line);
    found.name = p.name;
    found.values = p.append && p.values.length > 0 ? [...found.values, ...p.values] : [...p.values];
  };
  let didSelf = false;
  blocks.forEach((block, k) => {
    if (!isWild(block.name)) return;
    if (k > seq && !didSelf) {
      blocks[seq]!.params.forEach(add);
      didSelf = true;
    }
    if (wildMatch(name, block.name)) block.params.forEach(add);
  });
  if (!didSelf) blocks[seq]!.params.forEach(add);

  const resolving = new Set<Working>();
  const resolve = (p: Working): string[] => {
    if (resolving.has(p)) throw new JailConfError(`${p.name}: variable loop`, 0);
    resolving.add(p);
    const out: string[] = [];
    for (const s of p.values) {
      if (s.vars.length === 0) {
        out.push(s.text);
        continue;
      }
      let text = "";
      let at = 0;
      for (const v of s.vars) {
        const target = params.find((q) => q.name === v.name);
        if (target === undefined || target.values.length === 0) {
          throw new JailConfError(`${p.name}: variable "${v.name}" not found`, 0);
        }
        const sub = resolve(target);
        if (sub.length > 1 && (s.text !== "" || s.vars.length > 1)) {
          throw new JailConfError(`${p.name}: array cannot be substituted inline`, 0);
        }
        if (sub.length > 1) out.push(...sub.slice(0, -1));
        text += s.text.slice(at, v.pos) + sub.at(-1)!;
        at = v.pos;
      }
      out.push(text + s.text.slice(at));
    }
    resolving.delete(p);
    return out;
  };
  return params.filter((p) => !p.isVar).map((p) => ({ name: p.name, values: resolve(p) }));
}

function plain(text: string): ConfString {
  return { text, vars: [] };
}

/**
 * Parameters as comparable values: a valueless boolean becomes ["true"] or, negated (`nopersist`,
 * `allow.nomount`), ["false"] under its plain name. The implied `name` is left out.
 */
export function effectiveParams(params: ResolvedParam[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of params) {
    if (p.name === "name" || p.name === "jid") continue;
    if (p.values.length > 0) {
      out.set(p.name, p.values);
      continue;
    }
    const dot = p.name.lastIndexOf(".");
    const last = p.name.slice(dot + 1);
    if (last.startsWith("no") && last.length > 2) out.set(p.name.slice(0, dot + 1) + last.slice(2), ["false"]);
    else out.set(p.name, ["true"]);
  }
  return out;
}
