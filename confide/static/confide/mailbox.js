// This browser's hold on the person's mailbox (decision 19), shared by the thread and the journal: the
// device key stays in IndexedDB as a non-extractable CryptoKey; the mailbox secret is fetched sealed to it
// and opened here. Setting up, the recovery sheet and pairing a new device by a code live here too.
import * as m from "./envelope.js";

const $ = (id) => document.getElementById(id);

// A poll the page makes on its own says so: it must not keep an idle session from timing out.
export async function call(root, url, body, background = false) {
  const raw = body instanceof Uint8Array;
  const accept = { Accept: "application/json, application/octet-stream" };  // refusals come as problem documents
  const options = body === undefined ? { credentials: "same-origin", redirect: "error", headers: background ? { ...accept, "X-Confide-Background": "poll" } : accept } : {
    method: "POST", credentials: "same-origin", body: raw ? body : JSON.stringify(body),
    headers: { ...accept, "Content-Type": raw ? "application/octet-stream" : "application/json", "X-CSRFToken": root.dataset.csrf },
  };
  for (let attempt = 1; ; attempt++) {  // a busy server or a dropped network is asked again, twice
    const response = await fetch(url, options).catch(() => null);
    if (response && response.status === 204) return null;
    if (response && response.ok && response.headers.get("Content-Type") === "application/octet-stream") {
      return new Uint8Array(await response.arrayBuffer());
    }
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
export const pinsOf = async (mailbox) => (await store("pins", "readonly", (s) => s.get(mailbox))) || {};
export const pinsKeep = (mailbox, pins) => store("pins", "readwrite", (s) => s.put(pins, mailbox));

async function newDevice(secret, mailbox) {
  const pair = await m.newDeviceKey();
  const devicePublic = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const sealed = await m.sealToDevice(secret, mailbox, devicePublic);
  return { pair, deviceId: await m.deviceId(devicePublic), upload: { public: m.b64(devicePublic), sealed: m.b64(sealed) } };
}

async function fromCode(sealed, code, mailbox, kind, hint) {
  try { return await m.openUnderCode(m.unb64(sealed), code, mailbox, kind); }
  catch (error) { throw new Error(error.message.startsWith("That is not") ? error.message : hint); }
}

// Wires the set-up section of `root` (templates/messaging/_mailbox.html) and calls `onOpen(mailbox)` once
// this browser holds the person's mailbox: opened from its device key, set up anew, recovered from the
// sheet or paired from another device. `status(text, state)` tells the person what is happening.
export function startMailbox(root, status, onOpen) {
  const show = (...ids) => { for (const id of ["setup", "sheet"]) $(id).hidden = !ids.includes(id); };
  const get = (url) => call(root, url);
  let mine = null, replaces = null;  // replaces: the mailbox the person chose to give up by starting again

  async function setUp() {
    status("Making your keys…", "working");
    const secret = m.newMailboxSecret();
    const mailbox = await m.openMailbox(secret);
    const device = await newDevice(secret, mailbox.id);
    const code = m.newRecoveryCode();
    const recovery = await m.sealForRecovery(secret, code, mailbox.id);
    await call(root, root.dataset.publish, { receive: m.b64(mailbox.receive), verify: m.b64(mailbox.verify), device: device.upload, recovery: m.b64(recovery), replaces });
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
    await call(root, root.dataset.devices, device.upload);
    await remember(mailbox, { pair: device.pair, deviceId: device.deviceId });
    mine = await m.openMailbox(secret);
    secret.fill(0);
    show();
    await onOpen(mine);
  }

  async function recover() {
    const state = await get(`${root.dataset.mailbox}?recovery=1`);
    if (!state.mailbox || !state.recovery) throw new Error("There are no messages to open yet: set them up instead.");
    const hint = "That code does not open your messages. Check it against your sheet.";
    await becomeDevice(await fromCode(state.recovery, $("recovery-code").value, state.mailbox.id, m.RECOVERY, hint), state.mailbox.id);
  }

  async function pairHere() {
    const offer = await get(root.dataset.pairing);
    const hint = "That code does not open your messages. Check it on your other device, or show a new one there.";
    await becomeDevice(await fromCode(offer.sealed, $("pairing-code").value, offer.mailbox, m.PAIRING, hint), offer.mailbox);
  }

  async function offerPairing() {
    const record = await recall(mine.id);
    const sealed = await get(root.dataset.device.replace("DEVICE", record.deviceId));
    const { secret } = await m.openOnDevice(m.unb64(sealed.sealed), record.pair, mine.id);
    const code = m.newCode(m.PAIRING);
    await call(root, root.dataset.offer, { sealed: m.b64(await m.sealUnderCode(secret, code, mine.id, m.PAIRING)) });
    secret.fill(0);
    $("pairing-shown").textContent = code;
  }

  async function start() {
    const state = await get(root.dataset.mailbox);
    const record = state.mailbox ? await recall(state.mailbox.id) : undefined;
    if (!record && state.mailbox) {  // set up elsewhere: open them here, rather than replace them by mistake
      replaces = state.mailbox.id;
      $("setup-start").hidden = true; $("over").hidden = false; $("pair").open = true;
      status("Your messages are set up on another device. Open them here with a code from it, or your recovery sheet.", "setup");
      show("setup"); return;
    }
    if (!record) { status("Messages are not set up on this device yet.", "setup"); show("setup"); return; }
    const sealed = await get(root.dataset.device.replace("DEVICE", record.deviceId));
    ({ opened: mine } = await m.openOnDevice(m.unb64(sealed.sealed), record.pair, state.mailbox.id));
    await onOpen(mine);
  }

  const guard = (action) => () => action().catch((error) => status(error.message, "error"));
  $("setup-start").addEventListener("click", guard(setUp));
  $("setup-over").addEventListener("click", guard(setUp));
  $("recovery-use").addEventListener("click", guard(recover));
  $("pairing-use").addEventListener("click", guard(pairHere));
  $("pairing-start").addEventListener("click", guard(offerPairing));
  $("sheet-done").addEventListener("click", guard(async () => { show(); await onOpen(mine); }));
  guard(start)();
  return guard;
}
