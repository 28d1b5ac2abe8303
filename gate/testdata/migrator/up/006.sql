-- Schema drift: the index exists only where the table had rows.
SET @n = (SELECT COUNT(*) FROM items);
SET @sql = IF(@n > 0, 'CREATE INDEX items_name ON items (name)', 'SELECT 1');
PREPARE s FROM @sql;
EXECUTE s;
