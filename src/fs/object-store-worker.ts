/**
 * The source of the object-store worker (object-store-bridge.ts), plain JavaScript run with `eval`
 * so it loads the same way from TypeScript sources and from the built package. It does one
 * request at a time with the cloud's SDK, loaded on the first request for that store, for a main
 * thread that waits on a shared counter. Requests are { op, settings, key?, keys?, prefix?,
 * recursive?, offset?, length?, body?, ifNoneMatch? }; replies, posted on the port before the
 * counter moves, are { ok } or { failure: { status, code, message } } with every secret of the
 * request's settings scrubbed from the message.
 *
 *   head   → { length, mtime } | null        get    → bytes | null (absent)
 *   put    → true | false (If-None-Match: * and the object exists)
 *   list   → { files: [{ key, length, mtime }], dirs: [prefix] }   (dirs only without `recursive`)
 *   delete → number of objects removed
 *   uploadStart → an upload id · uploadPart → the part's tag · uploadComplete / uploadAbort → true:
 *     a file sent in parts (S3 multipart upload; Azure staged blocks, committed as one list), which
 *     appears whole only when completed
 */

/** The worker's script; `workerData` is { s3Path, azurePath, port, flag }. */
export const OBJECT_STORE_WORKER_SOURCE = String.raw`
const { workerData } = require("node:worker_threads");
const { port, flag } = workerData;
const answer = (reply) => {
  port.postMessage(reply);
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
};
const clients = new Map();
const statusOf = (e) => (e && e.$metadata && e.$metadata.httpStatusCode) || (e && e.statusCode) || 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function s3Client(s) {
  const id = JSON.stringify(s);
  let c = clients.get(id);
  if (!c) {
    const { S3Client } = require(workerData.s3Path);
    c = new S3Client({
      region: s.region,
      forcePathStyle: s.forcePathStyle,
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
      ...(s.credentials ? { credentials: s.credentials } : {}),
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    clients.set(id, c);
  }
  return c;
}

const s3 = {
  async head(s, m) {
    const { HeadObjectCommand } = require(workerData.s3Path);
    try {
      const r = await s3Client(s).send(new HeadObjectCommand({ Bucket: s.bucket, Key: m.key }));
      return { length: Number(r.ContentLength || 0), mtime: r.LastModified ? r.LastModified.getTime() : 0 };
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  },
  async get(s, m) {
    const { GetObjectCommand } = require(workerData.s3Path);
    if (m.length === 0) return new Uint8Array(0);
    const range = m.offset !== undefined ? "bytes=" + m.offset + "-" + (m.offset + m.length - 1) : undefined;
    try {
      const r = await s3Client(s).send(new GetObjectCommand({ Bucket: s.bucket, Key: m.key, ...(range ? { Range: range } : {}) }));
      return await r.Body.transformToByteArray();
    } catch (e) {
      if (statusOf(e) === 404) return null;
      if (statusOf(e) === 416) return new Uint8Array(0);
      throw e;
    }
  },
  async put(s, m) {
    const { PutObjectCommand } = require(workerData.s3Path);
    for (let attempt = 0; ; attempt++) {
      try {
        await s3Client(s).send(new PutObjectCommand({ Bucket: s.bucket, Key: m.key, Body: m.body, ...(m.ifNoneMatch ? { IfNoneMatch: "*" } : {}) }));
        return true;
      } catch (e) {
        if (m.ifNoneMatch && statusOf(e) === 412) return false;
        // 409 ConditionalRequestConflict: another conditional write of the key is in flight
        if (m.ifNoneMatch && statusOf(e) === 409 && attempt < 8) {
          await sleep(50 * (attempt + 1));
          continue;
        }
        throw e;
      }
    }
  },
  async list(s, m) {
    const { ListObjectsV2Command } = require(workerData.s3Path);
    const files = [];
    const dirs = [];
    let token;
    do {
      const r = await s3Client(s).send(new ListObjectsV2Command({ Bucket: s.bucket, Prefix: m.prefix, ...(m.recursive ? {} : { Delimiter: "/" }), ...(token ? { ContinuationToken: token } : {}) }));
      for (const o of r.Contents || []) files.push({ key: o.Key, length: Number(o.Size || 0), mtime: o.LastModified ? o.LastModified.getTime() : 0 });
      for (const p of r.CommonPrefixes || []) dirs.push(p.Prefix);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return { files, dirs };
  },
  async uploadStart(s, m) {
    const { CreateMultipartUploadCommand } = require(workerData.s3Path);
    return (await s3Client(s).send(new CreateMultipartUploadCommand({ Bucket: s.bucket, Key: m.key }))).UploadId;
  },
  async uploadPart(s, m) {
    const { UploadPartCommand } = require(workerData.s3Path);
    return (await s3Client(s).send(new UploadPartCommand({ Bucket: s.bucket, Key: m.key, UploadId: m.uploadId, PartNumber: m.partNumber, Body: m.body }))).ETag;
  },
  async uploadComplete(s, m) {
    const { CompleteMultipartUploadCommand } = require(workerData.s3Path);
    const Parts = m.parts.map((ETag, i) => ({ ETag, PartNumber: i + 1 }));
    await s3Client(s).send(new CompleteMultipartUploadCommand({ Bucket: s.bucket, Key: m.key, UploadId: m.uploadId, MultipartUpload: { Parts } }));
    return true;
  },
  async uploadAbort(s, m) {
    const { AbortMultipartUploadCommand } = require(workerData.s3Path);
    await s3Client(s).send(new AbortMultipartUploadCommand({ Bucket: s.bucket, Key: m.key, UploadId: m.uploadId }));
    return true;
  },
  async delete(s, m) {
    const { DeleteObjectCommand } = require(workerData.s3Path);
    for (const key of m.keys) await s3Client(s).send(new DeleteObjectCommand({ Bucket: s.bucket, Key: key }));
    return m.keys.length;
  },
};

function azureContainer(s) {
  const id = JSON.stringify(s);
  let c = clients.get(id);
  if (!c) {
    const az = require(workerData.azurePath);
    const cred = s.credential;
    const service =
      cred.type === "connectionString" ? az.BlobServiceClient.fromConnectionString(cred.value)
      : cred.type === "key" ? new az.BlobServiceClient(s.endpoint, new az.StorageSharedKeyCredential(s.account, cred.key))
      : new az.BlobServiceClient(s.endpoint + "?" + cred.token);
    c = service.getContainerClient(s.container);
    clients.set(id, c);
  }
  return c;
}

const azure = {
  async head(s, m) {
    try {
      const p = await azureContainer(s).getBlockBlobClient(m.key).getProperties();
      return { length: Number(p.contentLength || 0), mtime: p.lastModified ? p.lastModified.getTime() : 0 };
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  },
  async get(s, m) {
    if (m.length === 0) return new Uint8Array(0);
    try {
      const r = await azureContainer(s).getBlockBlobClient(m.key).download(m.offset || 0, m.length);
      const parts = [];
      for await (const chunk of r.readableStreamBody) parts.push(chunk);
      return new Uint8Array(Buffer.concat(parts));
    } catch (e) {
      if (statusOf(e) === 404) return null;
      if (statusOf(e) === 416) return new Uint8Array(0);
      throw e;
    }
  },
  async put(s, m) {
    try {
      await azureContainer(s).getBlockBlobClient(m.key).upload(m.body, m.body.byteLength, m.ifNoneMatch ? { conditions: { ifNoneMatch: "*" } } : {});
      return true;
    } catch (e) {
      if (m.ifNoneMatch && (statusOf(e) === 409 || statusOf(e) === 412)) return false;
      throw e;
    }
  },
  async list(s, m) {
    const c = azureContainer(s);
    const files = [];
    const dirs = [];
    const items = m.recursive ? c.listBlobsFlat({ prefix: m.prefix }) : c.listBlobsByHierarchy("/", { prefix: m.prefix });
    for await (const it of items) {
      if (it.kind === "prefix") dirs.push(it.name);
      else files.push({ key: it.name, length: Number(it.properties.contentLength || 0), mtime: it.properties.lastModified ? it.properties.lastModified.getTime() : 0 });
    }
    return { files, dirs };
  },
  // staged blocks stay invisible until committed (and expire uncommitted): no server call to start or abort
  async uploadStart() {
    return require("node:crypto").randomUUID();
  },
  async uploadPart(s, m) {
    const id = Buffer.from(m.uploadId + "-" + String(m.partNumber).padStart(6, "0")).toString("base64");
    await azureContainer(s).getBlockBlobClient(m.key).stageBlock(id, m.body, m.body.byteLength);
    return id;
  },
  async uploadComplete(s, m) {
    await azureContainer(s).getBlockBlobClient(m.key).commitBlockList(m.parts);
    return true;
  },
  async uploadAbort() {
    return true;
  },
  async delete(s, m) {
    let n = 0;
    for (const key of m.keys) if ((await azureContainer(s).getBlockBlobClient(key).deleteIfExists()).succeeded) n++;
    return n;
  },
};

const scrub = (text, secrets) => {
  let t = String(text);
  for (const x of secrets) if (x) t = t.split(x).join("***");
  return t.replace(/([?&]sig=)[^&\s"']+/gi, "$1***");
};

port.on("message", (m) => {
  const impl = m.settings.store === "s3" ? s3 : azure;
  impl[m.op](m.settings, m).then(
    (ok) => answer({ ok }),
    (e) => answer({ failure: { status: statusOf(e), code: String((e && (e.Code || e.code || e.name)) || "Error"), message: scrub((e && e.message) || e, m.secrets) } }),
  );
});
`;
