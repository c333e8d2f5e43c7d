// A random key made on the device: the idempotency key of an answer or a
// card, so that sending it twice (retry, double tap) stores it once.
export function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join("");
}
