// wastetrail in the browser: canonical JSON (RFC 8785), salted commitments, statement
// signing input (docs/ledger-format.md §1, §3, §3a) and the key store. Plain JavaScript,
// no dependency. The private key is a non-extractable WebCrypto key: it never leaves the
// browser, and it is deleted at sign-out.

const enc = new TextEncoder();

/** Prefix of a statement's signing input (docs/ledger-format.md §3). */
export const STATEMENT_PREFIX = "wastetrail/statement/v2\n";
const BODY_PREFIX = "wastetrail/body/v1\n";
const PERSONAL_PREFIX = "wastetrail/personal/v1\n";
/** Members whose values are personal data (PERSONAL_MEMBERS in crates/ledger). */
const PERSONAL_MEMBERS = ["contact"];

/**
 * RFC 8785 canonical JSON. wastetrail data holds no floats: every number must be a safe
 * integer, so the ECMAScript number form is the integer's decimal digits. Member names are
 * sorted by UTF-16 code units, which is what Array.prototype.sort does with strings;
 * JSON.stringify escapes strings exactly as RFC 8785 requires.
 */
export function jcs(v) {
  if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new Error("only safe integers may be signed");
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return "[" + v.map(jcs).join(",") + "]";
  if (typeof v === "object") {
    return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + jcs(v[k])).join(",") + "}";
  }
  throw new Error("not JSON: " + typeof v);
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function b64(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

export function unb64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function randomSalt() {
  return crypto.getRandomValues(new Uint8Array(32));
}

function pointerToken(s) {
  return s.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Seals a full body (docs/ledger-format.md §3a): every personal member is replaced by
 * {"digest": hex(SHA-256(prefix ‖ salt_p ‖ JCS(value)))} with a fresh salt of its own, then
 * the commitment is SHA-256("wastetrail/body/v1\n" ‖ salt ‖ JCS(redacted body)). `salts`,
 * if given, supplies the salts (for tests): the body's first, then one per personal member.
 */
export async function seal(body, salts) {
  const next = salts ? (() => salts.shift()) : randomSalt;
  const salt = next();
  const redacted = JSON.parse(JSON.stringify(body));
  const personal = [];
  async function walk(v, path) {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) await walk(v[i], path + "/" + i);
    } else if (v !== null && typeof v === "object") {
      for (const k of Object.keys(v).sort()) {
        const p = path + "/" + pointerToken(k);
        if (PERSONAL_MEMBERS.includes(k)) {
          const s = next();
          const digest = await sha256(concat(enc.encode(PERSONAL_PREFIX), s, enc.encode(jcs(v[k]))));
          personal.push({ path: p, salt: b64(s), value: v[k] });
          v[k] = { digest: hex(digest) };
        } else {
          await walk(v[k], p);
        }
      }
    }
  }
  await walk(redacted, "");
  personal.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const commitment = hex(await sha256(concat(enc.encode(BODY_PREFIX), salt, enc.encode(jcs(redacted)))));
  return { commitment, disclosure: { salt: b64(salt), body: redacted, personal } };
}

/** The exact bytes a participant signs for a statement. */
export function signingInput(statement) {
  return enc.encode(STATEMENT_PREFIX + jcs(statement));
}

/** `YYYY-MM-DDTHH:MM:SSZ` of a Unix time in seconds. */
export function utc(seconds) {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Reads a PKCS#8 PEM Ed25519 private key. Returns the non-extractable signing key, the public
 * key and the participant key ID (docs/ledger-format.md §2). The public key is read from a
 * transient JWK export of a first import; only the non-extractable key is kept.
 */
export async function importPem(text) {
  const m = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(text);
  if (!m) throw new Error("not a PKCS#8 PEM private key");
  const der = unb64(m[1].replace(/\s+/g, ""));
  const probe = await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, true, ["sign"]);
  const jwk = await crypto.subtle.exportKey("jwk", probe);
  const pub = unb64(jwk.x.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (jwk.x.length % 4)) % 4));
  const key = await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"]);
  const keyId = "ed25519:" + hex((await sha256(pub)).slice(0, 8));
  return { key, publicKey: pub, keyId };
}

export async function sign(key, bytes) {
  return new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, key, bytes));
}

// The key store: one IndexedDB record, deleted at sign-out.
const DB = "wastetrail";
const STORE = "keys";

function openDb() {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function tx(mode, f) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const req = f(t.objectStore(STORE));
      t.oncomplete = () => resolve(req && req.result);
      t.onerror = () => reject(t.error);
    });
  } finally {
    db.close();
  }
}

/** Keeps {participant, keyId, key} for the session. */
export function storeKey(record) {
  return tx("readwrite", (s) => s.put(record, "session"));
}

export function loadKey() {
  return tx("readonly", (s) => s.get("session"));
}

/** Deletes the key from this browser. */
export function forgetKey() {
  return new Promise((resolve) => {
    const r = indexedDB.deleteDatabase(DB);
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
}

/** The translated messages a page put in a JSON data block. */
export function messages(id) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : {};
}

// For the browser tests, which compare this code with the Rust implementation.
window.wastetrail = { jcs, seal, signingInput, importPem, hex, b64, unb64 };
