// dfs page behaviour: start a run, follow it, cancel it, copy its lineups.
"use strict";

// The run form: its fields as the POST /api/runs body; empty knobs stay defaults.
function runBody(form) {
  const body = { slate: form.slate.value, contest: form.contest.value, seed: Number(form.seed.value) };
  if (form.tag.value.trim() !== "") body.tag = form.tag.value.trim();
  for (const input of form.querySelectorAll("input[name*='.']")) {
    if (input.value === "") continue;
    const [stage, key] = input.name.split(".");
    body[stage] = body[stage] || {};
    body[stage][key] = Number(input.value);
  }
  return body;
}

const form = document.getElementById("run-form");
if (form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = document.getElementById("form-error");
    const start = document.getElementById("start");
    error.textContent = "";
    start.disabled = true;
    try {
      const answer = await fetch("/api/runs", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(runBody(form)),
      });
      const json = await answer.json();
      if (answer.status !== 202) throw new Error(json.detail || answer.statusText);
      window.location.href = "/runs/" + encodeURIComponent(json.run_id);
    } catch (e) {
      error.textContent = "The run was not started: " + e.message;
      start.disabled = false;
    }
  });
}

const live = document.getElementById("live");
if (live) {
  const runId = live.dataset.run;
  const show = (state) => {
    document.getElementById("status").textContent = state.status;
    live.dataset.status = state.status;
    const p = state.progress;
    if (p) {
      document.getElementById("progress").value = p.percent;
      document.getElementById("percent").textContent = p.percent + "%";
      document.getElementById("stage").textContent = state.status === "running" ? p.stage : "";
    }
    if (state.detail) document.getElementById("detail").textContent = state.detail;
  };
  const final = (s) => s === "succeeded" || s === "failed" || s === "cancelled";
  if (!final(live.dataset.status)) {
    const events = new EventSource("/api/runs/" + encodeURIComponent(runId) + "/events");
    events.addEventListener("state", (event) => {
      const state = JSON.parse(event.data);
      show(state);
      if (final(state.status)) {
        events.close();
        // The finished page holds the report and the files.
        window.location.reload();
      }
    });
  }
  const cancel = document.getElementById("cancel");
  if (cancel) {
    cancel.addEventListener("click", async () => {
      cancel.disabled = true;
      const answer = await fetch("/api/runs/" + encodeURIComponent(runId), { method: "DELETE" });
      if (answer.status >= 400) {
        const json = await answer.json();
        document.getElementById("detail").textContent = json.detail;
      }
    });
  }
}

const copy = document.getElementById("copy");
if (copy) {
  copy.addEventListener("click", async () => {
    const csv = document.getElementById("upload-csv");
    const note = document.getElementById("copied");
    try {
      await navigator.clipboard.writeText(csv.value);
      note.textContent = "Copied.";
    } catch (e) {
      csv.select();
      note.textContent = document.execCommand("copy") ? "Copied." : "Select the text and copy it.";
    }
  });
}
