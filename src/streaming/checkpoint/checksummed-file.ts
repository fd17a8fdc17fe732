/**
 * The framing of Sluice's checkpoint files, so that damage that still parses is never trusted.
 *
 *   v2                     ← version line
 *   <body lines>           ← the same lines a v1 file holds (Spark's layout for logs)
 *   #crc32=1a2b3c4d        ← trailer, no newline after it
 *
 * The CRC-32 covers the file's own name, a NUL byte and every byte before the trailer, so a
 * truncated file (the trailer is lost or no longer matches), a file with a line cut out, garbage,
 * and a file renamed to another batch id or version all fail to verify.
 *
 * Old and new files: files written before checksums carry `v1` and no trailer; they still load
 * (unverified). A v2 file that is cut keeps its `v2` line, so it cannot pass for a v1 file — only
 * a cut inside the first three bytes could, and that leaves no version line at all, which fails.
 */
import { fileSystemFor } from "../../fs/file-systems.js";
import { pathName } from "../../fs/path.js";
import { SluiceError } from "../../common/errors.js";
import { crc32 } from "./crc32.js";

/** The version line of files that carry a checksum trailer. */
export const CHECKSUMMED_VERSION = 2;
const TRAILER = /^#crc32=([0-9a-f]{8})$/;

/** How errors about a kind of file are worded and coded. */
export interface FileKind {
  /** e.g. "Checkpoint file", "State file" */
  readonly label: string;
  /** e.g. CHECKPOINT_CORRUPT, STATE_CORRUPT */
  readonly corruptCode: string;
  /** What the user can do, appended to every error. */
  readonly fix: string;
  /** What the user can do about a damaged file, when it differs from `fix` (which is for missing ones). */
  readonly damagedFix?: string;
}

export const CHECKPOINT_FILE: FileKind = {
  label: "Checkpoint file",
  corruptCode: "CHECKPOINT_CORRUPT",
  fix: "Restore the checkpoint folder from a backup, or start the query with a new checkpointLocation.",
};

function seed(name: string): number {
  return crc32(Buffer.from(`${name}\u0000`, "utf8"));
}

/**
 * The pieces of a checksummed file named `name`: version line, body pieces (in order, joined as
 * given), a newline, the trailer. The CRC is computed while the pieces are written.
 */
export function* checksummedPieces(name: string, body: Iterable<string>): Generator<Uint8Array> {
  let crc = seed(name);
  const emit = (s: string): Uint8Array => {
    const b = Buffer.from(s, "utf8");
    crc = crc32(b, crc);
    return b;
  };
  yield emit(`v${CHECKSUMMED_VERSION}\n`);
  for (const piece of body) yield emit(piece);
  yield emit("\n");
  yield Buffer.from(`#crc32=${crc.toString(16).padStart(8, "0")}`, "utf8");
}

export function corrupt(kind: FileKind, file: string, problem: string, cause?: unknown): SluiceError {
  return new SluiceError("input", kind.corruptCode, `${kind.label} ${file} is ${problem}. ${kind.damagedFix ?? kind.fix}`, { file }, cause === undefined ? undefined : { cause });
}

/**
 * Read `file` and return its body (the text between the version line and the trailer) after
 * verifying it. `v1` files are returned unverified; versions above `CHECKSUMMED_VERSION` are refused.
 */
export function readChecksummed(file: string, kind: FileKind): { version: number; body: string } {
  return verifyChecksummed(readCheckpointBytes(file, kind), file, kind);
}

/** The bytes of `file`, or CHECKPOINT_READ_FAILED naming it. */
export function readCheckpointBytes(file: string, kind: FileKind): Buffer {
  try {
    return fileSystemFor(file).open(file);
  } catch (e) {
    throw new SluiceError("io", "CHECKPOINT_READ_FAILED", `Cannot read ${kind.label.toLowerCase()} ${file}: ${(e as Error).message}`, { file }, { cause: e });
  }
}

/** As readChecksummed, over the bytes `buf` of `file` (a state file after decompression). */
export function verifyChecksummed(buf: Buffer, file: string, kind: FileKind): { version: number; body: string } {
  const nl = buf.indexOf(0x0a);
  const header = buf.subarray(0, nl < 0 ? Math.min(buf.length, 40) : nl).toString("utf8");
  const m = /^v(\d+)$/.exec(header.trim());
  if (!m) throw corrupt(kind, file, `corrupt: it does not start with a version line (found ${JSON.stringify(header.slice(0, 40))})`);
  const version = Number(m[1]);
  if (version > CHECKSUMMED_VERSION) {
    throw new SluiceError("unsupported", "CHECKPOINT_VERSION_UNSUPPORTED", `${kind.label} ${file} has format v${version}, newer than the v${CHECKSUMMED_VERSION} this Sluice reads`, { file });
  }
  if (version < CHECKSUMMED_VERSION) return { version, body: nl < 0 ? "" : buf.subarray(nl + 1).toString("utf8") };
  const last = buf.lastIndexOf(0x0a);
  const trailer = TRAILER.exec(last <= nl ? "" : buf.subarray(last + 1).toString("latin1"));
  if (!trailer) throw corrupt(kind, file, "truncated or damaged: its checksum line (#crc32=…) is missing");
  const actual = crc32(buf.subarray(0, last + 1), seed(pathName(file)));
  if (actual !== parseInt(trailer[1]!, 16)) {
    throw corrupt(kind, file, `damaged, truncated or renamed: its content does not match its checksum (${trailer[1]}, computed ${actual.toString(16).padStart(8, "0")})`);
  }
  return { version, body: buf.subarray(nl + 1, last).toString("utf8") };
}
