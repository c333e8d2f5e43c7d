// The server's clock: countdowns end at the same moment on every phone and
// on the projector, whatever each device's own clock says.

let clockOffset = 0; // server time - local time, in ms

export function setClock(serverTime) {
  if (serverTime) clockOffset = Date.parse(serverTime) - Date.now();
}

// Whole seconds left until `endsAt` (server time), null without a timer.
export function remaining(endsAt) {
  if (!endsAt) return null;
  return Math.max(0, Math.round((Date.parse(endsAt) - (Date.now() + clockOffset)) / 1000));
}

export function formatSeconds(seconds) {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m + ":" + (s < 10 ? "0" : "") + s;
}

// Ticks every second for the countdowns of a page.
export function everySecond(fn) {
  fn();
  return setInterval(fn, 1000);
}
