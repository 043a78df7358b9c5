// Verifies the client's access history in the browser (WebCrypto SHA-256 and Ed25519).
// Checks: the checkpoint's signed-note signature; the client's head in the checkpoint's map of
// heads (so the history provably ends there); each shown entry's commitment, leaf and RFC 9162
// inclusion proof; gap-free numbering; that the log only grew since the last visit and since the
// newest checkpoint the signer kept outside the database; that the history never shrank; that entries
// held back for a time (sealed) and shown now were in the log since the first checkpoint that held them;
// and which of the practice's independent witnesses cosigned a checkpoint that the served one extends.
import { CONTEXT, b64, cat, cosigners, enc, eq, openCheckpoint, restoresOf, sha, verifyConsistency, verifyInclusion } from "./logproof.js";

const box = document.getElementById("verify");
// The log's key as the page names it: the answer that is checked does not get to say who signed it.
const LOG_KEY = box ? box.dataset.logKey : "";
// One memory per signed-in account (two clients may share a device); it names the record it saw, so a
// record swapped under the account is noticed.
const STORE = box ? "confide-history-checkpoint:" + box.dataset.viewer : "";
const HEAD_CONTEXT = enc.encode("confide-client-head-v1\u0000");
const u64 = (n) => { const out = new Uint8Array(8); let v = BigInt(n); for (let i = 7; i >= 0; i--) { out[i] = Number(v & 255n); v >>= 8n; } return out; };
const uuidBytes = (s) => Uint8Array.from(s.replace(/-/g, "").match(/../g), (h) => parseInt(h, 16));

// Whether the served log (data.size, root) extends a signed checkpoint's lines: the same root at its size,
// or a consistency proof from it.
async function extendsFrom(lines, proof, data, root) {
  const size = Number(lines[1]);
  return size === data.size ? lines[2] === data.root : size < data.size && verifyConsistency(size, data.size, b64(lines[2]), root, proof.map(b64));
}

// What the witnesses confirmed, checked against what this browser saw of them before: a witness's key
// never changes, and the confirmation never goes back (withholding newer cosignatures is how a practice
// would show one history to its witnesses and another to its client).
async function witnessCheck(data, root, prior, last) {
  const keys = Object.assign({}, (last && last.witnessKeys) || {});
  if (!data.witnessed) return { names: [], size: 0, keys, time: null };
  const cosigned = await openCheckpoint(data.witnessed.checkpoint, LOG_KEY);
  if (!cosigned) throw new Error("the checkpoint the witnesses cosigned does not verify");
  const size = Number(cosigned[1]);
  if (!(await extendsFrom(cosigned, data.witnessed.proof, data, root))) throw new Error("the log differs from what its witnesses cosigned");
  const found = await cosigners(data.witnessed.checkpoint, data.witnessed.witnesses);
  for (const w of found) {
    if (keys[w.name] && keys[w.name] !== w.vkey) throw new Error("the key of witness " + w.name + " changed since your last visit");
    keys[w.name] = w.vkey;
  }
  if (found.length && prior && (prior.witnessed || 0) > size) throw new Error("the witnesses' confirmation is older than the one your browser saw on your last visit");
  return { names: found.map((w) => w.name), size: found.length ? size : 0, keys, time: found.length ? Math.min(...found.map((w) => w.time)) : null };
}

function headsOf(lines) {
  for (const line of lines.slice(3)) {
    const parts = line.split(" ");
    if (parts.length === 3 && parts[0] === "confide-heads/v1") return { count: Number(parts[1]), root: b64(parts[2]) };
  }
  return null;
}

function timeOf(lines) {
  for (const line of lines.slice(3)) {
    const parts = line.split(" ");
    if (parts.length === 2 && parts[0] === "confide-time/v1") return new Date(Number(parts[1]) * 1000);
  }
  return null;
}

// Does a row say what its entry committed to? The number alone would let a forged row stand in.
function sameAs(li, f, time) {
  return f.action === li.dataset.action && (f.actor || "") === li.dataset.actor && f.role === li.dataset.role &&
    f.time === time && f.purpose === li.dataset.purpose && (li.dataset.mine === "true") === (f.actor === box.dataset.viewer);
}

// An entry that was held back (sealed) and is shown now under the entry that lifted its seal: it must be in
// the log, belong to that seal, and have been in the first signed checkpoint that held it, whose signed
// time says since when; the lifting entry says how many it held, and every one must be shown.
async function checkRevealed(li, lift, data, root) {
  const f = JSON.parse(lift.canonical), held = lift.revealed || [];
  const shown = Array.from(li.querySelectorAll("li[data-sealed]"));
  if (held.length !== Number(f.purpose) || shown.length !== held.length) throw new Error("entries held back until " + f.time.slice(0, 10) + " are missing");
  const byNumber = new Map();
  for (const e of held) {
    if (e.salt === null) throw new Error("an entry can no longer be checked");
    const g = JSON.parse(e.canonical);
    if (g.client !== data.client || g.seal !== f.object_id || byNumber.has(g.sealed_seq)) throw new Error("an entry shown as held back belongs elsewhere");
    const leaf = await sha(cat(Uint8Array.of(0), await sha(cat(CONTEXT, b64(e.salt), enc.encode(e.canonical)))));
    if (!eq(leaf, b64(e.leaf)) || !(await verifyInclusion(e.index, data.size, leaf, e.proof.map(b64), root))) throw new Error("an entry held back is not in the log as recorded");
    const since = e.since ? await openCheckpoint(e.since.checkpoint, LOG_KEY) : null;
    const sinceSize = since ? Number(since[1]) : 0, at = since ? timeOf(since) : null;
    if (!since || !at || e.index >= sinceSize || !(await verifyInclusion(e.index, sinceSize, leaf, e.since.proof.map(b64), b64(since[2]))) ||
        !(await extendsFrom(since, e.since.consistency, data, root)))
      throw new Error("an entry held back cannot be shown to have been in the log since it was recorded");
    if (at.getTime() < Date.parse(g.time) - 120000) throw new Error("an entry held back claims a time after it was logged");
    // Logged within seconds normally, within hours after an outage: a day later, it was added afterwards.
    if (at.getTime() > Date.parse(g.time) + 86400000) throw new Error("an entry held back was logged long after the time it claims");
    byNumber.set(g.sealed_seq, { fields: g, at });
  }
  for (const row of shown) {
    const found = byNumber.get(Number(row.dataset.sealed));
    if (!found || !sameAs(row, found.fields, row.dataset.time)) throw new Error("an entry held back is shown differently from what was recorded");
    const note = row.querySelector(".logged-since");
    if (note) note.textContent = "in the signed log since " + found.at.toLocaleString();
    row.classList.add("verified");
  }
}

function show(state, text, detail) {
  box.dataset.state = state;
  document.getElementById("verify-status").textContent = text;
  document.getElementById("verify-detail").textContent = detail || "";
}

async function run() {
  const last = JSON.parse(localStorage.getItem(STORE) || "null");
  if (last && last.client !== box.dataset.client) throw new Error("this is not the record your browser saw on your last visit");
  if (last && last.vkey && last.vkey !== LOG_KEY) throw new Error("the log is signed by another key than on your last visit");
  // A line is one person doing one thing for one reason on one day: it lists each entry's number and time.
  const rows = Array.from(document.querySelectorAll("#history li[data-seqs]"));
  const numbersOf = (li) => li.dataset.seqs.split(" ").map(Number);
  const shown = rows.flatMap(numbersOf);
  const first = box.dataset.first === "true", filtered = box.dataset.filtered === "true";
  // An unfiltered page answers for every number from the next page's boundary (1 on the oldest page) to
  // the one below the previous page; the first page, up to the signed head, so nothing recorded after the
  // page was drawn escapes. A filtered page answers for exactly the entries it shows.
  const low = Number(box.dataset.low), high = box.dataset.high ? Number(box.dataset.high) : null;
  const params = new URLSearchParams();
  if (filtered) params.set("seqs", shown.join(","));
  else { params.set("from", low); if (high !== null) params.set("to", high); }
  if (last) params.set("since", last.size);
  const data = await (await fetch(box.dataset.proofs + "?" + params, { credentials: "same-origin" })).json();
  if (data.problem) throw new Error(data.problem);
  if (data.client !== box.dataset.client) throw new Error("the proofs are for another record");
  if (!data.size) {
    if (shown.length || last) throw new Error("entries are shown that the log does not hold");
    show("verified", "Verified: nothing has been recorded yet."); return;
  }
  const root = b64(data.root);
  const lines = await openCheckpoint(data.checkpoint, LOG_KEY);
  if (!lines || Number(lines[1]) !== data.size || lines[2] !== data.root) throw new Error("the log's signature does not verify");
  const heads = headsOf(lines);
  if (!heads) throw new Error("the signed checkpoint does not say where your history ends");
  // What this browser saw last was lost with a backup the practice restored after that visit (and its
  // signer says so): start again from what is there now, and tell the client.
  const restores = restoresOf(lines);
  const lost = Boolean(last) && restores.slice(last.restores || 0).some((r) => last.size > r.at && last.size <= r.lostSize);
  const prior = lost ? null : last;
  if (data.anchor) {
    const kept = await openCheckpoint(data.anchor.checkpoint, LOG_KEY);
    if (!kept) throw new Error("the kept checkpoint's signature does not verify");
    const keptSize = Number(kept[1]);
    if (keptSize > data.size) throw new Error("the log is older than the newest checkpoint it signed");
    if (!(await extendsFrom(kept, data.anchor.proof, data, root)))
      throw new Error("the log differs from the newest checkpoint it signed");
  }
  const witnessed = await witnessCheck(data, root, prior, last);
  const head = data.head;
  if (head) {
    const leaf = await sha(cat(Uint8Array.of(0), HEAD_CONTEXT, uuidBytes(data.client), u64(head.seq), u64(head.index)));
    if (!(await verifyInclusion(head.position, heads.count, leaf, head.proof.map(b64), heads.root))) throw new Error("where your history ends is not what the log signed");
  } else if (shown.length) {
    throw new Error("the signed log holds no history of yours, yet entries are shown");
  }
  const bySeq = new Map();
  for (const e of data.entries) {
    if (e.salt === null) throw new Error("an entry can no longer be checked");
    const fields = JSON.parse(e.canonical);
    if (fields.client !== data.client || fields.seq !== e.seq) throw new Error("entry " + e.seq + " belongs to another history");
    if (bySeq.has(e.seq)) throw new Error("entry " + e.seq + " appears twice");
    const commitment = await sha(cat(CONTEXT, b64(e.salt), enc.encode(e.canonical)));
    const leaf = await sha(cat(Uint8Array.of(0), commitment));
    if (!eq(leaf, b64(e.leaf))) throw new Error("entry " + e.seq + " differs from what was recorded");
    if (!(await verifyInclusion(e.index, data.size, leaf, e.proof.map(b64), root))) throw new Error("entry " + e.seq + " is not in the log");
    bySeq.set(e.seq, e);
  }
  // Each row must say what its entry committed to: the number alone would let a forged row stand in.
  for (const li of rows) {
    const seqs = numbersOf(li), times = li.dataset.times.split(" ");
    if (times.length !== seqs.length) throw new Error("a line is shown differently from what was recorded");
    for (const [i, seq] of seqs.entries()) {
      const entry = bySeq.get(seq);
      if (!entry) throw new Error("entry " + seq + " is not in the signed log");
      const f = JSON.parse(entry.canonical);
      if (!sameAs(li, f, times[i])) throw new Error("entry " + seq + " is shown differently from what was recorded");
      if (f.action === "audit:seal:lift" && seqs.length === 1) await checkRevealed(li, entry, data, root);
      else if (f.action === "audit:seal:lift" || li.querySelector("li[data-sealed]")) throw new Error("entry " + seq + " is shown differently from what was recorded");
    }
    li.classList.add("verified");
  }
  if (new Set(shown).size !== shown.length) throw new Error("an entry is shown twice");
  const top = first ? (head ? head.seq : 0) : high;
  if (!filtered) {
    for (let seq = low; seq <= top; seq++) if (!bySeq.has(seq)) throw new Error("entry " + seq + " is missing");
    if (shown.some((seq) => seq < low || seq > top)) throw new Error("an entry is shown out of place");
  }
  if (head && first) {
    const newest = bySeq.get(head.seq);
    if (!newest || newest.index !== head.index) throw new Error("your newest entries are missing (the log says your history has " + head.seq + ")");
  }
  // Entries recorded after the page was drawn, by anyone but the client: the page is out of date.
  const drawn = shown.length ? Math.max(...shown) : 0;
  const newer = first && head ? [...bySeq.values()].filter((e) => e.seq > drawn && JSON.parse(e.canonical).role !== "client").length : 0;
  const headSeq = head ? head.seq : 0;
  if (prior) {
    if (prior.size > data.size) throw new Error("the log shrank since your last visit");
    if ((prior.head || 0) > headSeq) throw new Error("your history shrank since your last visit");
    const seen = data.seen ? await openCheckpoint(data.seen, LOG_KEY) : null;
    if (!seen || Number(seen[1]) !== prior.size || seen[2] !== prior.root) throw new Error("the checkpoint you saw on your last visit was deleted or changed");
    const proof = data.consistency ? data.consistency.proof.map(b64) : [];
    if (!(await verifyConsistency(prior.size, data.size, b64(prior.root), root, proof))) throw new Error("the log was rewritten since your last visit");
  }
  const witnessedSize = Math.max(witnessed.size, (prior && prior.witnessed) || 0);
  localStorage.setItem(STORE, JSON.stringify({ vkey: LOG_KEY, client: data.client, size: data.size, root: data.root, head: headSeq, restores: restores.length, witnessed: witnessedSize, witnessKeys: witnessed.keys }));
  let confirmed = "";
  if (witnessed.names.length) {
    const n = witnessed.names.length, after = [...bySeq.values()].filter((e) => e.index >= witnessed.size).length;
    confirmed = " Also confirmed by " + n + " independent witness" + (n > 1 ? "es" : "") + " (" + witnessed.names.join(", ") + ") as the log stood on " +
      new Date(witnessed.time * 1000).toLocaleString() + (after ? "; " + after + " of the entries checked were recorded after that and are not confirmed yet." : ".");
  } else if (prior && prior.witnessed) {
    confirmed = " No witness's confirmation was shown this time, though one was on your last visit.";
  }
  const scope = filtered ? " (a filtered view: the full view also checks that nothing is missing)" : "";
  const detail = shown.length + " entries checked against a signed log of " + data.size + " entries; your history holds " +
    headSeq + (prior ? ", consistent with your last visit." : ".") + scope + confirmed;
  if (lost) { show("restored", "The practice restored a backup of its records after your last visit, so entries recorded shortly before it may be gone. What you see now is verified.", detail); return; }
  if (newer > 0) { show("stale", "This page is out of date: " + newer + " newer entries were recorded since it was drawn. Reload to see them.", detail); return; }
  show("verified", filtered ? "Verified: these entries are in the signed log." : "Verified: this history is complete and unchanged.", detail);
}

if (box) run().catch((err) => show("changed", "Warning: this history changed.", String(err.message || err)));
