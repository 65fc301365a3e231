// The SSH transport: the only code that talks to hosts and the only place that quotes.
export { quote, shellChain, shellJoin, remoteCommand } from "./quote";
export { type Connection, connectionSchema, connectionKey } from "./connection";
export { RemoteCommandError } from "./errors";
export { hostFor, closeAllHosts, transportCounters, type Host, type RunOptions, type CommandResult } from "./host";
