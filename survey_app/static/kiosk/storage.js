// The tablet's store of answers: IndexedDB, which no browser empties on its
// own (unlike a cache), one record per answer keyed by its idempotency key.
const DB_NAME = "kiosque", STORE = "answers";

const dbPromise = new Promise(function (resolve, reject) {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = function () {
    open.result.createObjectStore(STORE, { keyPath: "key" });
  };
  open.onsuccess = function () { resolve(open.result); };
  open.onerror = function () { reject(open.error); };
});

function tx(mode, work) {
  return dbPromise.then(function (db) {
    return new Promise(function (resolve, reject) {
      const t = db.transaction(STORE, mode);
      const result = work(t.objectStore(STORE));
      t.oncomplete = function () { resolve(result && result.result); };
      t.onerror = function () { reject(t.error); };
    });
  });
}

export function allRecords() { return tx("readonly", function (s) { return s.getAll(); }); }
export function put(record) { return tx("readwrite", function (s) { s.put(record); }); }
export function forget(key) { return tx("readwrite", function (s) { s.delete(key); }); }
