export { File, type FileArgs } from "./file";
