// The impact × feasibility matrix (facilitation/matrix.py) as the live pages
// draw it: the scales' labels, the quarter a point falls in, the items best
// placed first, and the drawing (SVG of numbered dots) with its table (the
// accessible version: the numbers refer to its rows). Labels are user text:
// they only ever go through textContent (dom.js `el`, `svgNode`).
import { el } from "../../static/js/dom.js";

export const IMPACT = ["Faible", "Moyen", "Fort", "Très fort"];
export const FEASIBILITY = ["Difficile", "Plutôt difficile", "Plutôt facile", "Facile"];
const HIGH = 2.5; // a mean above this is on the "strong" / "easy" side
const QUADRANTS = {
  "true|true": "À lancer en priorité",
  "true|false": "Fort impact, à préparer",
  "false|true": "Facile, impact limité",
  "false|false": "À écarter pour l'instant",
};
const SVG = "http://www.w3.org/2000/svg";

/* The name of the quarter of the matrix a point ({impact, feasibility}) falls in. */
export function quadrant(point) {
  return QUADRANTS[(point.impact > HIGH) + "|" + (point.feasibility > HIGH)];
}

/* Items with the room's means, best placed first (as matrix.results). */
export function matrixRows(activity) {
  const placements = activity.placements || {};
  const rows = (activity.items || []).map(function (item) {
    const point = placements[item.key];
    return { key: item.key, label: item.label, point: point && point.count ? point : null };
  });
  function score(row) {
    return row.point ? row.point.impact + row.point.feasibility + row.point.impact / 100 : -1;
  }
  rows.sort(function (a, b) { return score(b) - score(a); });
  return rows;
}

function svgNode(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function decimal(value) { return value.toFixed(1).replace(".", ","); }

/* Replace the content of `box` by the matrix of `activity` and its table. */
export function drawMatrix(box, activity) {
  const rows = matrixRows(activity);
  const size = 420, margin = 56, inner = size - 2 * margin;
  const x = function (f) { return margin + (f - 1) / 3 * inner; };
  const y = function (i) { return margin + (4 - i) / 3 * inner; };
  const svg = svgNode("svg", {
    viewBox: "0 0 " + size + " " + size, role: "img", "class": "matrix-svg",
    "aria-label": "Matrice impact × faisabilité : les numéros renvoient au tableau.",
  });
  svg.appendChild(svgNode("rect", { x: margin, y: margin, width: inner, height: inner, fill: "#f6f6fb", stroke: "#3a3a3a" }));
  svg.appendChild(svgNode("rect", { x: x(HIGH), y: margin, width: margin + inner - x(HIGH), height: y(HIGH) - margin, fill: "#e3f5e8" }));
  svg.appendChild(svgNode("line", { x1: x(HIGH), y1: margin, x2: x(HIGH), y2: margin + inner, stroke: "#3a3a3a", "stroke-dasharray": "4 4" }));
  svg.appendChild(svgNode("line", { x1: margin, y1: y(HIGH), x2: margin + inner, y2: y(HIGH), stroke: "#3a3a3a", "stroke-dasharray": "4 4" }));
  [[true, true, margin + inner - 4, margin + 14, "end"], [true, false, margin + 4, margin + 14, "start"],
   [false, true, margin + inner - 4, margin + inner - 6, "end"], [false, false, margin + 4, margin + inner - 6, "start"]]
    .forEach(function (c) {
      svg.appendChild(svgNode("text", { x: c[2], y: c[3], "text-anchor": c[4], "font-size": 11, fill: "#3a3a3a" },
                              QUADRANTS[c[0] + "|" + c[1]]));
    });
  svg.appendChild(svgNode("text", { x: size / 2, y: size - 14, "text-anchor": "middle", "font-size": 13 },
                          "Faisabilité : difficile → facile"));
  svg.appendChild(svgNode("text", { x: 18, y: size / 2, "text-anchor": "middle", "font-size": 13,
                                    transform: "rotate(-90 18 " + size / 2 + ")" }, "Impact : faible → fort"));
  const body = el("tbody");
  let number = 0;
  rows.forEach(function (row) {
    const p = row.point;
    if (p) {
      number += 1;
      svg.appendChild(svgNode("circle", { cx: x(p.feasibility), cy: y(p.impact), r: 11, fill: "#000091" }));
      svg.appendChild(svgNode("text", { x: x(p.feasibility), y: y(p.impact) + 4, "text-anchor": "middle",
                                        "font-size": 11, "font-weight": 700, fill: "#fff" }, number));
    }
    body.appendChild(el("tr", {}, [
      el("td", { text: p ? number : "" }), el("td", { text: row.label }),
      el("td", { text: p ? p.count : 0 }), el("td", { text: p ? decimal(p.impact) : "–" }),
      el("td", { text: p ? decimal(p.feasibility) : "–" }),
      el("td", { text: p ? quadrant(p) : "Pas encore placé" }),
    ]));
  });
  const head = el("tr", {}, ["N°", "Élément", "Participants", "Impact (1 à 4)", "Faisabilité (1 à 4)", "Position"]
    .map(function (h) { return el("th", { text: h, attrs: { scope: "col" } }); }));
  box.textContent = "";
  box.appendChild(el("div", { cls: "matrix-board" }, [
    el("figure", { cls: "matrix" }, [svg]),
    el("div", { cls: "table-wrap" }, [el("table", { cls: "matrix-table" }, [
      el("caption", { text: "Moyenne des positions données par les participants" }),
      el("thead", {}, [head]), body,
    ])]),
  ]));
}
