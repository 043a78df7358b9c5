// Key transparency (decision 19): before a page seals anything to a person's key, it checks that the
// practice's signed log holds that key's publication, by that person, in this practice, and no retirement
// of it — each entry's committed bytes, its leaf and its inclusion proof in a checkpoint whose signature
// verifies by the key the page itself names (never the answer being checked), which must be the key this
// device saw sign the log before; and the checkpoint must extend the
// last checkpoint it checked (a consistency proof), unless the log itself says a backup was restored since.
// A key row written behind the server's back has no such entry; one published openly is in the log for good.
import { CONTEXT, b64, cat, enc, openCheckpoint, restoresOf, sha, verifyConsistency, verifyInclusion } from "./logproof.js";

const PUBLISH = "messaging:mailbox:publish";
const slot = (mine) => "confide-key-log:" + mine;  // one memory per mailbox (two people may share a device)

// The size of the log this device last checked for ``mine`` (the recipients endpoint's ?since=), or "".
export function logSince(mine) {
  const pin = JSON.parse(localStorage.getItem(slot(mine)) || "null");
  return pin ? String(pin.size) : "";
}

// The people (as the recipients endpoint names them) whose key the log does not show them publishing and
// still using: an empty list when every key checks. Throws when the log itself does not verify.
export async function keysUnlogged(log, people, practice, mine, logKey) {
  if (!log || log.problem) throw new Error("The practice's log cannot be checked" + (log && log.problem ? ": " + log.problem + "." : "."));
  if (!log.size) return people;
  if (log.verifier_key !== logKey) throw new Error("The practice's log is signed by another key than the page names.");
  const lines = await openCheckpoint(log.checkpoint, logKey);
  if (!lines || Number(lines[1]) !== log.size || lines[2] !== log.root) throw new Error("The practice's log does not verify.");
  const root = b64(log.root);
  await extendsWhatWasSeen(log, lines, root, mine);
  const unlogged = [];
  for (const person of people) {
    const entry = log.keys ? log.keys[person.id] : null;
    // A retirement sent with the key refuses it as it stands: only ever a reason to seal nothing.
    const ok = entry && !entry.retired && entry.canonical && (await logged(entry, person, practice, log.size, root));
    if (!ok) unlogged.push(person);
  }
  return unlogged;
}

async function extendsWhatWasSeen(log, lines, root, mine) {
  const pin = JSON.parse(localStorage.getItem(slot(mine)) || "null");
  if (pin) {
    if (pin.vkey !== log.verifier_key) throw new Error("The practice's log is signed by another key than the one this device saw before.");
    const lost = restoresOf(lines).some((r) => pin.size > r.at && pin.size <= r.lostSize);
    if (!lost && (pin.size > log.size || !(await verifyConsistency(pin.size, log.size, b64(pin.root), root, (log.consistency || []).map(b64)))))
      throw new Error("The practice's log was rewritten since this device last checked it.");
  }
  localStorage.setItem(slot(mine), JSON.stringify({ vkey: log.verifier_key, size: log.size, root: log.root }));
}

// Whether ``entry`` is in the signed log and records this person publishing their key in this practice.
async function logged(entry, person, practice, size, root) {
  if (entry.salt === null) return false;
  const f = JSON.parse(entry.canonical);
  if (f.action !== PUBLISH || f.object_type !== "mailbox" || f.object_id !== person.id || f.practice !== practice || f.actor !== person.member) return false;
  const leaf = await sha(cat(Uint8Array.of(0), await sha(cat(CONTEXT, b64(entry.salt), enc.encode(entry.canonical)))));
  return verifyInclusion(entry.index, size, leaf, entry.proof.map(b64), root);
}
