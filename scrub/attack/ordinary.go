package attack

// Ordinary: lines of ordinary migration logs (nova-manage, alembic,
// oslo.db, MariaDB's error log, a traceback) with nothing confidential
// in them, to sit between the probes: a scrubber must leave every one of
// them byte for byte (the built-in patterns' by-design hits, such as
// "(using password: YES)", are not among them).
var Ordinary = []string{
	"2026-11-21 10:00:01.123 4242 INFO alembic.runtime.migration [-] Context impl MySQLImpl.",
	"2026-11-21 10:00:01.124 4242 INFO alembic.runtime.migration [-] Will assume non-transactional DDL.",
	"2026-11-21 10:00:01.130 4242 INFO alembic.runtime.migration [-] Running upgrade 8f2f1571d55b -> 16f1fbcab42b, Resolve shadow table diffs",
	"2026-11-21 10:00:02.503 4242 DEBUG oslo_db.sqlalchemy.engines [-] MySQL server mode set to STRICT_TRANS_TABLES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,TRADITIONAL,NO_ENGINE_SUBSTITUTION _check_effective_sql_mode /usr/lib/python3/dist-packages/oslo_db/sqlalchemy/engines.py:342",
	"2026-11-21 10:00:03.000 4242 INFO alembic.runtime.migration [-] Running upgrade 16f1fbcab42b -> ccb0fa1a2252, Add encryption fields to BlockDeviceMapping",
	"2026-11-21 10:00:03.412 4242 INFO nova.db.main.migrations [req-1a2b3c4d - - - - -] Running online data migration step 12 of 500 for table instances, batch size 1000, rows updated 274",
	"2026-11-21 10:00:04.100 4242 WARNING oslo_config.cfg [-] Deprecated: Option \"api_servers\" from group \"glance\" is deprecated for removal.",
	"2026-11-21 10:00:05 0 [Note] InnoDB: Buffer pool(s) load completed at 261121 10:00:05",
	"2026-11-21 10:00:05 0 [Note] /usr/sbin/mariadbd: ready for connections.",
	"2026-11-21 10:00:06 12 [Warning] Aborted connection 12 to db: 'nova' user: 'root' host: 'localhost' (Got an error reading communication packets)",
	"2026-11-21 10:00:09.001 4242 ERROR nova.cmd.manage Traceback (most recent call last):",
	"2026-11-21 10:00:09.001 4242 ERROR nova.cmd.manage   File \"/usr/lib/python3/dist-packages/sqlalchemy/engine/base.py\", line 1900, in _execute_context",
	"2026-11-21 10:00:09.001 4242 ERROR nova.cmd.manage     self.dialect.do_execute(",
	"2026-11-21 10:00:09.001 4242 ERROR nova.cmd.manage [SQL: ALTER TABLE instances ADD COLUMN hidden BOOL]",
	"2026-11-21 10:00:09.001 4242 ERROR nova.cmd.manage (Background on this error at: https://sqlalche.me/e/14/e3q8)",
	"{\"asctime\": \"2026-11-21 10:00:13\", \"levelname\": \"INFO\", \"name\": \"nova.migration\", \"message\": \"step 8f2f1571d55b -> 16f1fbcab42b done\"}",
	"8f2f1571d55b -> 16f1fbcab42b...",
	"done",
	"Upgrade took 12.4 s, Innodb_rows_read 18234, Innodb_rows_inserted 0, Innodb_rows_updated 4412, Innodb_rows_deleted 0",
}
