// Verify in the browser: the page checks, with WebCrypto and nothing else, that an entry is
// in the ledger. It fetches the public signed checkpoint and the inclusion proof, then
//  - opens the checkpoint (C2SP signed note) with the Ed25519 log key shown on the page,
//  - recomputes the tree's root from the leaf hash and the proof (RFC 9162 §2.1.3.2),
// and says what that proves and what it does not. Input: a leaf hash (64 hex digits), the QR
// payload of a movement document (wt1:<index>:<size>:<leaf hash b64url>:<origin>,
// docs/ledger-format.md §8a), or an evidence file (wastetrail-evidence/1: C2SP tlog-proofs).
import { concat, hex, messages, sha256, unb64 } from "./wt.js";

const M = messages("verify-messages");
const form = document.getElementById("verify-form");
const input = document.getElementById("verify-input");
const file = document.getElementById("verify-file");
const out = document.getElementById("verify-result");
const utf8 = new TextEncoder();

/** A message with its {name} marks replaced. */
function say(key, vars = {}) {
  return (M[key] || key).replace(/\{\$?(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}

class Refused extends Error {}
const refuse = (key, vars) => { throw new Refused(say(key, vars)); };

function unb64url(s) {
  const std = s.replace(/-/g, "+").replace(/_/g, "/");
  return unb64(std + "=".repeat((4 - (std.length % 4)) % 4));
}

function unhex(s) {
  return new Uint8Array(s.match(/../g).map((b) => parseInt(b, 16)));
}

const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The log key `<name>+<hex8>+<base64(0x01 ‖ key)>`, its ID checked against its name and key. */
async function logKey(vkey) {
  // The base64 key may itself contain "+": split at the first two only.
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(vkey.trim());
  if (!m) refuse("err-key");
  const [, name, idHex, keyB64] = m;
  const raw = unb64(keyB64);
  if (raw.length !== 33 || raw[0] !== 1) refuse("err-key");
  const id = (await sha256(concat(utf8.encode(name + "\n"), raw))).slice(0, 4);
  if (hex(id) !== idHex) refuse("err-key");
  const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
  return { name, id, key };
}

/** Opens a checkpoint note: a signature line of the log key must verify over its text. */
async function openCheckpoint(note, lk) {
  const split = note.indexOf("\n\n");
  if (split < 0) refuse("err-checkpoint");
  const text = note.slice(0, split + 1);
  for (const line of note.slice(split + 2).split("\n")) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== lk.name) continue;
    const sig = unb64(m[2]);
    if (sig.length !== 68 || !equal(sig.slice(0, 4), lk.id)) continue;
    const ok = await crypto.subtle.verify({ name: "Ed25519" }, lk.key, sig.slice(4), utf8.encode(text));
    if (!ok) refuse("err-checkpoint");
    const [origin, size, root] = text.split("\n");
    if (!/^(0|[1-9][0-9]*)$/.test(size)) refuse("err-checkpoint");
    return { origin, size: BigInt(size), root: unb64(root) };
  }
  refuse("err-checkpoint");
}

const node = (l, r) => sha256(concat(new Uint8Array([1]), l, r));

/** RFC 9162 §2.1.3.2: does `path` lead from leaf `index` to `root` in a tree of `size`? */
async function included(index, size, leafHash, path, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1n;
  let r = leafHash;
  for (const p of path) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await node(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await node(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equal(r, root);
}

async function getText(path) {
  const r = await fetch(path, { headers: { Accept: "text/plain, application/json" } });
  if (r.status === 404) return null;
  if (!r.ok) refuse("err-fetch", { status: r.status });
  return r.text();
}

/** A leaf hash or QR payload: proven against the latest checkpoint of this log. */
async function checkCode(code, lk) {
  let leafHash;
  let qr = null;
  if (/^[0-9a-fA-F]{64}$/.test(code)) {
    leafHash = unhex(code.toLowerCase());
  } else {
    const m = /^wt1:(0|[1-9][0-9]*):([1-9][0-9]*):([A-Za-z0-9_-]{43}):(.+)$/.exec(code);
    if (!m) refuse("err-input");
    qr = { index: BigInt(m[1]), origin: m[4] };
    leafHash = unb64url(m[3]);
  }
  const cp = await openCheckpoint(await getText("/checkpoint"), lk);
  if (qr && qr.origin !== cp.origin) refuse("err-origin", { origin: qr.origin, log: cp.origin });
  const body = await getText(`/api/v1/proof/inclusion?leaf_hash=${hex(leafHash)}&size=${cp.size}`);
  if (body === null) refuse("err-unknown", { size: cp.size });
  const proof = JSON.parse(body);
  const index = BigInt(proof.index);
  if (qr && qr.index !== index) refuse("err-index", { index: qr.index });
  const path = (proof.proof || []).map(unhex);
  if (!(await included(index, cp.size, leafHash, path, cp.root))) refuse("err-inclusion", { index });
  const proven = [
    say("proven-leaf", { hash: hex(leafHash), index, size: cp.size }),
    say("proven-checkpoint", { origin: cp.origin, size: cp.size, key: lk.name }),
  ];
  const movement = await getText(`/api/v1/movements/${hex(leafHash)}`).catch(() => null);
  if (movement) {
    const v = JSON.parse(movement);
    proven.push(say(v.consented ? "consented" : "not-consented", { rule: v.rule_id || "", citation: v.citation || "" }));
  }
  return { proven, not: say("not-proven") };
}

/** One C2SP tlog-proof of an evidence file: {index, leaf, path, note}. */
function parseTlogProof(text) {
  const split = text.indexOf("\n\n");
  if (split < 0) refuse("err-evidence");
  const lines = text.slice(0, split).split("\n");
  if (lines.shift() !== "c2sp.org/tlog-proof@v1") refuse("err-evidence");
  let leaf = null;
  if (lines[0]?.startsWith("extra ")) leaf = unb64(lines.shift().slice(6));
  const idx = /^index (0|[1-9][0-9]*)$/.exec(lines.shift() || "");
  if (!idx || !leaf) refuse("err-evidence");
  return { index: BigInt(idx[1]), leaf, path: lines.map(unb64), note: text.slice(split + 2) };
}

/** An evidence file: every entry's inclusion in its signed checkpoint. */
async function checkEvidence(json, lk) {
  let ev;
  try { ev = JSON.parse(json); } catch (_) { refuse("err-evidence"); }
  if (ev.format !== "wastetrail-evidence/1" || !Array.isArray(ev.proofs) || !ev.proofs.length) refuse("err-evidence");
  const opened = new Map();
  let movementSeen = !ev.movement;
  let cp;
  for (const text of ev.proofs) {
    const p = parseTlogProof(text);
    if (!opened.has(p.note)) opened.set(p.note, await openCheckpoint(p.note, lk));
    cp = opened.get(p.note);
    const leafHash = await sha256(concat(new Uint8Array([0]), p.leaf));
    if (!(await included(p.index, cp.size, leafHash, p.path, cp.root))) refuse("err-inclusion", { index: p.index });
    if (ev.movement && hex(leafHash) === String(ev.movement).toLowerCase()) movementSeen = true;
  }
  if (!movementSeen) refuse("err-movement");
  return {
    proven: [
      say("proven-evidence", { count: ev.proofs.length, case: ev.case || "", size: cp.size }),
      say("proven-checkpoint", { origin: cp.origin, size: cp.size, key: lk.name }),
    ],
    not: say("not-proven-evidence"),
  };
}

function show(green, headline, proven, not) {
  out.hidden = false;
  out.classList.toggle("green", green);
  out.classList.toggle("red", !green);
  document.getElementById("verify-mark").textContent = green ? "✓" : "✕";
  document.getElementById("verify-headline").textContent = headline;
  const list = document.getElementById("verify-proven");
  list.replaceChildren(...proven.map((t) => { const li = document.createElement("li"); li.textContent = t; return li; }));
  document.getElementById("verify-not").textContent = not;
  out.dataset.result = green ? "green" : "red";
}

async function run(text) {
  show(true, say("working"), [], "");
  out.classList.remove("green");
  out.dataset.result = "working";
  try {
    const lk = await logKey(document.getElementById("verify-vkey").textContent);
    const t = text.trim();
    const r = t.startsWith("{") ? await checkEvidence(t, lk) : await checkCode(t, lk);
    show(true, say("green"), r.proven, r.not);
  } catch (e) {
    const why = e instanceof Refused ? e.message : say("err-input");
    show(false, say("red"), [why], "");
  }
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  run(input.value);
});
file.addEventListener("change", async () => {
  const f = file.files[0];
  if (f) run(await f.text());
});
if (input.value.trim()) run(input.value);
