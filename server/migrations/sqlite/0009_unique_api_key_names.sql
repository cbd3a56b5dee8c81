-- An API key's name is unique within its organisation, letters compared without case
-- (ASCII), so a key is known by its name in lists and logs.
--
-- Keys that already share a name keep it on the oldest; each later one gets its place
-- among them appended ("deploy (2)", "deploy (3)", ...), so the index can be built.
-- The places are read before any row changes.
CREATE TEMPORARY TABLE api_key_renames AS
SELECT k.id AS id,
       k.name || ' (' || (
           SELECT COUNT(*) + 1 FROM api_keys AS o
           WHERE o.org_id = k.org_id AND lower(o.name) = lower(k.name)
             AND (o.created_at < k.created_at OR (o.created_at = k.created_at AND o.id < k.id))
       ) || ')' AS name
FROM api_keys AS k
WHERE EXISTS (
    SELECT 1 FROM api_keys AS o
    WHERE o.org_id = k.org_id AND lower(o.name) = lower(k.name)
      AND (o.created_at < k.created_at OR (o.created_at = k.created_at AND o.id < k.id))
);
UPDATE api_keys SET name = (SELECT r.name FROM api_key_renames AS r WHERE r.id = api_keys.id)
WHERE id IN (SELECT id FROM api_key_renames);
DROP TABLE api_key_renames;

CREATE UNIQUE INDEX api_keys_name_per_org ON api_keys (org_id, lower(name));
