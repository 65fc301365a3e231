// zfs(8) and zpool(8) parse their options with opterr = 0: see getoptRaw in ../getopt.ts.
export { getoptRaw as getopt, type Getopt, type Opt } from "../getopt";
