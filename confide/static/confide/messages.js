// The thread page (decision 19): this browser's device key stays in IndexedDB as a non-extractable
// CryptoKey; the mailbox secret is fetched sealed to it, opened here, and every message is sealed and
// opened here. The server only ever sees public keys and ciphertext.
import * as m from "./envelope.js";

const root = document.getElementById("messages");
const $ = (id) => document.getElementById(id);
const status = (text, state) => { $("messages-status").textContent = text; if (state) root.dataset.state = state; };
const show = (...ids) => { for (const id of ["setup", "sheet", "thread"]) $(id).hidden = !ids.includes(id); };
const te = new TextEncoder(), td = new TextDecoder();

// A poll the page makes on its own says so: it must not keep an idle session from timing out.
async function call(url, body, background = false) {
  const options = body === undefined ? { credentials: "same-origin", redirect: "error", headers: background ? { "X-Confide-Background": "poll" } : {} } : {
    method: "POST", credentials: "same-origin", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
  };
  for (let attempt = 1; ; attempt++) {  // a busy server or a dropped network is asked again, twice
    const response = await fetch(url, options).catch(() => null);
    if (response && response.status === 204) return null;
    const data = response ? await response.json().catch(() => ({})) : {};
    if (response && response.ok) return data;
    if ((!response || response.status >= 500) && attempt < 3) { await new Promise((r) => setTimeout(r, 1000 * attempt)); continue; }
    throw new Error(data.detail || (response ? "The server refused that." : "The practice's server cannot be reached."));
  }
}

// IndexedDB: "devices", one record per mailbox this browser holds, {pair, deviceId}; "pins", per mailbox,
// the key this browser has seen for each person it wrote to ({member: {key, name, keys}}): a key the
// server swaps later shows up as changed, and nothing is sealed to it until the person checks.
function store(name, mode, action) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("confide-messages", 2);
    open.onupgradeneeded = () => {
      for (const s of ["devices", "pins"]) if (!open.result.objectStoreNames.contains(s)) open.result.createObjectStore(s);
    };
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const request = action(open.result.transaction(name, mode).objectStore(name));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    };
  });
}
const remember = (mailbox, record) => store("devices", "readwrite", (s) => s.put(record, mailbox));
const recall = (mailbox) => store("devices", "readonly", (s) => s.get(mailbox));
const pinsOf = async (mailbox) => (await store("pins", "readonly", (s) => s.get(mailbox))) || {};
const pinsKeep = (mailbox, pins) => store("pins", "readwrite", (s) => s.put(pins, mailbox));

async function newDevice(secret, mailbox) {
  const pair = await m.newDeviceKey();
  const devicePublic = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const sealed = await m.sealToDevice(secret, mailbox, devicePublic);
  return { pair, deviceId: await m.deviceId(devicePublic), upload: { public: m.b64(devicePublic), sealed: m.b64(sealed) } };
}

let mine = null, people = [], newest = "", seen = new Set(), pins = {}, changed = [];

let replaces = null;  // the mailbox the person chose to give up by starting again, if any

async function setUp() {
  status("Making your keys…", "working");
  const secret = m.newMailboxSecret();
  const mailbox = await m.openMailbox(secret);
  const device = await newDevice(secret, mailbox.id);
  const code = m.newRecoveryCode();
  const recovery = await m.sealForRecovery(secret, code, mailbox.id);
  await call(root.dataset.publish, { receive: m.b64(mailbox.receive), verify: m.b64(mailbox.verify), device: device.upload, recovery: m.b64(recovery), replaces });
  await remember(mailbox.id, { pair: device.pair, deviceId: device.deviceId });
  secret.fill(0);
  mine = mailbox;
  $("sheet-code").textContent = code;
  status("Secure messages are set up on this device.", "sheet");
  show("sheet");
}

// This browser becomes a device of the mailbox whose secret it just opened from a code.
async function becomeDevice(secret, mailbox) {
  const device = await newDevice(secret, mailbox);
  await call(root.dataset.devices, device.upload);
  await remember(mailbox, { pair: device.pair, deviceId: device.deviceId });
  mine = await m.openMailbox(secret);
  secret.fill(0);
  await openThread();
}

async function fromCode(sealed, code, mailbox, kind, hint) {
  try { return await m.openUnderCode(m.unb64(sealed), code, mailbox, kind); }
  catch (error) { throw new Error(error.message.startsWith("That is not") ? error.message : hint); }
}

async function recover() {
  const state = await call(`${root.dataset.mailbox}?recovery=1`);
  if (!state.mailbox || !state.recovery) throw new Error("There are no messages to open yet: set them up instead.");
  const hint = "That code does not open your messages. Check it against your sheet.";
  await becomeDevice(await fromCode(state.recovery, $("recovery-code").value, state.mailbox.id, m.RECOVERY, hint), state.mailbox.id);
}

async function pairHere() {
  const offer = await call(root.dataset.pairing);
  const hint = "That code does not open your messages. Check it on your other device, or show a new one there.";
  await becomeDevice(await fromCode(offer.sealed, $("pairing-code").value, offer.mailbox, m.PAIRING, hint), offer.mailbox);
}

async function offerPairing() {
  const record = await recall(mine.id);
  const sealed = await call(root.dataset.device.replace("DEVICE", record.deviceId));
  const { secret } = await m.openOnDevice(m.unb64(sealed.sealed), record.pair, mine.id);
  const code = m.newCode(m.PAIRING);
  await call(root.dataset.offer, { sealed: m.b64(await m.sealUnderCode(secret, code, mine.id, m.PAIRING)) });
  secret.fill(0);
  $("pairing-shown").textContent = code;
}

async function recipients() {
  const data = await call(root.dataset.recipients);
  for (const person of data.recipients) {  // a key id is the hash of its keys: a swapped key does not pass
    if (await m.mailboxId(m.unb64(person.receive), m.unb64(person.verify)) !== person.id) {
      throw new Error(`The key shown for ${person.name} is not the one published. Nothing was sent; tell the practice.`);
    }
  }
  people = data.recipients.map((p) => ({ ...p, receive: m.unb64(p.receive), verify: m.unb64(p.verify) }));
  pins = await pinsOf(mine.id);
  changed = [];
  for (const p of people) {
    if (p.id === mine.id) continue;
    const pin = pins[p.member];
    if (!pin) pins[p.member] = { key: p.id, name: p.name, keys: [p.id] };  // first seen here
    else if (pin.key !== p.id) changed.push(p);
  }
  await pinsKeep(mine.id, pins);
  const others = people.filter((p) => p.id !== mine.id);
  $("thread-people").textContent = `Sealed for: ${[...others.map((p) => p.name).sort(), "you"].join(", ")}`;
  await codes(others);
  return data;
}

async function codeItem(p) {
  const item = document.createElement("li");
  item.textContent = `${p.name}: ${await m.safetyCode(mine.id, p.id)}`;
  return item;
}

// Safety codes for everyone, and the changed keys that hold sending back until they are checked.
async function codes(others) {
  $("codes-list").replaceChildren(...(await Promise.all(others.map(codeItem))));
  $("changed").hidden = changed.length === 0;
  $("changed-who").textContent = changed.map((p) => `The key for ${pins[p.member].name} is not the one this device used before.`).join(" ");
  $("changed-codes").replaceChildren(...(await Promise.all(changed.map(codeItem))));
  root.dataset.keys = changed.length ? "changed" : "known";
}

async function confirmChanged() {
  for (const p of changed) {
    const pin = pins[p.member];
    pins[p.member] = { key: p.id, name: p.name, keys: [...new Set([...pin.keys, p.id])] };
  }
  await pinsKeep(mine.id, pins);
  changed = [];
  await codes(people.filter((p) => p.id !== mine.id));
}

// Who sent a message, by the key that signed it, as this browser knows that key — never by the server's word.
function senderOf(key) {
  if (key === mine.id) return "You";
  const known = Object.values(pins).find((pin) => pin.keys.includes(key));
  return known ? known.name : null;
}

function line(who, text, when, mineFlag) {
  const item = document.createElement("li");
  item.className = mineFlag ? "message mine" : "message";
  const head = document.createElement("span");
  head.className = "muted";
  head.textContent = `${who} · ${new Date(when).toLocaleString()}`;
  const body = document.createElement("p");
  body.textContent = text;
  item.append(head, body);
  $("thread-list").append(item);
}

async function poll() {
  const data = await call(`${root.dataset.list}${newest ? `?after=${encodeURIComponent(newest)}` : ""}`, undefined, true);
  for (const row of data ? data.messages : []) {
    newest = row.sent;
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    const e = row.envelope;
    let text, who = senderOf(row.senderKey);
    const bound = await boundHere(e.context, row).catch(() => false);
    if (!bound) { text = "(this message was not written for this conversation: it is not shown)"; who = "Unknown"; }
    else if (!e.key) text = "(sealed before this device's key existed: ask to have the conversation shared again)";
    else {
      const envelope = { context: m.unb64(e.context), nonce: m.unb64(e.nonce), body: m.unb64(e.body), signature: m.unb64(e.signature), commitment: m.unb64(e.commitment), keys: { [mine.id]: m.unb64(e.key) } };
      try { text = td.decode(await m.open(envelope, { mine, verify: m.unb64(row.senderVerify) })); }
      catch { text = "(this message does not open: it was altered, or not signed by its sender)"; }
    }
    if (!who) who = "Someone whose key this device has not seen (compare safety codes)";
    line(who, text, row.sent, who === "You");
  }
}

// A message belongs here only if its signed context says so: this practice and thread, its own id, sealed to
// this mailbox, and signed by the key the server names — which must be the hash of the keys it gives.
async function boundHere(context, row) {
  const ctx = m.parseContext(m.unb64(context));
  const keyOk = (await m.mailboxId(m.unb64(row.senderReceive), m.unb64(row.senderVerify))) === row.senderKey;
  return keyOk && ctx.practice === root.dataset.practice && ctx.thread === root.dataset.client &&
    ctx.message === row.id && ctx.sender === row.senderKey && ctx.recipients.includes(mine.id);
}

async function send(text) {
  if (changed.length) throw new Error("A key changed: compare the safety codes before anything is sent.");
  for (let attempt = 0; attempt < 2; attempt++) {
    const data = attempt ? await recipients() : { practice: root.dataset.practice, thread: root.dataset.client };
    if (changed.length) throw new Error("A key changed: compare the safety codes before anything is sent.");
    const ids = people.map((p) => p.id);
    const context = m.contextBytes({ practice: data.practice, thread: data.thread, message: crypto.randomUUID(), sender: mine.id, recipients: ids });
    const sealed = await m.seal(te.encode(text), { context, sender: mine, recipients: people });
    const keys = Object.fromEntries(Object.entries(sealed.keys).map(([id, k]) => [id, m.b64(k)]));
    try {
      await call(root.dataset.send, { context: m.b64(sealed.context), nonce: m.b64(sealed.nonce), body: m.b64(sealed.body), signature: m.b64(sealed.signature), commitment: m.b64(sealed.commitment), keys });
      return;
    } catch (error) {
      if (attempt || !/changed/.test(error.message)) throw error;
    }
  }
}

async function openThread() {
  const data = await recipients();
  root.dataset.practice = data.practice;
  show("thread");
  status("Sealed in your browser: only the people listed can read these messages.", "ready");
  await poll();
  const timer = setInterval(() => poll().catch(() => {
    clearInterval(timer);  // signed out after a period of inactivity (a redirect), or the server is gone
    status("This page has stopped: reload it (you may have been signed out after a period of inactivity).", "stopped");
  }), 1000);
}

async function start() {
  const state = await call(root.dataset.mailbox);
  const record = state.mailbox ? await recall(state.mailbox.id) : undefined;
  if (!record && state.mailbox) {  // set up elsewhere: open them here, rather than replace them by mistake
    replaces = state.mailbox.id;
    $("setup-start").hidden = true; $("over").hidden = false; $("pair").open = true;
    status("Your messages are set up on another device. Open them here with a code from it, or your recovery sheet.", "setup");
    show("setup"); return;
  }
  if (!record) { status("Messages are not set up on this device yet.", "setup"); show("setup"); return; }
  const sealed = await call(root.dataset.device.replace("DEVICE", record.deviceId));
  ({ opened: mine } = await m.openOnDevice(m.unb64(sealed.sealed), record.pair, state.mailbox.id));
  await openThread();
}

const guard = (action) => () => action().catch((error) => status(error.message, "error"));
$("setup-start").addEventListener("click", guard(setUp));
$("setup-over").addEventListener("click", guard(setUp));
$("recovery-use").addEventListener("click", guard(recover));
$("pairing-use").addEventListener("click", guard(pairHere));
$("pairing-start").addEventListener("click", guard(offerPairing));
$("sheet-done").addEventListener("click", guard(openThread));
$("changed-ok").addEventListener("click", guard(confirmChanged));
$("compose").addEventListener("submit", (event) => {
  event.preventDefault();
  const box = $("compose-text");
  guard(async () => { await send(box.value); box.value = ""; await poll(); })();
});
guard(start)();
