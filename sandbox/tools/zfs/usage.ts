// zfs(8)'s usage text (cmd/zfs/zfs_main.c: get_usage, usage, usage_prop_cb, command_table for FreeBSD).
import { PROPS, inheritableProp, readonlyProp } from "./props";

/** get_usage() text of each command, by command name. */
export const HELP: Record<string, string> = {
  version: "\tversion\n",
  create:
    "\tcreate [-Pnpuv] [-o property=value] ... <filesystem>\n\tcreate [-Pnpsv] [-b blocksize] [-o property=value] ... -V <size> <volume>\n",
  destroy:
    "\tdestroy [-fnpRrv] <filesystem|volume>\n\tdestroy [-dnpRrv] <filesystem|volume>@<snap>[%<snap>][,...]\n\tdestroy <filesystem|volume>#<bookmark>\n",
  snapshot: "\tsnapshot [-r] [-o property=value] ... <filesystem|volume>@<snap> ...\n",
  rollback: "\trollback [-rRf] <snapshot>\n",
  clone: "\tclone [-p] [-o property=value] ... <snapshot> <filesystem|volume>\n",
  promote: "\tpromote <clone-filesystem>\n",
  rename:
    "\trename [-f] <filesystem|volume|snapshot> <filesystem|volume|snapshot>\n\trename -p [-f] <filesystem|volume> <filesystem|volume>\n\trename -u [-f] <filesystem> <filesystem>\n\trename -r <snapshot> <snapshot>\n",
  bookmark: "\tbookmark <snapshot|bookmark> <newbookmark>\n",
  program:
    "\tprogram [-jn] [-t <instruction limit>] [-m <memory limit (b)>]\n\t    <pool> <program file> [lua args...]\n",
  list: "\tlist [-Hp] [-r|-d max] [-o property[,...]] [-s property]...\n\t    [-S property]... [-t type[,...]] [filesystem|volume|snapshot] ...\n",
  set: "\tset [-u] <property=value> ... <filesystem|volume|snapshot> ...\n",
  get: '\tget [-rHp] [-d max] [-o "all" | field[,...]]\n\t    [-t type[,...]] [-s source[,...]]\n\t    <"all" | property[,...]> [filesystem|volume|snapshot|bookmark] ...\n',
  inherit: "\tinherit [-rS] <property> <filesystem|volume|snapshot> ...\n",
  upgrade: "\tupgrade [-v]\n\tupgrade [-r] [-V version] <-a | filesystem ...>\n",
  userspace:
    "\tuserspace [-Hinp] [-o field[,...]] [-s field] ...\n\t    [-S field] ... [-t type[,...]] <filesystem|snapshot|path>\n",
  groupspace:
    "\tgroupspace [-Hinp] [-o field[,...]] [-s field] ...\n\t    [-S field] ... [-t type[,...]] <filesystem|snapshot|path>\n",
  projectspace:
    "\tprojectspace [-Hp] [-o field[,...]] [-s field] ... \n\t    [-S field] ... <filesystem|snapshot|path>\n",
  project:
    "\tproject [-d|-r] <directory|file ...>\n\tproject -c [-0] [-d|-r] [-p id] <directory|file ...>\n\tproject -C [-k] [-r] <directory ...>\n\tproject [-p id] [-r] [-s] <directory ...>\n",
  mount: "\tmount\n\tmount [-flvO] [-o opts] <-a|-R filesystem|filesystem>\n",
  unmount: "\tunmount [-fu] <-a | filesystem|mountpoint>\n",
  share: "\tshare [-l] <-a [nfs|smb] | filesystem>\n",
  unshare: "\tunshare <-a [nfs|smb] | filesystem|mountpoint>\n",
  send: "\tsend [-DLPbcehnpsVvw] [-i|-I snapshot]\n\t     [-R [-X dataset[,dataset]...]]     <snapshot>\n\tsend [-DnVvPLecw] [-i snapshot|bookmark] <filesystem|volume|snapshot>\n\tsend [-DnPpVvLec] [-i bookmark|snapshot] --redact <bookmark> <snapshot>\n\tsend [-nVvPe] -t <receive_resume_token>\n\tsend [-PnVv] --saved filesystem\n",
  receive:
    "\treceive [-vMnsFhu] [-o <property>=<value>] ... [-x <property>] ...\n\t    <filesystem|volume|snapshot>\n\treceive [-vMnsFhu] [-o <property>=<value>] ... [-x <property>] ... \n\t    [-d | -e] <filesystem>\n\treceive -A <filesystem|volume>\n",
  allow:
    '\tallow <filesystem|volume>\n\tallow [-ldug] <"everyone"|user|group>[,...] <perm|@setname>[,...]\n\t    <filesystem|volume>\n\tallow [-ld] -e <perm|@setname>[,...] <filesystem|volume>\n\tallow -c <perm|@setname>[,...] <filesystem|volume>\n\tallow -s @setname <perm|@setname>[,...] <filesystem|volume>\n',
  unallow:
    '\tunallow [-rldug] <"everyone"|user|group>[,...]\n\t    [<perm|@setname>[,...]] <filesystem|volume>\n\tunallow [-rld] -e [<perm|@setname>[,...]] <filesystem|volume>\n\tunallow [-r] -c [<perm|@setname>[,...]] <filesystem|volume>\n\tunallow [-r] -s @setname [<perm|@setname>[,...]] <filesystem|volume>\n',
  hold: "\thold [-r] <tag> <snapshot> ...\n",
  holds: "\tholds [-rHp] <snapshot> ...\n",
  release: "\trelease [-r] <tag> <snapshot> ...\n",
  diff: "\tdiff [-FHth] <snapshot> [snapshot|filesystem]\n",
  "load-key": "\tload-key [-rn] [-L <keylocation>] <-a | filesystem|volume>\n",
  "unload-key": "\tunload-key [-r] <-a | filesystem|volume>\n",
  "change-key":
    "\tchange-key [-l] [-o keyformat=<value>]\n\t    [-o keylocation=<value>] [-o pbkdf2iters=<value>]\n\t    <filesystem|volume>\n\tchange-key -i [-l] <filesystem|volume>\n",
  redact: "\tredact <snapshot> <bookmark> <redaction_snapshot> ...\n",
  wait: "\twait [-t <activity>] <filesystem>\n",
  jail: "\tjail <jailid|jailname> <filesystem>\n",
  unjail: "\tunjail <jailid|jailname> <filesystem>\n",
};

/** command_table: null is a blank line in the full usage. */
export const COMMANDS: ReadonlyArray<string | null> = [
  "version",
  null,
  "create",
  "destroy",
  null,
  "snapshot",
  "rollback",
  "clone",
  "promote",
  "rename",
  "bookmark",
  "program",
  null,
  "list",
  null,
  "set",
  "get",
  "inherit",
  "upgrade",
  null,
  "userspace",
  "groupspace",
  "projectspace",
  null,
  "project",
  null,
  "mount",
  "unmount",
  "share",
  "unshare",
  null,
  "send",
  "receive",
  null,
  "allow",
  null,
  "unallow",
  null,
  "hold",
  "holds",
  "release",
  "diff",
  "load-key",
  "unload-key",
  "change-key",
  "redact",
  "wait",
  "jail",
  "unjail",
];

// The property table usage() prints for set, get, inherit and list: zprop_iter(ordered) sorts read-only properties
// first, each group by name (zprop_compare).
function propertyTable(): string {
  const visible = PROPS.filter((p) => p.visible);
  const ro = (p: (typeof visible)[number]) => p.attr === "readonly";
  visible.sort((a, b) => (ro(a) === ro(b) ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : ro(a) ? -1 : 1));
  let s = "\nThe following properties are supported:\n";
  s += `\n\t${"PROPERTY".padEnd(14)} EDIT  INHERIT   VALUES\n\n`;
  for (const p of visible) {
    s += `\t${p.name.padEnd(15)} ${readonlyProp(p) ? " NO    " : "YES    "}${inheritableProp(p) ? "  YES   " : "   NO   "}${p.values ?? "-"}\n`;
  }
  const extra: Array<[string, string]> = [
    ["userused@...", " NO       NO   <size>"],
    ["groupused@...", " NO       NO   <size>"],
    ["projectused@...", " NO       NO   <size>"],
    ["userobjused@...", " NO       NO   <size>"],
    ["groupobjused@...", " NO       NO   <size>"],
    ["projectobjused@...", " NO       NO   <size>"],
    ["userquota@...", "YES       NO   <size> | none"],
    ["groupquota@...", "YES       NO   <size> | none"],
    ["projectquota@...", "YES       NO   <size> | none"],
    ["userobjquota@...", "YES       NO   <size> | none"],
    ["groupobjquota@...", "YES       NO   <size> | none"],
    ["projectobjquota@...", "YES       NO   <size> | none"],
    ["written@<snap>", " NO       NO   <size>"],
    ["written#<bookmark>", " NO       NO   <size>"],
  ];
  for (const [name, rest] of extra) s += `\t${name.padEnd(15)} ${rest}\n`;
  s += "\nSizes are specified in bytes with standard units such as K, M, G, etc.\n";
  s += "\nUser-defined properties can be specified by using a name containing a colon (:).\n";
  s +=
    "\nThe {user|group|project}[obj]{used|quota}@ properties must be appended with\n" +
    "a user|group|project specifier of one of these forms:\n" +
    '    POSIX name      (eg: "matt")\n' +
    '    POSIX id        (eg: "126829")\n' +
    '    SMB name@domain (eg: "matt@sun")\n' +
    '    SMB SID         (eg: "S-1-234-567-89")\n';
  return s;
}

/** usage(): the whole command list without a command, else the command's usage and its footer. */
export function usageText(command: string | undefined): string {
  let s: string;
  if (command === undefined) {
    s = "usage: zfs command args ...\nwhere 'command' is one of the following:\n\n";
    for (const c of COMMANDS) s += c === null ? "\n" : HELP[c];
    s += "\nEach dataset is of the form: pool/[dataset/]*dataset[@name]\n";
  } else {
    s = `usage:\n${HELP[command]}`;
  }
  if (command === "set" || command === "get" || command === "inherit" || command === "list") {
    s += propertyTable();
  } else {
    s += "\nFor the property list, run: zfs set|get\n";
    s += "\nFor the delegated permission list, run: zfs allow|unallow\n";
    s += "\nFor further help on a command or topic, run: zfs help [<topic>]\n";
  }
  return s;
}
