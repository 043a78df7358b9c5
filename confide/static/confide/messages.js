// The thread page (decision 19): every message and file is sealed and opened here, to and from the keys
// this browser checked; the server only ever sees public keys and ciphertext.
import * as m from "./envelope.js";
import { keysUnlogged, logSince } from "./keylog.js";
import { call, pinsKeep, pinsOf, startMailbox } from "./mailbox.js";

const root = document.getElementById("messages");
const $ = (id) => document.getElementById(id);
const status = (text, state) => { $("messages-status").textContent = text; if (state) root.dataset.state = state; };
const FILE_MAX = Number(root.dataset.fileMax), FILES_MAX = Number(root.dataset.filesMax);
const SLOT = "00000000-0000-0000-0000-000000000000";  // where a file id goes in the two file URLs
const SLOT_KEY = "0".repeat(32);  // where a key id goes in the two share URLs

let mine = null, people = [], newest = "", seen = new Set(), pins = {}, changed = [], gone = [], unlogged = [], logProblem = "";
let known = { members: {}, threads: {} };
// The messages this page opened and showed as this thread's (bound here, signed, of kind "message"): the
// only ones it will re-seal to someone, whatever else the server offers to share.
const checked = new Map();  // what this device has checked, kept in IndexedDB per mailbox

// What this browser kept: per person (by the member id the server names) the key it has seen for them
// and every earlier one they confirmed; per thread, whom it has seen there. Trust on first use applies
// only the first time this browser opens a thread: after that, anyone new in it — whatever name the server
// gives them — and any key that differs hold every message back until the person checks a safety code.
function loadKnown(stored) {
  if (stored && stored.members) return { members: stored.members, threads: stored.threads || {} };
  return { members: stored || {}, threads: {} };  // (kept by an earlier version: people only)
}

async function recipients() {
  const since = logSince(mine.id);
  const data = await call(root, root.dataset.recipients + (since ? `?since=${since}` : ""));
  for (const person of data.recipients) {  // a key id is the hash of its keys: a swapped key does not pass
    if (await m.mailboxId(m.unb64(person.receive), m.unb64(person.verify)) !== person.id) {
      throw new Error(`The key shown for ${person.name} is not the one published. Nothing was sent; tell the practice.`);
    }
  }
  // Key transparency: every key is one its owner published in the practice's signed log, or nothing is sent.
  try {
    unlogged = await keysUnlogged(data.log, data.recipients, data.practice, mine.id, root.dataset.logKey);
    logProblem = "";
  } catch (error) {  // the log itself does not verify: no key can be shown in it
    unlogged = data.recipients;
    logProblem = error.message;
  }
  people = data.recipients.map((p) => ({ ...p, receive: m.unb64(p.receive), verify: m.unb64(p.verify) }));
  known = loadKnown(await pinsOf(mine.id));
  pins = known.members;
  const others = people.filter((p) => p.id !== mine.id);
  const here = known.threads[root.dataset.client];  // undefined: this browser's first look at this thread
  const first = !here || here.length === 0;  // nobody but this person seen here yet: trust on first use
  changed = [];
  for (const p of others) {
    const pin = pins[p.member];
    if (pin && pin.key !== p.id) changed.push({ ...p, reason: "key" });
    else if (first) pins[p.member] = pin || { key: p.id, name: p.name, keys: [p.id] };
    else if (!pin) changed.push({ ...p, reason: "new" });
    else if (!here.includes(p.member)) changed.push({ ...p, reason: "joined" });
  }
  gone = first ? [] : here.filter((id) => !others.some((p) => p.member === id)).map((id) => (pins[id] || {}).name || "someone");
  if (!changed.length) known.threads[root.dataset.client] = others.map((p) => p.member);
  await pinsKeep(mine.id, known);
  $("thread-people").textContent = `Sealed for: ${[...others.map((p) => p.name).sort(), "you"].join(", ")}` +
    (gone.length ? `. No longer in this conversation: ${gone.sort().join(", ")}.` : "");
  await codes(others);
  return data;
}

async function codeItem(p) {
  const item = document.createElement("li");
  item.textContent = `${p.name}: ${await m.safetyCode(mine.id, p.id)}`;
  return item;
}

function why(p) {
  if (p.reason === "key") return `The key for ${pins[p.member].name} is not the one this device used before.`;
  const twin = Object.entries(pins).some(([id, pin]) => id !== p.member && pin.name === p.name);
  return `${p.name}${twin ? " (someone new with the same name as a person you know)" : ""} can now read what is sent here.`;
}

// Safety codes for everyone, and the changes that hold sending back until they are checked.
async function codes(others) {
  $("codes-list").replaceChildren(...(await Promise.all(others.map(codeItem))));
  $("changed").hidden = changed.length === 0;
  $("changed-who").textContent = changed.map(why).join(" ");
  $("changed-codes").replaceChildren(...(await Promise.all(changed.map(codeItem))));
  root.dataset.keys = changed.length ? "changed" : "known";
}

async function confirmChanged() {
  for (const p of changed) {
    const pin = pins[p.member];
    pins[p.member] = { key: p.id, name: p.name, keys: [...new Set([...(pin ? pin.keys : []), p.id])] };
  }
  known.threads[root.dataset.client] = people.filter((p) => p.id !== mine.id).map((p) => p.member);
  await pinsKeep(mine.id, known);
  changed = [];
  await codes(people.filter((p) => p.id !== mine.id));
  await offerShares();
}

// Who sent a message, by the key that signed it, as this browser knows that key — never by the server's word.
function senderOf(key) {
  if (key === mine.id) return "You";
  const known = Object.values(pins).find((pin) => pin.keys.includes(key));
  return known ? known.name : null;
}

// A file of an opened message: fetched sealed, checked against the hash its signed message carries, opened here.
function fileButton(file) {
  const button = document.createElement("button");
  button.type = "button"; button.className = "secondary file";
  button.textContent = `${file.name} (${Math.ceil(file.size / 1024)} KB)`;
  button.addEventListener("click", guard(async () => {
    const blob = await call(root, root.dataset.file.replace(SLOT, encodeURIComponent(file.id)));
    const opened = await m.openAttachment(blob, { ...file, key: m.unb64(file.key) }).catch(() => {
      throw new Error("That file does not open: it was altered on the way.");
    });
    const link = document.createElement("a");
    // Saved, never shown in this origin: whatever type the sender named, the page treats it as bytes.
    link.href = URL.createObjectURL(new Blob([opened], { type: "application/octet-stream" }));
    link.download = file.name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }));
  return button;
}

// Filing into the record (clinicians): the content key goes to the server, which checks it is the sender's
// and files the message's own words — the one deliberate point where they leave the browser.
// Filing hands the server the message's content key: it opens the words, and the keys of any files the
// message carries, so the person is told before, not after.
function fileIntoButton(row, envelope, files) {
  const button = document.createElement("button");
  button.type = "button"; button.className = "secondary";
  button.textContent = "File into the record";
  if (row.filed) { button.disabled = true; button.textContent = "Filed into the record"; return button; }
  button.addEventListener("click", guard(async () => {
    const n = files.length;
    if (n && !window.confirm(`Filing gives the practice's server this message's words and the keys of its ${n} attached file${n === 1 ? "" : "s"}, which it can then open too. The words are filed; the file${n === 1 ? " is" : "s are"} not. File it?`)) return;
    const key = await m.contentKeyOf(envelope, mine);
    await call(root, root.dataset.fileInto.replace(SLOT, row.id), { key: m.b64(key) });
    key.fill(0);
    button.disabled = true; button.textContent = "Filed into the record";
  }));
  return button;
}

// Each message in the order of the time its writer signed (the server's order and times are its word alone).
function line(who, text, when, mineFlag, files = [], extra = []) {
  const item = document.createElement("li");
  item.className = mineFlag ? "message mine" : "message";
  item.dataset.time = when;
  const head = document.createElement("span");
  head.className = "muted";
  head.textContent = `${who} · ${new Date(when).toLocaleString()}`;
  const body = document.createElement("p");
  body.textContent = text;
  item.append(head, body, ...files.map(fileButton), ...extra);
  const later = [...$("thread-list").children].find((li) => li.dataset.time > when);
  $("thread-list").insertBefore(item, later || null);
}

// A key re-sealed to this mailbox by someone else (the thread's earlier messages, shared): believed only if
// the sharer's key is the hash the server names, the sharer was a recipient, and the sharer signed the share.
async function sharer(row) {
  const by = row.sharedBy;
  if (!by) return null;
  const verify = m.unb64(by.verify);
  const ok = (await m.mailboxId(m.unb64(by.receive), verify)) === by.id &&
    (await m.sharedBy(m.unb64(row.envelope.context), mine.id, m.unb64(row.envelope.key), m.unb64(by.signature), { id: by.id, verify }));
  return ok ? { id: by.id, name: senderOf(by.id) || "someone whose key this device has not seen" } : false;
}

async function opened(row) {
  const e = row.envelope;
  const shared = e.key ? await sharer(row).catch(() => false) : null;
  const forMe = Boolean(shared) || !e.key;  // no key here: named for others, shown as not readable yet
  if (shared === false || !(await boundHere(e.context, row, forMe).catch(() => false))) return { text: "(this message was not written for this conversation: it is not shown)", who: "Unknown" };
  if (!e.key) return { who: "A sender this device cannot check yet", text: "(sealed before your key existed: someone in the conversation can let you read it)" };
  const envelope = { context: m.unb64(e.context), nonce: m.unb64(e.nonce), body: m.unb64(e.body), signature: m.unb64(e.signature), commitment: m.unb64(e.commitment), keys: { [mine.id]: m.unb64(e.key) } };
  try {
    const payload = m.parsePayload(await m.open(envelope, { mine, verify: m.unb64(row.senderVerify) }), "message");
    checked.set(row.id, { context: e.context, commitment: e.commitment });  // shown here as a message of this thread
    const extra = root.dataset.fileInto ? [fileIntoButton(row, envelope, payload.files)] : [];
    return { ...payload, extra, note: shared ? `shared with you later by ${shared.name}` : undefined };
  } catch { return { text: "(this message does not open: it was altered, or not signed by its sender)" }; }
}

async function poll() {
  const data = await call(root, `${root.dataset.list}${newest ? `?after=${encodeURIComponent(newest)}` : ""}`, undefined, true);
  if (data && data.messages.length >= Number(root.dataset.page)) setTimeout(() => poll().catch(() => {}), 0);  // more wait
  for (const row of data ? data.messages : []) {
    newest = row.sent;
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    const { text, files, who: unknown, note, extra, sent } = await opened(row);
    const who = unknown || senderOf(row.senderKey) || "Someone whose key this device has not seen (compare safety codes)";
    line(note ? `${who} (${note})` : who, text, sent || new Date(row.sent).toISOString(), who === "You", files || [], extra || []);
  }
  return data ? data.messages.length : 0;
}

// A message belongs here only if its signed context says so: this practice and thread, its own id, sealed to
// this mailbox, and signed by the key the server names — which must be the hash of the keys it gives.
async function boundHere(context, row, forMe) {
  const ctx = m.parseContext(m.unb64(context));
  const keyOk = (await m.mailboxId(m.unb64(row.senderReceive), m.unb64(row.senderVerify))) === row.senderKey;
  return keyOk && ctx.practice === root.dataset.practice && ctx.thread === root.dataset.client &&
    ctx.message === row.id && ctx.sender === row.senderKey && (ctx.recipients.includes(mine.id) || forMe);
}

// The earlier messages this browser can open and someone in the thread now cannot: offered to share with
// them, one button a person, only to a key this browser has checked (not one held back as changed).
async function offerShares() {
  const { unshared } = await call(root, root.dataset.unshared);
  const buttons = [];
  for (const p of people.filter((p) => p.id !== mine.id && unshared[p.id] > 0 && ![...changed, ...unlogged].some((c) => c.id === p.id))) {
    const button = document.createElement("button");
    button.type = "button"; button.className = "secondary";
    button.textContent = `Let ${p.name} read the ${unshared[p.id]} earlier message${unshared[p.id] === 1 ? "" : "s"}`;
    button.addEventListener("click", guard(() => shareWith(p)));
    buttons.push(button);
  }
  $("share-list").replaceChildren(...buttons);
  $("share-history").hidden = buttons.length === 0;
}

async function shareWith(person) {
  if (unlogged.length) throw new Error(UNLOGGED(unlogged));
  if (changed.length) throw new Error("Someone joined or a key changed: compare the safety codes before anything is shared.");
  const url = (base) => base.replace(SLOT_KEY, person.id);
  while ((await poll()) >= Number(root.dataset.page));  // every earlier message opened and checked first
  const { messages } = await call(root, url(root.dataset.shareable));
  const shares = {};
  const mineToShare = messages.filter((row) => {
    const shown = checked.get(row.id);
    return shown && shown.context === row.context && shown.commitment === row.commitment;
  });
  if (mineToShare.length < messages.length) {
    throw new Error("The practice offered to share something this page has not shown you as a message of this conversation: nothing was shared. Tell the practice.");
  }
  for (const row of mineToShare) {
    const one = await m.reshare({ context: m.unb64(row.context), commitment: m.unb64(row.commitment), sealed: m.unb64(row.key) }, { mine, target: person });
    shares[row.id] = { sealed: m.b64(one.sealed), signature: m.b64(one.signature) };
  }
  const { shared } = await call(root, url(root.dataset.share), { shares });
  status(`${person.name} can now read ${shared} earlier message${shared === 1 ? "" : "s"}.`, "ready");
  await offerShares();
}

// Each chosen file sealed under its own key and uploaded first; the message then carries their keys.
async function sealFiles(chosen) {
  if (chosen.length > FILES_MAX) throw new Error(`A message can carry at most ${FILES_MAX} files.`);
  const big = chosen.find((f) => f.size > FILE_MAX);
  if (big) throw new Error(`${big.name} is larger than ${FILE_MAX / 1048576} MB: nothing was sent.`);
  const files = [];
  for (const file of chosen) {
    const id = crypto.randomUUID();
    const sealed = await m.sealAttachment(new Uint8Array(await file.arrayBuffer()), id);
    await call(root, root.dataset.upload.replace(SLOT, id), sealed.blob);
    files.push({ id, name: file.name, type: file.type, size: file.size, key: m.b64(sealed.key), sha256: sealed.sha256 });
  }
  return files;
}

const UNLOGGED = (who) => logProblem ? `${logProblem} Nothing can be sent here; tell the practice.` : `The key shown for ${who.map((p) => (p.id === mine.id ? "you" : p.name)).join(", ")} is not in the practice's signed log as one they use, so nothing can be sent here. Tell the practice.`;
const CHANGED = "Someone joined or a key changed: compare the safety codes before anything is sent.";

async function send(text, chosen = []) {
  if (unlogged.length) throw new Error(UNLOGGED(unlogged));
  if (changed.length) throw new Error(CHANGED);
  const files = await sealFiles(chosen);
  for (let attempt = 0; attempt < 2; attempt++) {
    const data = attempt ? await recipients() : { practice: root.dataset.practice, thread: root.dataset.client };
    if (unlogged.length) throw new Error(UNLOGGED(unlogged));
    if (changed.length) throw new Error(CHANGED);
    const ids = people.map((p) => p.id);
    const context = m.contextBytes({ practice: data.practice, thread: data.thread, message: crypto.randomUUID(), sender: mine.id, recipients: ids });
    const sealed = await m.seal(m.payloadBytes({ kind: "message", text, files }), { context, sender: mine, recipients: people });
    const keys = Object.fromEntries(Object.entries(sealed.keys).map(([id, k]) => [id, m.b64(k)]));
    try {
      await call(root, root.dataset.send, { context: m.b64(sealed.context), nonce: m.b64(sealed.nonce), body: m.b64(sealed.body), signature: m.b64(sealed.signature), commitment: m.b64(sealed.commitment), keys, attachments: files.map((f) => f.id) });
      return;
    } catch (error) {
      if (attempt || !/changed/.test(error.message)) throw error;
    }
  }
}

async function openThread(mailbox) {
  mine = mailbox;
  const data = await recipients();
  root.dataset.practice = data.practice;
  $("thread").hidden = false;
  if (unlogged.length) status(UNLOGGED(unlogged), "unlogged");
  else status("Sealed in your browser: only the people listed can read these messages.", "ready");
  const shared = sessionStorage.getItem("confide-share");  // an entry the journal page handed over to send
  if (shared !== null) {
    sessionStorage.removeItem("confide-share");
    $("compose-text").value = shared;
    $("shared").hidden = false;
  }
  await poll();
  await offerShares();
  const timer = setInterval(() => poll().catch(() => {
    clearInterval(timer);  // signed out after a period of inactivity (a redirect), or the server is gone
    status("This page has stopped: reload it (you may have been signed out after a period of inactivity).", "stopped");
  }), 1000);
}

const guard = startMailbox(root, status, openThread);
$("changed-ok").addEventListener("click", guard(confirmChanged));
$("compose").addEventListener("submit", (event) => {
  event.preventDefault();
  const box = $("compose-text"), picker = $("compose-files");
  guard(async () => {
    status("Sealing and sending…");
    await send(box.value, [...picker.files]);
    box.value = ""; picker.value = "";
    status("Sealed in your browser: only the people listed can read these messages.", "ready");
    await poll();
  })();
});
