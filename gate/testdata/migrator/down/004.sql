-- A broken downgrade: the index has another name.
DROP INDEX items_hostname ON items;
