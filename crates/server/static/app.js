// Every page: the key leaves the browser's storage at sign-out, before the form is posted.
import { forgetKey } from "./wt.js";

const out = document.getElementById("signout-form");
if (out) {
  out.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    await forgetKey();
    out.submit();
  });
}

// Drafts of a notification: kept in this browser only (localStorage), per participant, until
// filed or discarded. Nothing of a draft reaches the server before "Check and review".
const form = document.getElementById("filing-form");
if (form && form.dataset.draft) {
  const who = document.querySelector(".who")?.dataset.user || "";
  const key = "wastetrail-draft:" + form.dataset.draft + ":" + who;
  const found = document.getElementById("draft-found");
  const saved = document.getElementById("draft-saved");
  const fields = () => Array.from(new FormData(form).entries()).filter(([k]) => k !== "csrf");
  document.getElementById("draft-save").addEventListener("click", () => {
    localStorage.setItem(key, JSON.stringify(fields()));
    saved.hidden = false;
  });
  const draft = localStorage.getItem(key);
  if (draft && !document.querySelector(".field-error, #refusal")) {
    found.hidden = false;
    document.getElementById("draft-resume").addEventListener("click", () => {
      const entries = JSON.parse(draft);
      for (const el of form.elements) {
        if (!el.name || el.name === "csrf") continue;
        const values = entries.filter(([k]) => k === el.name).map(([, v]) => v);
        if (el.type === "checkbox") el.checked = values.includes(el.value);
        else if (values.length) el.value = values[0];
      }
      found.hidden = true;
    });
    document.getElementById("draft-discard").addEventListener("click", () => {
      localStorage.removeItem(key);
      found.hidden = true;
    });
  }
}
