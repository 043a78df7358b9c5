// The one HPKE suite Confide's browser code uses (RFC 9180): DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
// AES-256-GCM, the suite of the server's Tink author keys. `make vendor` bundles this file with
// @hpke/core (MIT, pinned in package.json and package-lock.json) into confide/static/vendor/hpke.js.
export { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256, OpenError } from "@hpke/core";
