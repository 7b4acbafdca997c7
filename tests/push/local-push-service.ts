import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A push service on 127.0.0.1 for tests, standing in for FCM or Mozilla's autopush: it takes the
 * POSTs the server sends, checks their VAPID signature (RFC 8292) and decrypts their payload
 * (RFC 8291, aes128gcm per RFC 8188) with the private key of the "browser" a test subscribed,
 * using node:crypto only, so nothing of web-push checks web-push. Each device path answers
 * with the status its test set (201 by default).
 */
export interface ReceivedPush {
  device: string;
  headers: IncomingMessage["headers"];
  /** The decrypted payload, parsed as JSON. */
  payload: unknown;
  /** The JWT's claims, after its ES256 signature was verified against `k`. */
  claims: { aud: string; exp: number; sub: string };
  /** The `k` parameter: the VAPID public key that signed. */
  vapidPublicKey: string;
}

interface Device {
  ecdh: ECDH;
  auth: Buffer;
  answer: { status: number; headers?: Record<string, string> };
}

export class LocalPushService {
  readonly received: ReceivedPush[] = [];
  /** Requests this service refused as malformed (a failed check), with why. */
  readonly rejected: { device: string; reason: string }[] = [];
  private readonly devices = new Map<string, Device>();
  private server: Server | undefined;
  private origin = "";

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const name = decodeURIComponent(new URL(request.url ?? "/", this.origin).pathname.replace(/^\/push\//, ""));
        const device = this.devices.get(name);
        if (!device) return void response.writeHead(404).end();
        try {
          const { claims, vapidPublicKey } = verifyVapid(request.headers.authorization, this.origin);
          if (request.headers["content-encoding"] !== "aes128gcm") throw new Error(`content-encoding is ${request.headers["content-encoding"]}`);
          const plaintext = decryptAes128gcm(Buffer.concat(chunks), device.ecdh, device.auth);
          this.received.push({ device: name, headers: request.headers, payload: JSON.parse(plaintext.toString("utf8")), claims, vapidPublicKey });
        } catch (error) {
          this.rejected.push({ device: name, reason: (error as Error).message });
          return void response.writeHead(400).end((error as Error).message);
        }
        response.writeHead(device.answer.status, { location: `${this.origin}/message/${randomBytes(6).toString("hex")}`, ...device.answer.headers }).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * A browser profile that subscribed: its own P-256 key pair and auth secret, as
   * `PushSubscription.toJSON()` gives them, at an endpoint of this service.
   */
  subscribe(name: string, answer: Device["answer"] = { status: 201 }) {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.devices.set(name, { ecdh, auth, answer });
    return { endpoint: `${this.origin}/push/${encodeURIComponent(name)}`, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") } };
  }

  /** What the device's endpoint answers from now on. */
  answer(name: string, answer: Device["answer"]): void {
    this.devices.get(name)!.answer = answer;
  }
}

/** `Authorization: vapid t=<JWT>, k=<public key>`: an ES256 JWT for this origin, not expired, verified with k. */
function verifyVapid(header: string | undefined, origin: string) {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? "");
  if (!match) throw new Error(`Authorization is not a VAPID header: ${header}`);
  const [, token, k] = match as unknown as [string, string, string];
  const [headerPart, claimsPart, signature] = token.split(".") as [string, string, string];
  const jwtHeader = JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8"));
  if (jwtHeader.alg !== "ES256") throw new Error(`JWT alg is ${jwtHeader.alg}`);
  const point = Buffer.from(k, "base64url");
  if (point.length !== 65 || point[0] !== 4) throw new Error("k is not an uncompressed P-256 point");
  const key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") }, format: "jwk" });
  // JWS ES256 signatures are r‖s (64 bytes), not DER.
  if (!verify("sha256", Buffer.from(`${headerPart}.${claimsPart}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"))) {
    throw new Error("VAPID JWT signature does not verify with k");
  }
  const claims = JSON.parse(Buffer.from(claimsPart, "base64url").toString("utf8"));
  if (claims.aud !== origin) throw new Error(`JWT aud is ${claims.aud}, not ${origin}`);
  const now = Date.now() / 1000;
  // RFC 8292 §2: exp no more than 24 hours ahead.
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600 + 60)) throw new Error(`JWT exp ${claims.exp} is not within the next 24 hours`);
  if (!/^(mailto:|https:)/.test(claims.sub)) throw new Error(`JWT sub is ${claims.sub}`);
  return { claims: claims as ReceivedPush["claims"], vapidPublicKey: k };
}

/**
 * RFC 8291 §3.4 and RFC 8188 §2: the header (salt, record size, the sender's ephemeral key as
 * keyid), ECDH with the subscription's private key, HKDF with the auth secret into the IKM,
 * HKDF with the salt into the content key and nonce, then AES-128-GCM over the one record.
 */
function decryptAes128gcm(body: Buffer, receiver: ECDH, authSecret: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const senderPublic = body.subarray(21, 21 + idLength);
  if (idLength !== 65) throw new Error(`keyid is ${idLength} bytes, not an uncompressed P-256 key`);
  const record = body.subarray(21 + idLength);
  if (record.length > recordSize) throw new Error("more than one record: a push payload fits in one");
  const sharedSecret = receiver.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), receiver.getPublicKey(), senderPublic]);
  const ikm = Buffer.from(hkdfSync("sha256", sharedSecret, authSecret, keyInfo, 32));
  const contentKey = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", contentKey, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error("no last-record delimiter (0x02) after the plaintext");
  return padded.subarray(0, end);
}
