package anonymize_test

import (
	"bytes"
	"testing"

	"github.com/fuzzyduck/fuzzyduck/anonymize"
	"github.com/fuzzyduck/fuzzyduck/rules"
	"github.com/fuzzyduck/fuzzyduck/sqldump"
)

// FuzzAround: whatever statements follow the schema, the policy never
// panics, and what it accepts it rewrites the same way every time.
func FuzzAround(f *testing.F) {
	for _, s := range []string{
		"DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`a`@`%`*/ /*!50003 TRIGGER t BEFORE INSERT ON users FOR EACH ROW BEGIN IF NEW.email IN ('x@y.org') THEN SET NEW.plan = 'pro'; END IF; END */;;\nDELIMITER ;\n",
		"/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=root@localhost SQL SECURITY DEFINER */\n/*!50001 VIEW `v` AS select 1 from `users` `u` where 'a@b.com' = `u`.`email` */;\n",
		"CREATE SEQUENCE `s` start with 4711 minvalue 10 maxvalue 99999 increment by -1 cache 1000 nocycle ENGINE=InnoDB;\nDO SETVAL(`s`, 5000, 0);\n",
		"-- Host: db1.acme-corp.com    Database: shop\n-- WHERE: x\nSET GLOBAL gtid_slave_pos='0-1-99';\nCHANGE MASTER TO MASTER_LOG_POS=4;\n",
		"CREATE TABLE `t` (`a` enum('x','y') DEFAULT 'x' COMMENT 'c', CHECK (`a` <> 'z')) PARTITION BY LIST COLUMNS(`a`) (PARTITION p VALUES IN ('x','y'));\n",
		"DELIMITER ;;\nCREATE DEFINER=CURRENT_USER PROCEDURE p(IN e INT) COMMENT 'x' BEGIN DECLARE v INT DEFAULT 0; INSERT INTO users (email) VALUES ('q@r.io'); END ;;\nDELIMITER ;\n",
		"DELIMITER ;;\nCREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW BEGIN IF LOWER(NEW.email) = 'a@b.c' OR NEW.email BETWEEN 'a' AND 'b' THEN SET NEW.plan = IF(NEW.email = '', 'x', NEW.plan); END IF; CASE NEW.email WHEN 'q@r.io' THEN BEGIN END; END CASE; END;;\nDELIMITER ;\n",
		"DELIMITER ;;\nCREATE PROCEDURE p() BEGIN DECLARE who VARCHAR(9) DEFAULT 'z@y.x'; SET @w = 'k'; SELECT id FROM users WHERE email = who OR @w = email; END;;\nDELIMITER ;\n",
		"CREATE TABLE `t2` (`e` varchar(9) DEFAULT concat('a','b'), CHECK (LOWER(`e`) <> 'q' AND TRIM(`e`) NOT IN ('r')));\n",
	} {
		f.Add([]byte(s))
	}
	set, err := rules.Parse("rules.yaml", []byte(aroundRules))
	if err != nil {
		f.Fatal(err)
	}
	k, _ := anonymize.NewKey([]byte("fuzz-around-key-0123456789"))
	run := func(dump []byte, schema *sqldump.Schema) ([]byte, error) {
		eng, err := anonymize.New(anonymize.Options{Rules: set, Key: k, Schema: schema, Workers: 1})
		if err != nil {
			return nil, err
		}
		r, _ := sqldump.NewReader(bytes.NewReader(dump))
		var out bytes.Buffer
		w := sqldump.NewWriter(&out)
		if _, err := eng.Run(r, w); err != nil {
			return nil, err
		}
		w.Close()
		return out.Bytes(), nil
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dump := append([]byte(aroundSchema), data...)
		schema, err := anonymize.ReadSchema(bytes.NewReader(dump))
		if err != nil {
			return
		}
		if _, err := anonymize.Prepare(set, schema); err != nil {
			return
		}
		a, err := run(dump, schema)
		if err != nil {
			return
		}
		b, err := run(dump, schema)
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("a second run differs (%v)", err)
		}
	})
}
