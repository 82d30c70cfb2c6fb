// The sign-in page: reads the key file, signs the login challenge in the browser and keeps the
// non-extractable key in IndexedDB for the session. Only the signature is sent.
import { importPem, sign, b64, storeKey, forgetKey, messages } from "./wt.js";

const form = document.getElementById("signin");
const status = document.getElementById("signin-status");
const button = document.getElementById("signin-button");
const say = messages("signin-messages");

function show(text, bad) {
  status.textContent = text;
  status.classList.toggle("bad", !!bad);
}

if (!window.isSecureContext || !crypto.subtle) {
  document.getElementById("insecure").hidden = false;
  button.disabled = true;
}
// Whatever was kept from an earlier session goes.
forgetKey();

form.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const file = form.keyfile.files[0];
  if (!file) return show(say.nofile, true);
  button.disabled = true;
  show(say.working);
  try {
    let imported;
    try {
      imported = await importPem(await file.text());
    } catch (e) {
      return show(say.badkey, true);
    }
    const ch = await fetch("/api/v1/login/challenge", { method: "POST" });
    if (!ch.ok) return show(say.failed, true);
    const c = await ch.json();
    const sig = await sign(imported.key, new TextEncoder().encode(c.prefix + c.origin + "\n" + c.challenge));
    const r = await fetch("/api/v1/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key: imported.keyId, challenge: c.challenge, signature: b64(sig) }),
    });
    if (!r.ok) return show(say.refused, true);
    const who = await r.json();
    await storeKey({ participant: who.participant, keyId: imported.keyId, key: imported.key });
    show(say.done);
    location.assign(form.dataset.next || "/cases");
  } catch (e) {
    show(say.failed, true);
  } finally {
    button.disabled = false;
  }
});
