// The transparency log's proofs as a browser checks them (WebCrypto SHA-256 and Ed25519): RFC 9162
// inclusion and consistency proofs, C2SP signed notes (the log's checkpoint) and cosignatures (its witnesses),
// and the leaf of an entry from its committed bytes. The same algorithms as confide/audit/merkle.py and note.py;
// verify-history.js (a client's history) and keylog.js (the keys a thread is sealed to) use them.
export const enc = new TextEncoder();
export const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
export const cat = (...parts) => { const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let o = 0; for (const p of parts) { out.set(p, o); o += p.length; } return out; };
export const sha = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
export const eq = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
export const node = (l, r) => sha(cat(Uint8Array.of(1), l, r));
export const CONTEXT = enc.encode("confide-audit-event-v1\u0000");

function innerBorder(index, size) {
  const x = index ^ (size - 1);
  const inner = x === 0 ? 0 : Math.floor(Math.log2(x)) + 1;
  let rest = Math.floor(index / 2 ** inner), border = 0;
  while (rest) { border += rest & 1; rest = Math.floor(rest / 2); }
  return [inner, border];
}

export async function verifyInclusion(index, size, leaf, proof, root) {
  if (index >= size) return false;
  const [inner, border] = innerBorder(index, size);
  if (proof.length !== inner + border) return false;
  let fn = index, sn = size - 1, r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await node(p, r);
      if (fn % 2 === 0) { while (fn !== 0 && fn % 2 === 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
    } else {
      r = await node(r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && eq(r, root);
}

export async function verifyConsistency(m, n, oldRoot, newRoot, proof) {
  if (m <= 0 || n < m) return false;
  if (m === n) return proof.length === 0 && eq(oldRoot, newRoot);
  if (proof.length === 0) return false;
  let shift = 0; while ((m >> shift) % 2 === 0) shift++;
  const [inner, border] = innerBorder(m - 1, n);
  const path = m === 2 ** shift ? [oldRoot, ...proof] : proof;
  if (path.length !== 1 + inner - shift + border) return false;
  let fn = m - 1, sn = n - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await node(c, fr); sr = await node(c, sr);
      if (fn % 2 === 0) { while (fn !== 0 && fn % 2 === 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
    } else {
      sr = await node(sr, c);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return eq(fr, oldRoot) && eq(sr, newRoot) && sn === 0;
}

// A verifier key "<name>+<hex key hash>+<base64 key>" (the base64 may itself hold "+": split on the first two).
export function splitKey(vkey) {
  const first = vkey.indexOf("+"), second = vkey.indexOf("+", first + 1);
  return { name: vkey.slice(0, first), hashHex: vkey.slice(first + 1, second), raw: b64(vkey.slice(second + 1)) };
}
export const hexOf = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

// The signed body's lines ([origin, size, root, extensions…]) if the note verifies, else null.
export async function openCheckpoint(note, vkey) {
  const { name, hashHex, raw } = splitKey(vkey);
  const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
  const split = note.indexOf("\n\n");
  const body = note.slice(0, split + 1);
  for (const line of note.slice(split + 2).split("\n")) {
    const parts = line.split(" ");
    if (parts.length !== 3 || parts[0] !== "\u2014" || parts[1] !== name) continue;
    const blob = b64(parts[2]);
    if (hexOf(blob.slice(0, 4)) !== hashHex) continue;
    if (!(await crypto.subtle.verify({ name: "Ed25519" }, key, blob.slice(4), enc.encode(body)))) return null;
    return body.slice(0, -1).split("\n");
  }
  return null;
}

// The witnesses (each listed key once) whose C2SP cosignature/v1 of the note's body verifies: [{name, vkey, time}].
export async function cosigners(note, vkeys) {
  const split = note.indexOf("\n\n");
  const body = note.slice(0, split + 1), lines = note.slice(split + 2).split("\n");
  const found = new Map();
  for (const vkey of new Set(vkeys)) {
    const { name, hashHex, raw } = splitKey(vkey);
    if (raw.length !== 33 || raw[0] !== 4 || found.has(name)) continue;
    const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
    for (const line of lines) {
      const parts = line.split(" ");
      if (parts.length !== 3 || parts[0] !== "\u2014" || parts[1] !== name) continue;
      const blob = b64(parts[2]);
      if (blob.length !== 76 || hexOf(blob.slice(0, 4)) !== hashHex) continue;
      let time = 0n;
      for (const byte of blob.slice(4, 12)) time = (time << 8n) | BigInt(byte);
      const message = enc.encode("cosignature/v1\ntime " + time + "\n" + body);
      if (await crypto.subtle.verify({ name: "Ed25519" }, key, blob.slice(12), message)) { found.set(name, { name, vkey, time: Number(time) }); break; }
    }
  }
  return [...found.values()];
}

// Every accepted backup restore, oldest first, as each checkpoint lists them: {at, lostSize}.
export function restoresOf(lines) {
  const found = [];
  for (const line of lines.slice(3)) {
    const parts = line.split(" ");
    if (parts.length === 4 && parts[0] === "confide-restored/v1") found.push({ at: Number(parts[1]), lostSize: Number(parts[2]) });
  }
  return found;
}
