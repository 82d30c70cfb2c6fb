// The review-and-sign page: seals the body (salts drawn here), signs the statement with the
// key kept since sign-in and submits it. The key never leaves the browser. A refusal sends
// the form back to the server, which shows it next to the field concerned.
import { seal, signingInput, sign, b64, utc, loadKey, messages } from "./wt.js";

const data = JSON.parse(document.getElementById("filing").textContent);
const say = messages("sign-messages");
const button = document.getElementById("sign-button");
const status = document.getElementById("sign-status");
const bytesButton = document.getElementById("bytes-button");
const t0 = performance.now();

function show(text, bad) {
  status.textContent = text;
  status.classList.toggle("bad", !!bad);
}

// issued_at follows the server's clock (given with the page), not this computer's.
function now() {
  return data.server_time + Math.floor((performance.now() - t0) / 1000);
}

let sealed = null;
let prepared = null;

// The statement to sign; the same one is shown and signed, re-made after four minutes
// (the ledger accepts five minutes of difference between signing and filing).
async function statement() {
  if (!sealed) sealed = await seal(data.body);
  if (!prepared || now() - prepared.at > 240) {
    const st = {
      type: data.type, case: data.case, actor: data.actor, key: data.key,
      issued_at: utc(now()), prev: data.prev, commitment: sealed.commitment,
    };
    prepared = { at: now(), st };
  }
  return prepared.st;
}

async function keyRecord() {
  try {
    const rec = await loadKey();
    if (rec && rec.keyId === data.key && rec.participant === data.actor) return rec;
  } catch (e) { /* no store */ }
  return null;
}

keyRecord().then((rec) => {
  if (!rec) {
    document.getElementById("sign-nokey").hidden = false;
    button.disabled = true;
  }
});

bytesButton.addEventListener("click", async () => {
  const section = document.getElementById("bytes");
  const open = section.hidden;
  if (open) {
    const bytes = signingInput(await statement());
    document.getElementById("bytes-text").textContent = new TextDecoder().decode(bytes);
  }
  section.hidden = !open;
  bytesButton.setAttribute("aria-expanded", String(open));
});

function backWithRefusal(problem) {
  document.getElementById("refusal-field").value = JSON.stringify(problem);
  document.getElementById("back-form").submit();
}

button.addEventListener("click", async () => {
  const rec = await keyRecord();
  if (!rec) {
    document.getElementById("sign-nokey").hidden = false;
    return;
  }
  button.disabled = true;
  show(say.working);
  try {
    const st = await statement();
    const sig = await sign(rec.key, signingInput(st));
    const r = await fetch("/api/v1/statements", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ statement: st, sig: b64(sig), disclosure: sealed.disclosure }),
    });
    const answer = await r.json().catch(() => ({}));
    if (r.ok) {
      show("");
      if (data.type === "notification.submitted") localStorage.removeItem("wastetrail-draft:notification:" + data.actor);
      document.getElementById("receipt-text").textContent = say.filed.replace("{index}", String(answer.index));
      const link = document.getElementById("receipt-link");
      link.href = data.done + "?filed=" + encodeURIComponent(answer.index);
      document.getElementById("receipt").hidden = false;
      link.focus();
      return;
    }
    backWithRefusal(answer);
  } catch (e) {
    show(say.failed, true);
    button.disabled = false;
  }
});
