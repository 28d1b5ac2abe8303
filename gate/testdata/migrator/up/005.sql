-- A migration that logs a confidential value it reads.
SELECT CONCAT('migrating item: ', name, ' on ', host) AS progress FROM items ORDER BY id LIMIT 2;
