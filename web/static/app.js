// 督促SMS admin page. Served by the box itself; the page works without it.
"use strict";

// GSM 7-bit default alphabet and extension table (3GPP TS 23.038), to count as the modem will.
const GSM7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXT = "^{}\\[~]|€\f";

function smsInfo(text) {
  const chars = Array.from(text);
  let gsm = true, septets = 0;
  for (const ch of chars) {
    if (GSM7.includes(ch) && ch !== "\u001b") septets += 1;
    else if (GSM7_EXT.includes(ch)) septets += 2;
    else { gsm = false; break; }
  }
  if (gsm) {
    const parts = septets <= 160 ? 1 : Math.ceil(septets / 153);
    return { encoding: "GSM", characters: chars.length, parts };
  }
  const units = chars.reduce((n, ch) => n + (ch.codePointAt(0) > 0xffff ? 2 : 1), 0);
  return { encoding: "UCS-2", characters: chars.length, parts: units <= 70 ? 1 : Math.ceil(units / 67) };
}

function attachCounter(area) {
  const out = document.getElementById(area.dataset.counter);
  const cost = Number(area.dataset.cost || 3);
  const update = () => {
    const info = smsInfo(area.value);
    out.textContent = document.documentElement.lang === "en"      // the page's language (web/i18n.py)
      ? `${info.characters} characters · ${info.parts} parts (${info.encoding}) · about ¥${info.parts * cost} per message` +
        (info.parts > 1 ? " * sent in several parts" : "")
      : `${info.characters}文字・${info.parts}通（${info.encoding}）・1件あたり約${info.parts * cost}円` +
        (info.parts > 1 ? "　※分割送信になります" : "");
    out.classList.toggle("multipart", info.parts > 1);
  };
  area.addEventListener("input", update);
  update();
}

function autoRefresh(section) {
  const seconds = Number(section.dataset.refresh);
  setInterval(() => {
    if (!document.activeElement || document.activeElement === document.body) location.reload();
  }, seconds * 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-counter]").forEach(attachCounter);
  document.querySelectorAll("[data-refresh]").forEach(autoRefresh);
  document.querySelectorAll("form[data-confirm]").forEach((form) =>
    form.addEventListener("submit", (event) => { if (!confirm(form.dataset.confirm)) event.preventDefault(); }));
});

// -- outbox, conversations, modems, audit --------------------------------------------------------
// A button that needs its own confirmation (the form's other buttons do not): "再送する" on an
// uncertain message may deliver it twice.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-confirm-click]").forEach((button) =>
    button.addEventListener("click", (event) => { if (!confirm(button.dataset.confirmClick)) event.preventDefault(); }));
});

// On a phone a list's rows are cards (style.css): each cell carries its column's heading.
function labelCells(table) {
  const headings = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
  table.querySelectorAll("tbody tr").forEach((row) => {
    let column = 0;
    for (const cell of row.cells) {
      if (cell.colSpan === 1 && headings[column]) cell.dataset.label = headings[column];
      column += cell.colSpan;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => document.querySelectorAll("table.list").forEach(labelCells));

// Long work (a large import): once a form with data-busy is really on its way (no other handler
// cancelled it), its buttons are disabled and the text says what is happening.
function showBusy(form) {
  form.addEventListener("submit", (event) => {
    setTimeout(() => {                 // after every handler, and after the browser took the button's value
      if (event.defaultPrevented) return;
      form.querySelectorAll("button").forEach((button) => { button.disabled = true; });
      const note = document.createElement("p");
      note.className = "busy";
      note.setAttribute("role", "status");
      note.textContent = form.dataset.busy;
      form.append(note);
    });
  });
}

document.addEventListener("DOMContentLoaded", () => document.querySelectorAll("form[data-busy]").forEach(showBusy));
