// The journal page (decision 19): each entry is sealed here to the person's own mailbox and opened here;
// the server keeps ciphertext and dates. Sharing an entry hands its text to the thread page of this
// browser (sessionStorage, never the server), where the person reads it over and sends it as a message.
import * as m from "./envelope.js";
import { call, startMailbox } from "./mailbox.js";

const root = document.getElementById("journal");
const $ = (id) => document.getElementById(id);
const status = (text, state) => { $("journal-status").textContent = text; if (state) root.dataset.state = state; };
const SLOT = "00000000-0000-0000-0000-000000000000";
const SHARE = "confide-share";  // the entry text handed to the thread page of this same browser
let mine = null;

// An entry belongs here only if its signed context says so: this practice, this client, its own id, and
// sealed by and to this mailbox alone; its payload must be a journal entry, not a message.
async function opened(row) {
  if (row.mailbox !== mine.id) return { text: "(sealed to keys you gave up when you started again: it cannot be opened)" };
  const e = row.envelope;
  try {
    const ctx = m.parseContext(m.unb64(e.context));
    const bound = ctx.practice === root.dataset.practice && ctx.thread === root.dataset.client && ctx.message === row.id &&
      ctx.sender === mine.id && ctx.recipients.length === 1 && ctx.recipients[0] === mine.id;
    if (!bound) return { text: "(this entry was not written for your journal: it is not shown)" };
    const keys = { [mine.id]: m.unb64(e.keys[mine.id]) };
    const envelope = { context: m.unb64(e.context), nonce: m.unb64(e.nonce), body: m.unb64(e.body), signature: m.unb64(e.signature), commitment: m.unb64(e.commitment), keys };
    return { ...m.parsePayload(await m.open(envelope, { mine, verify: mine.verify }), "journal"), ok: true };
  } catch { return { text: "(this entry does not open: it was altered)" }; }
}

function item(row, entry) {
  const li = document.createElement("li");
  li.className = "message entry";
  const head = document.createElement("span");
  head.className = "muted";
  head.textContent = new Date(entry.sent || row.written).toLocaleString();  // the time written, as signed
  const body = document.createElement("p");
  body.textContent = entry.text;
  li.append(head, body);
  if (entry.ok) {
    const share = document.createElement("button");
    share.type = "button"; share.className = "secondary"; share.textContent = "Share with my care team";
    share.addEventListener("click", () => { sessionStorage.setItem(SHARE, entry.text); location.assign(root.dataset.thread); });
    li.append(share);
  }
  const remove = document.createElement("button");
  remove.type = "button"; remove.className = "secondary"; remove.textContent = "Delete";
  remove.addEventListener("click", guard(async () => {
    if (!confirm("Delete this entry for good? A copy you shared stays in your conversation.")) return;
    await call(root, root.dataset.delete.replace(SLOT, row.id), {});
    await list();
  }));
  li.append(remove);
  return li;
}

async function list() {
  const data = await call(root, root.dataset.entries);
  root.dataset.practice = data.practice;
  const items = [];
  for (const row of data.entries) items.push(item(row, await opened(row)));
  $("entry-list").replaceChildren(...items);
}

async function write(text) {
  const context = m.contextBytes({ practice: root.dataset.practice, thread: root.dataset.client, message: crypto.randomUUID(), sender: mine.id, recipients: [mine.id] });
  const sealed = await m.seal(m.payloadBytes({ kind: "journal", text }), { context, sender: mine, recipients: [mine] });
  const keys = Object.fromEntries(Object.entries(sealed.keys).map(([id, k]) => [id, m.b64(k)]));
  await call(root, root.dataset.write, { context: m.b64(sealed.context), nonce: m.b64(sealed.nonce), body: m.b64(sealed.body), signature: m.b64(sealed.signature), commitment: m.b64(sealed.commitment), keys });
}

async function openJournal(mailbox) {
  mine = mailbox;
  await list();
  $("entries").hidden = false;
  status("Sealed in your browser to your own key: only you can read these entries.", "ready");
}

const guard = startMailbox(root, status, openJournal);
$("write").addEventListener("submit", (event) => {
  event.preventDefault();
  const box = $("write-text");
  guard(async () => { await write(box.value); box.value = ""; await list(); })();
});
