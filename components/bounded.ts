/**
 * `map`'s value for `key`, made and kept when missing. A map that reaches `limit` entries is
 * emptied first: caches of text a terminal UI draws see the same few entries every frame, and
 * a dashboard left open for days must not keep every text it ever drew.
 */
export function remember<K, V>(map: Map<K, V>, key: K, limit: number, make: (key: K) => V): V {
  let value = map.get(key);
  if (value === undefined && !map.has(key)) {
    if (map.size >= limit) map.clear();
    value = make(key);
    map.set(key, value);
  }
  return value as V;
}
