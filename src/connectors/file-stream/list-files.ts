/**
 * File discovery for the streaming file source, the batch reader's listing (file-listing.ts
 * `findFiles`) without its existence check: a folder, a glob or a sink's output folder, with
 * modification times and sizes, symbolic links followed, pathGlobFilter and recursiveFileLookup
 * applied. A glob that matches nothing yet yields no files: matching files may appear later.
 */
import { type FoundFile, findFiles } from "../files/file-listing.js";
import type { FileListingOptions } from "../files/options.js";

export type ListedFile = FoundFile;

export function listFiles(pathOrGlob: string, opts: Partial<FileListingOptions> = {}): ListedFile[] {
  return findFiles(pathOrGlob, opts).map((f) => f.file);
}
