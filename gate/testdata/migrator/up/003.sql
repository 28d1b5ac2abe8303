-- A deliberately slow data migration: touches every row, then waits.
UPDATE items SET host = CONCAT(host, '.');
SELECT SLEEP(3);
