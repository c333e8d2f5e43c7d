// JSON in, JSON out, with the page's CSRF token when it has one: the
// workshop API (facilitation/API.md) and the kiosk's sync. Retries belong to
// the callers' queues (the workshop outbox, the kiosk's), not here.

export function csrf() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

// POST JSON; resolves {ok, status, data}; rejects only on network failure.
export function postJSON(url, body) {
  const headers = { "Content-Type": "application/json", "Accept": "application/json" };
  const token = csrf();
  if (token) headers["X-CSRFToken"] = token;
  return fetch(url, {
    method: "POST", headers: headers, body: JSON.stringify(body || {}),
    credentials: "same-origin", cache: "no-store"
  }).then((response) => response.json().catch(() => ({})).then((data) => (
    { ok: response.ok, status: response.status, data: data }
  )));
}

// GET JSON; rejects with an Error carrying the server's French message and
// `status` when the answer is not 2xx.
export function getJSON(url) {
  return fetch(url, { credentials: "same-origin", cache: "no-store",
                      headers: { "Accept": "application/json" } })
    .then((response) => response.json().catch(() => ({})).then((data) => {
      if (!response.ok) {
        const error = new Error(data.error || ("Erreur " + response.status));
        error.status = response.status;
        throw error;
      }
      return data;
    }));
}
