// The message envelope and mailbox keys of decision 19, in the browser: the same bytes as
// confide/messaging/envelope.py and keys.py (tests/messaging checks both directions on fixed vectors).
// Private keys are imported as non-extractable CryptoKeys; the raw mailbox secret exists only while it is
// sealed to a device or a recovery code.
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "../vendor/hpke.js";

const subtle = crypto.subtle;
const te = new TextEncoder();
const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
const PKCS8 = {  // the PKCS#8 prefix of a raw 32-byte private key (RFC 8410)
  X25519: [48, 46, 2, 1, 0, 48, 5, 6, 3, 43, 101, 110, 4, 34, 4, 32],
  Ed25519: [48, 46, 2, 1, 0, 48, 5, 6, 3, 43, 101, 112, 4, 34, 4, 32],
};
const BASE_POINT = new Uint8Array(32); BASE_POINT[0] = 9;
const KEY_INFO = "confide:msg:v1\n";
const DEVICE_INFO = "confide:device:v1\n";
export const MAILBOX_ID = /^[0-9a-f]{32}$/;

export const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
export const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
export const unhex = (text) => new Uint8Array(text.match(/../g).map((h) => parseInt(h, 16)));
export const b64 = (bytes) => {  // in pieces: a spread of a large file would overflow the call stack
  let text = "";
  for (let at = 0; at < bytes.length; at += 0x8000) text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(text);
};
export const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const sha256 = async (...parts) => new Uint8Array(await subtle.digest("SHA-256", concat(...parts)));

async function privateKey(name, raw, usages, extractable = false) {
  return subtle.importKey("pkcs8", concat(new Uint8Array(PKCS8[name]), raw), { name }, extractable, usages);
}

async function x25519Public(sk) {
  const base = await subtle.importKey("raw", BASE_POINT, { name: "X25519" }, true, []);
  return new Uint8Array(await subtle.deriveBits({ name: "X25519", public: base }, sk, 256));
}

export async function mailboxId(receive, verify) {
  return hex((await sha256(te.encode("confide mailbox v1\n"), receive, verify)).slice(0, 16));
}

// A mailbox from its 64-byte secret: public keys (raw) and id, private keys as non-extractable CryptoKeys.
export async function openMailbox(secret) {
  if (secret.length !== 64) throw new Error("a mailbox secret is 64 bytes");
  const receiveKey = await privateKey("X25519", secret.slice(0, 32), ["deriveBits"]);
  const receive = await x25519Public(receiveKey);
  const readable = await privateKey("Ed25519", secret.slice(32), ["sign"], true);
  const verify = unb64url((await subtle.exportKey("jwk", readable)).x);
  const signKey = await privateKey("Ed25519", secret.slice(32), ["sign"]);
  const publicKey = await subtle.importKey("raw", receive, { name: "X25519" }, true, []);
  return { id: await mailboxId(receive, verify), receive, verify, pair: { privateKey: receiveKey, publicKey }, signKey };
}

export const newMailboxSecret = () => crypto.getRandomValues(new Uint8Array(64));

function unb64url(text) {
  return unb64(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
}

export function contextBytes({ practice, thread, message, sender, recipients }) {
  const ids = [...recipients].sort();
  if (new Set(ids).size !== ids.length || !ids.every((id) => MAILBOX_ID.test(id))) throw new Error("not mailbox ids");
  if (!ids.includes(sender)) throw new Error("the sender's own mailbox is always a recipient");
  const lines = ["confide message v1", `practice ${practice}`, `thread ${thread}`, `message ${message}`,
    `sender ${sender}`, `recipients ${ids.join(",")}`];
  return te.encode(lines.map((line) => `${line}\n`).join(""));
}

// The sender signs the context, the body and a commitment to the one content key: AES-GCM alone would let a
// sender hand two recipients two keys under which the same body opens to different words.
const signedBytes = async (context, nonce, body, commitment) =>
  concat(te.encode("confide message signature v1\n"), context, await sha256(nonce, body), commitment);
const keyCommitment = (contentKey) => sha256(te.encode("confide content key v1\n"), contentKey);

// The context as contextBytes writes it, read back; throws for any other spelling.
export function parseContext(bytes) {
  const lines = new TextDecoder("utf-8", { fatal: true }).decode(bytes).split("\n");
  const names = ["practice", "thread", "message", "sender", "recipients"];
  if (lines.length !== 7 || lines[0] !== "confide message v1" || lines[6] !== "") throw new Error("not a message context");
  const fields = Object.fromEntries(lines.slice(1, 6).map((line, i) => {
    if (!line.startsWith(`${names[i]} `)) throw new Error("not a message context");
    return [names[i], line.slice(names[i].length + 1)];
  }));
  const parsed = { ...fields, recipients: fields.recipients.split(",") };
  const again = contextBytes(parsed);
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) throw new Error("not a message context");
  return parsed;
}

const publicX25519 = (raw) => suite.kem.importKey("raw", raw.slice().buffer, true);

// Seal `plaintext` (bytes) for `recipients` ([{id, receive}], the sender included) under `context`.
export async function seal(plaintext, { context, sender, recipients }) {
  const contentKey = crypto.getRandomValues(new Uint8Array(32));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const aes = await subtle.importKey("raw", contentKey, "AES-GCM", false, ["encrypt"]);
  const body = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: context }, aes, plaintext));
  const info = concat(te.encode(KEY_INFO), context);
  const keys = {};
  for (const { id, receive } of recipients) {
    const { enc, ct } = await suite.seal({ recipientPublicKey: await publicX25519(receive), info }, contentKey);
    keys[id] = concat(new Uint8Array(enc), new Uint8Array(ct));
  }
  const commitment = await keyCommitment(contentKey);
  contentKey.fill(0);
  const signed = await signedBytes(context, nonce, body, commitment);
  const signature = new Uint8Array(await subtle.sign("Ed25519", sender.signKey, signed));
  return { context, nonce, body, keys, signature, commitment };
}

// Whether `verify` (the sender's raw Ed25519 public key) signed this envelope's context and body.
export async function signedBy(envelope, verify) {
  const key = await subtle.importKey("raw", verify, "Ed25519", false, ["verify"]);
  const data = await signedBytes(envelope.context, envelope.nonce, envelope.body, envelope.commitment);
  return subtle.verify("Ed25519", key, envelope.signature, data);
}

// The content key sealed to `mine`, once it is the one the sender committed to: what filing a message into
// the record hands the server (confide/messaging/filing.py), so that it files what the sender wrote.
export async function contentKeyOf(envelope, mine) {
  const sealed = envelope.keys[mine.id];
  const info = concat(te.encode(KEY_INFO), envelope.context);
  const contentKey = new Uint8Array(await suite.open({ recipientKey: mine.pair, enc: sealed.slice(0, 32), info }, sealed.slice(32)));
  const commitment = await keyCommitment(contentKey);
  if (commitment.length !== envelope.commitment.length || commitment.some((b, i) => b !== envelope.commitment[i]))
    throw new Error("the message does not open");
  return contentKey;
}

// The plaintext for the holder of mailbox `mine` (from openMailbox); throws if altered or not signed by `verify`.
export async function open(envelope, { mine, verify }) {
  if (!(await signedBy(envelope, verify))) throw new Error("the message is not signed by its sender");
  const sealed = envelope.keys[mine.id];
  if (!sealed) throw new Error("the message is not sealed to this mailbox");
  const info = concat(te.encode(KEY_INFO), envelope.context);
  const contentKey = new Uint8Array(await suite.open({ recipientKey: mine.pair, enc: sealed.slice(0, 32), info }, sealed.slice(32)));
  const commitment = await keyCommitment(contentKey);
  if (commitment.length !== envelope.commitment.length || commitment.some((b, i) => b !== envelope.commitment[i]))
    throw new Error("the message does not open");
  const aes = await subtle.importKey("raw", contentKey, "AES-GCM", false, ["decrypt"]);
  contentKey.fill(0);
  const { nonce, body, context } = envelope;
  return new Uint8Array(await subtle.decrypt({ name: "AES-GCM", iv: nonce, additionalData: context }, aes, body));
}

// Sharing earlier messages with a mailbox the sender did not seal to (confide/messaging/share.py): the
// sharer re-seals the content key it opened and signs what it did; the reader checks both.
const shareBytes = async (context, target, sealed) =>
  concat(te.encode("confide message share v1\n"), await sha256(context), te.encode(`${target}\n`), sealed);

export async function reshare({ context, commitment, sealed }, { mine, target }) {
  const info = concat(te.encode(KEY_INFO), context);
  const contentKey = new Uint8Array(await suite.open({ recipientKey: mine.pair, enc: sealed.slice(0, 32), info }, sealed.slice(32)));
  const check = await keyCommitment(contentKey);
  if (check.length !== commitment.length || check.some((b, i) => b !== commitment[i])) throw new Error("the message does not open");
  const { enc, ct } = await suite.seal({ recipientPublicKey: await publicX25519(target.receive), info }, contentKey);
  contentKey.fill(0);
  const resealed = concat(new Uint8Array(enc), new Uint8Array(ct));
  const signature = new Uint8Array(await subtle.sign("Ed25519", mine.signKey, await shareBytes(context, target.id, resealed)));
  return { sealed: resealed, signature };
}

// Whether `sharer` ({id, verify}), a recipient of the message, signed this share of its key to `target`.
export async function sharedBy(context, target, sealed, signature, sharer) {
  if (!parseContext(context).recipients.includes(sharer.id)) return false;
  const key = await subtle.importKey("raw", sharer.verify, "Ed25519", false, ["verify"]);
  return subtle.verify("Ed25519", key, signature, await shareBytes(context, target, sealed));
}

export async function safetyCode(a, b) {
  const digest = await sha256(te.encode(`confide safety code v1\n${[a, b].sort().join("\n")}`));
  const groups = [0, 5, 10, 15].map((i) => Number(digest.slice(i, i + 5).reduce((n, byte) => n * 256n + BigInt(byte), 0n) % 100000n));
  return groups.map((g) => String(g).padStart(5, "0")).join(" ");
}

// Devices: a non-extractable X25519 pair per browser; the mailbox secret is sealed to its public key.
export const newDeviceKey = () => subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);

export async function deviceId(publicRaw) {
  return hex((await sha256(te.encode("confide device v1\n"), publicRaw)).slice(0, 16));
}

export async function sealToDevice(secret, mailbox, devicePublic) {
  const info = te.encode(`${DEVICE_INFO}${mailbox}\n${await deviceId(devicePublic)}\n`);
  const { enc, ct } = await suite.seal({ recipientPublicKey: await publicX25519(devicePublic), info }, secret);
  return concat(new Uint8Array(enc), new Uint8Array(ct));
}

// The mailbox sealed to this device (`pair`, from newDeviceKey), checked to be `mailbox`: the server knows the
// device's public key and could seal a secret of its own choosing to it.
export async function openOnDevice(sealed, pair, mailbox) {
  const devicePublic = new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
  const info = te.encode(`${DEVICE_INFO}${mailbox}\n${await deviceId(devicePublic)}\n`);
  const refused = new Error("this device cannot open that mailbox");
  let secret;
  try {
    secret = new Uint8Array(await suite.open({ recipientKey: pair, enc: sealed.slice(0, 32), info }, sealed.slice(32)));
  } catch { throw refused; }
  const opened = await openMailbox(secret);
  if (opened.id !== mailbox) throw refused;
  return { opened, secret };
}

// Recovery sheet: a random 128-bit code, Base32 in groups of four.
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export function formatCode(raw) {
  let bits = "", text = "";
  for (const byte of raw) bits += byte.toString(2).padStart(8, "0");
  for (let i = 0; i < bits.length; i += 5) text += B32[parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  return text.match(/.{1,4}/g).join("-");
}
export function parseCode(text, size = 16) {
  const cleaned = text.replace(/[\s-]/g, "").toUpperCase();
  if (!/^[A-Z2-7]*$/.test(cleaned)) throw new Error("That is not a recovery code.");
  let bits = "";
  for (const c of cleaned) bits += B32.indexOf(c).toString(2).padStart(5, "0");
  const raw = new Uint8Array(Math.floor(bits.length / 8));
  for (let i = 0; i < raw.length; i++) raw[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  if (raw.length !== size) throw new Error("That is not a recovery code.");  // (spare bits ignored, as in Python)
  return raw;
}
// Codes a person carries: the recovery sheet (128 bits) and a pairing code typed into a new device (80 bits).
export const RECOVERY = { size: 16, info: "confide mailbox recovery v1", error: "That is not a recovery code." };
export const PAIRING = { size: 10, info: "confide mailbox pairing v1", error: "That is not a pairing code." };
export const newCode = (kind) => formatCode(crypto.getRandomValues(new Uint8Array(kind.size)));
export const newRecoveryCode = () => newCode(RECOVERY);

async function codeKey(code, mailbox, kind, usage) {
  let raw;
  try { raw = parseCode(code, kind.size); } catch { throw new Error(kind.error); }
  const ikm = await subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
  const params = { name: "HKDF", hash: "SHA-256", salt: unhex(mailbox), info: te.encode(kind.info) };
  return subtle.deriveKey(params, ikm, { name: "AES-GCM", length: 256 }, false, [usage]);
}

export async function sealUnderCode(secret, code, mailbox, kind = RECOVERY) {
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const key = await codeKey(code, mailbox, kind, "encrypt");
  const ct = await subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: unhex(mailbox) }, key, secret);
  return concat(nonce, new Uint8Array(ct));
}

export async function openUnderCode(sealed, code, mailbox, kind = RECOVERY) {
  const key = await codeKey(code, mailbox, kind, "decrypt");
  const params = { name: "AES-GCM", iv: sealed.slice(0, 12), additionalData: unhex(mailbox) };
  return new Uint8Array(await subtle.decrypt(params, key, sealed.slice(12)));
}

export const sealForRecovery = (secret, code, mailbox) => sealUnderCode(secret, code, mailbox, RECOVERY);
export const openWithRecovery = (sealed, code, mailbox) => openUnderCode(sealed, code, mailbox, RECOVERY);

// A message's payload (what the envelope's body holds) and its attachments, as confide/messaging/payload.py
// reads and writes them: UTF-8 JSON {kind, text, files}; kind "message" in a thread, "journal" in the
// journal, so neither can be passed off as the other. Each file is sealed on its own under a fresh key, bound
// to its id; the signed payload carries that key and the SHA-256 of the sealed file.
const ATTACHMENT = "confide attachment v1\n", NONCE = 12;
export const KINDS = ["message", "journal"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
// A real date (month 13 is not; Date.parse would roll 30 February over, so the date must read back the same).
const realTime = (text) => { const t = Date.parse(text); const y = Number(text.slice(0, 4)); return !Number.isNaN(t) && y >= 2000 && y <= 9998 && new Date(t).toISOString().slice(0, 10) === text.slice(0, 10); };

// `sent` is the writer's own clock, signed with the words: the server's time and order are its word alone.
export function payloadBytes({ kind, text, files = [], sent = new Date().toISOString() }) {
  return te.encode(JSON.stringify({ kind, text, files, sent }));
}

export function parsePayload(bytes, kind) {
  const data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  if (!data || data.kind !== kind || typeof data.text !== "string" || !Array.isArray(data.files) ||
      typeof data.sent !== "string" || !TIME.test(data.sent) || !realTime(data.sent)) throw new Error("not a " + kind);
  for (const f of data.files) {  // an id goes into a URL: only ever a UUID
    if (typeof f.id !== "string" || !UUID.test(f.id) || typeof f.name !== "string" || typeof f.type !== "string" ||
        !Number.isSafeInteger(f.size) || typeof f.key !== "string" || !/^[0-9a-f]{64}$/.test(f.sha256)) throw new Error("not a " + kind);
  }
  return data;
}

export async function sealAttachment(data, id) {
  const key = crypto.getRandomValues(new Uint8Array(32)), nonce = crypto.getRandomValues(new Uint8Array(NONCE));
  const aes = await subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]);
  const sealed = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: te.encode(ATTACHMENT + id) }, aes, data));
  const blob = concat(nonce, sealed);
  return { key, blob, sha256: hex(await sha256(blob)) };
}

export async function openAttachment(blob, { id, key, sha256: digest }) {
  if (hex(await sha256(blob)) !== digest) throw new Error("the file was altered");
  const aes = await subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
  const opened = subtle.decrypt({ name: "AES-GCM", iv: blob.slice(0, NONCE), additionalData: te.encode(ATTACHMENT + id) }, aes, blob.slice(NONCE));
  return new Uint8Array(await opened);
}
