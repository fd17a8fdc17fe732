/**
 * The queries of scripts/oracle/variant_nested_fixtures.py (the same text on both sides): QUERY
 * builds VARIANT values inside a struct, an array and a map; CHECK reads them back over the view
 * `t` with to_json, variant_get, try_variant_get and schema_of_variant.
 */
export const NESTED_QUERY = `SELECT id,
  CASE WHEN id = 4 THEN NULL ELSE named_struct('n', id, 'v', parse_json(j)) END AS s,
  array(parse_json(j), parse_json('[1,"two"]')) AS a,
  map('k', parse_json(j), 'z', CAST(id AS VARIANT)) AS m
FROM VALUES (1, '{"a":1,"b":[true,"x"]}'), (2, '{"a":25,"c":2.50}'), (3, NULL), (4, '7') AS t(id, j)`;

export const NESTED_CHECK = `SELECT id, to_json(s) AS s, to_json(a) AS a, to_json(m) AS m,
  variant_get(s.v, '$.a', 'int') AS sa, try_variant_get(a[1], '$[1]', 'string') AS a1,
  schema_of_variant(m['k']) AS mk, to_json(m['z']) AS mz FROM t ORDER BY id`;
