package rules

// VersionTables are migration tools' version tables: their rows say which
// schema version the database is at and must stay as they are (duckface
// copies them once, privacy by default leaves them alone).
var VersionTables = []string{"alembic_version", "migrate_version", "schema_migrations", "flyway_schema_history", "django_migrations"}

// IsVersionTable reports whether table is one of VersionTables.
func IsVersionTable(table string) bool {
	for _, t := range VersionTables {
		if t == table {
			return true
		}
	}
	return false
}
