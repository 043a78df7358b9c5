// Verifies the client's access history in the browser (WebCrypto SHA-256 and Ed25519).
// Checks: the checkpoint's signed-note signature; each entry's commitment, leaf and RFC 9162
// inclusion proof; gap-free sequence numbers; consistency with the checkpoint seen last time.
"use strict";
(function () {
  const box = document.getElementById("verify");
  if (!box) return;
  const STORE = "confide-history-checkpoint";
  const enc = new TextEncoder();
  const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const cat = (...parts) => { const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let o = 0; for (const p of parts) { out.set(p, o); o += p.length; } return out; };
  const sha = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const eq = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  const node = (l, r) => sha(cat(Uint8Array.of(1), l, r));
  const CONTEXT = enc.encode("confide-audit-event-v1\u0000");

  function innerBorder(index, size) {
    const x = index ^ (size - 1);
    const inner = x === 0 ? 0 : Math.floor(Math.log2(x)) + 1;
    let rest = Math.floor(index / 2 ** inner), border = 0;
    while (rest) { border += rest & 1; rest = Math.floor(rest / 2); }
    return [inner, border];
  }

  async function verifyInclusion(index, size, leaf, proof, root) {
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

  async function verifyConsistency(m, n, oldRoot, newRoot, proof) {
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

  async function verifyCheckpoint(note, vkey, size, root) {
    // The key's base64 may itself contain "+": split on the first two only.
    const first = vkey.indexOf("+"), second = vkey.indexOf("+", first + 1);
    const name = vkey.slice(0, first), hashHex = vkey.slice(first + 1, second), keyB64 = vkey.slice(second + 1);
    const raw = b64(keyB64);
    const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
    const split = note.indexOf("\n\n");
    const body = note.slice(0, split + 1);
    for (const line of note.slice(split + 2).split("\n")) {
      const parts = line.split(" ");
      if (parts.length !== 3 || parts[0] !== "\u2014" || parts[1] !== name) continue;
      const blob = b64(parts[2]);
      const hex = Array.from(blob.slice(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
      if (hex !== hashHex) continue;
      const ok = await crypto.subtle.verify({ name: "Ed25519" }, key, blob.slice(4), enc.encode(body));
      const lines = body.split("\n");
      return ok && Number(lines[1]) === size && lines[2] === btoa(String.fromCharCode(...root));
    }
    return false;
  }

  function show(state, text, detail) {
    box.dataset.state = state;
    document.getElementById("verify-status").textContent = text;
    document.getElementById("verify-detail").textContent = detail || "";
  }

  async function run() {
    const last = JSON.parse(localStorage.getItem(STORE) || "null");
    const url = box.dataset.proofs + (last ? "?since=" + encodeURIComponent(last.size) : "");
    const data = await (await fetch(url, { credentials: "same-origin" })).json();
    if (!data.size) { show("verified", "Verified: nothing has been recorded yet."); return; }
    const root = b64(data.root);
    if (!(await verifyCheckpoint(data.checkpoint, data.verifier_key, data.size, root))) throw new Error("the log's signature does not verify");
    const seqs = [];
    for (const e of data.entries) {
      if (e.salt === null) throw new Error("an entry can no longer be checked");
      const commitment = await sha(cat(CONTEXT, b64(e.salt), enc.encode(e.canonical)));
      const leaf = await sha(cat(Uint8Array.of(0), commitment));
      if (!eq(leaf, b64(e.leaf))) throw new Error("entry " + e.seq + " differs from what was recorded");
      if (!(await verifyInclusion(e.index, data.size, leaf, e.proof.map(b64), root))) throw new Error("entry " + e.seq + " is not in the log");
      seqs.push(e.seq);
      const row = document.querySelector('#history li[data-seq="' + e.seq + '"]');
      if (row) row.classList.add("verified");
    }
    seqs.sort((a, b) => a - b);
    seqs.forEach((s, i) => { if (s !== i + 1) throw new Error("entry " + (i + 1) + " is missing"); });
    if (last) {
      if (last.size > data.size) throw new Error("the log shrank since your last visit");
      const proof = data.consistency ? data.consistency.proof.map(b64) : [];
      if (!(await verifyConsistency(last.size, data.size, b64(last.root), root, proof))) throw new Error("the log was rewritten since your last visit");
    }
    localStorage.setItem(STORE, JSON.stringify({ size: data.size, root: data.root }));
    show("verified", "Verified: this history is complete and unchanged.",
      seqs.length + " entries checked against a signed log of " + data.size + " entries" + (last ? ", consistent with your last visit." : "."));
  }

  run().catch((err) => show("changed", "Warning: this history changed.", String(err.message || err)));
})();
