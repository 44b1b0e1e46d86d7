// debttrap workbench: draws the charts and swaps in a recomputed assessment. No build step.
"use strict";

function drawFigures(figures) {
  const box = document.getElementById("figures");
  box.replaceChildren();
  for (const f of figures) {
    const fig = JSON.parse(f.json);
    const wrap = document.createElement("figure");
    const cap = document.createElement("figcaption");
    cap.textContent = f.title;
    const div = document.createElement("div");
    div.id = f.id;
    div.className = "chart";
    const scroll = document.createElement("div");  // narrow screens: the chart scrolls
    scroll.className = "chart-scroll";
    scroll.append(div);
    wrap.append(cap, scroll);
    box.append(wrap);
    fig.layout.autosize = true;
    delete fig.layout.width;
    Plotly.newPlot(div, fig.data, fig.layout, {responsive: true, displaylogo: false});
  }
}

function showResult(data) {
  document.getElementById("verdict").innerHTML = data.verdict_html;
  document.getElementById("table").innerHTML = data.table_html;
  document.getElementById("dsa").innerHTML = data.dsa_html;
  const notes = document.getElementById("notes");
  notes.replaceChildren(...data.notes.map((n) => {
    const li = document.createElement("li");
    li.textContent = n;
    return li;
  }));
  document.getElementById("dl-report").href = data.downloads["report.html"];
  document.getElementById("dl-json").href = data.downloads["assessment.json"];
  document.getElementById("dl-xlsx").href = data.downloads["workbook.xlsx"];
  drawFigures(data.figures);
}

async function recompute(event) {
  event.preventDefault();
  const form = event.target;
  const status = document.getElementById("status");
  const error = document.getElementById("error");
  const button = document.getElementById("recompute");
  status.textContent = "computing…";
  button.disabled = true;
  try {
    const response = await fetch(form.action, {method: "POST", body: new FormData(form)});
    const data = await response.json();
    if (data.error) {
      error.textContent = data.error;
      error.hidden = false;
      status.textContent = "";
    } else {
      error.hidden = true;
      showResult(data);
      status.textContent = "updated";
      document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
    }
  } catch (e) {
    error.textContent = "The workbench did not answer; is `debttrap serve` still running?";
    error.hidden = false;
    status.textContent = "";
  } finally {
    button.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("figure-data");
  if (data) drawFigures(JSON.parse(data.textContent));
  const form = document.getElementById("offer-form");
  if (form) form.addEventListener("submit", recompute);
});
