// Run in a page of the static folder (tests/messaging/static_server.py): seals with the browser's envelope.js
// what Python will open, from secrets Python chose. Used by tests/browser/test_envelope_interop.py and by
// tests/messaging/make_vectors.py, which keeps one run's output as the fixed vectors.
async ({ senderSecret, recipientSecret, practice, thread, message, plaintext, code }) => {
  const m = await import("/confide/envelope.js");
  const sender = await m.openMailbox(m.unb64(senderSecret));
  const recipient = await m.openMailbox(m.unb64(recipientSecret));
  const recipients = [sender.id, recipient.id];
  const context = m.contextBytes({ practice, thread, message, sender: sender.id, recipients });
  const envelope = await m.seal(new TextEncoder().encode(plaintext), { context, sender, recipients: [sender, recipient] });
  // A device key made extractable here only, so that Python can open what is sealed to it.
  const device = await crypto.subtle.generateKey({ name: "X25519" }, true, ["deriveBits"]);
  const devicePublic = new Uint8Array(await crypto.subtle.exportKey("raw", device.publicKey));
  const devicePrivate = new Uint8Array(await crypto.subtle.exportKey("pkcs8", device.privateKey)).slice(-32);
  const keys = Object.fromEntries(Object.entries(envelope.keys).map(([id, sealed]) => [id, m.b64(sealed)]));
  return {
    sender: { id: sender.id, receive: m.b64(sender.receive), verify: m.b64(sender.verify) },
    recipient: { id: recipient.id, receive: m.b64(recipient.receive), verify: m.b64(recipient.verify) },
    envelope: { context: m.b64(envelope.context), nonce: m.b64(envelope.nonce), body: m.b64(envelope.body), keys,
      signature: m.b64(envelope.signature), commitment: m.b64(envelope.commitment) },
    safetyCode: await m.safetyCode(sender.id, recipient.id),
    device: { id: await m.deviceId(devicePublic), public: m.b64(devicePublic), private: m.b64(devicePrivate),
      sealed: m.b64(await m.sealToDevice(m.unb64(recipientSecret), recipient.id, devicePublic)) },
    recovery: { code, sealed: m.b64(await m.sealForRecovery(m.unb64(recipientSecret), code, recipient.id)),
      parsed: m.b64(m.parseCode(code)), formatted: m.formatCode(m.parseCode(code)) },
  };
}
