// Key transparency (decision 19): before a page seals anything to a person's key, it checks that the
// practice's signed log holds that key's publication, by that person, in this practice — the entry's
// committed bytes, its leaf and its inclusion proof in a checkpoint whose signature verifies. A key row
// written behind the server's back has no such entry; one published openly is in the log for good.
import { CONTEXT, b64, cat, enc, openCheckpoint, sha, verifyInclusion } from "./logproof.js";

const PUBLISH = "messaging:mailbox:publish";

// The people (as the recipients endpoint names them) whose key the log does not show them publishing:
// an empty list when every key checks. Throws when the log itself does not verify.
export async function keysUnlogged(log, people, practice) {
  if (!log || log.problem) throw new Error("The practice's log cannot be checked" + (log && log.problem ? ": " + log.problem : "."));
  let root = null;
  if (log.size) {
    const lines = await openCheckpoint(log.checkpoint, log.verifier_key);
    if (!lines || Number(lines[1]) !== log.size || lines[2] !== log.root) throw new Error("The practice's log does not verify.");
    root = b64(log.root);
  }
  const unlogged = [];
  for (const person of people) {
    const entry = root && log.keys ? log.keys[person.id] : null;
    if (!entry || entry.salt === null || !(await logged(entry, person, practice, log.size, root))) unlogged.push(person);
  }
  return unlogged;
}

async function logged(entry, person, practice, size, root) {
  const f = JSON.parse(entry.canonical);
  if (f.action !== PUBLISH || f.object_type !== "mailbox" || f.object_id !== person.id || f.actor !== person.member || f.practice !== practice) return false;
  const leaf = await sha(cat(Uint8Array.of(0), await sha(cat(CONTEXT, b64(entry.salt), enc.encode(entry.canonical)))));
  return verifyInclusion(entry.index, size, leaf, entry.proof.map(b64), root);
}
