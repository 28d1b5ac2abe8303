-- A step that hangs.
SELECT SLEEP(600);
