-- The donor database of the around-the-rows tests: every literal that
-- mentions donor-corp, 10.20.30.x, bastion, hunter2, SECRETTOKEN123,
-- Jane Donor, 2023-03-14, 4711 or 5001 is a planted original that no
-- anonymized dump may show, and so is the donor's time zone (+05:45,
-- the event's).
CREATE DATABASE shop COMMENT 'Donor Corp production, owner ops@donor-corp.com';
USE shop;
CREATE USER 'dbadmin'@'bastion.donor-corp.com' IDENTIFIED BY 'Adm1nPassw0rd!';
GRANT ALL ON *.* TO 'dbadmin'@'bastion.donor-corp.com' WITH GRANT OPTION;
CREATE USER 'app'@'10.20.30.40' IDENTIFIED BY 'AppSecret99';
GRANT SELECT, INSERT ON shop.* TO 'app'@'10.20.30.40';
CREATE SERVER replica FOREIGN DATA WRAPPER mysql OPTIONS (HOST 'db2.donor-corp.com', DATABASE 'shop', USER 'repl', PASSWORD 'ReplPassw0rd', PORT 3306);
CREATE TABLE users (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(100) NOT NULL COMMENT 'customer e-mail, e.g. vip@donor-corp.com',
  name VARCHAR(100) NOT NULL DEFAULT 'Jane Donor',
  host VARCHAR(255) NOT NULL DEFAULT 'db1.donor-corp.com',
  tier VARCHAR(10) NOT NULL DEFAULT 'basic',
  kind ENUM('person','company') NOT NULL DEFAULT 'person',
  ip VARCHAR(45) DEFAULT '10.20.30.40',
  UNIQUE KEY (email),
  CONSTRAINT chk_email CHECK (email <> 'banned@donor-corp.com'),
  CONSTRAINT chk_name CHECK (LOWER(name) <> 'vera ip'),
  CONSTRAINT chk_at CHECK (email LIKE '%@%'),
  CONSTRAINT chk_host CHECK (host NOT IN ('evil.donor-corp.com', 'gone.donor-corp.com'))
) ENGINE=InnoDB COMMENT='Donor Corp customers, exported for Jane Donor';
CREATE TABLE audit_log (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(100),
  note VARCHAR(200)
);
DELIMITER ;;
CREATE DEFINER=`dbadmin`@`bastion.donor-corp.com` TRIGGER users_bi BEFORE INSERT ON users FOR EACH ROW
BEGIN
  -- VIPs: vip@donor-corp.com gets gold (ask jane.donor@donor-corp.com)
  IF NEW.email = 'vip@donor-corp.com' THEN
    SET NEW.tier = 'gold';
  END IF;
  IF NEW.host = 'db1.donor-corp.com' THEN SET NEW.name = 'internal'; END IF;
  IF LOWER(NEW.name) = 'vera ip' OR NEW.name BETWEEN 'Sam Second' AND 'Sam Second' THEN SET NEW.tier = 'silver'; END IF;
  CASE NEW.name WHEN 'Jane Donor' THEN SET NEW.tier = 'staff'; ELSE BEGIN END; END CASE;
END;;
CREATE DEFINER=`dbadmin`@`bastion.donor-corp.com` TRIGGER users_ai AFTER INSERT ON users FOR EACH ROW
  INSERT INTO audit_log (email, note) VALUES (NEW.email, 'created, notify ops@donor-corp.com from 10.20.30.40');;
CREATE DEFINER=`dbadmin`@`bastion.donor-corp.com` PROCEDURE p_notify(IN addr VARCHAR(100))
  COMMENT 'pages oncall@donor-corp.com'
BEGIN
  /* call alice on 10.20.30.41 */
  DECLARE hook VARCHAR(200) DEFAULT 'https://admin:hunter2@api.donor-corp.com/hook?key=SECRETTOKEN123';
  SELECT id FROM users WHERE email = 'vip@donor-corp.com';
  BEGIN
    DECLARE who VARCHAR(100) DEFAULT 'Jane Donor';
    SET @whom = 'Sam Second';
    SELECT id FROM users WHERE name = who OR name = @whom;
  END;
  UPDATE users u SET u.tier = 'gold' WHERE u.email IN ('vip@donor-corp.com', 'second@donor-corp.com');
  SET @x = X'7365636f6e6440646f6e6f722d636f72702e636f6d';
END;;
CREATE DEFINER=CURRENT_USER FUNCTION f_is_vip(e VARCHAR(100)) RETURNS INT DETERMINISTIC
  RETURN e = 'vip@donor-corp.com';;
SET time_zone = '+05:45';;
CREATE DEFINER=`dbadmin`@`bastion.donor-corp.com` EVENT ev_cleanup ON SCHEDULE EVERY 1 DAY STARTS '2023-03-14 02:00:00'
  COMMENT 'purge for jane.donor@donor-corp.com'
  DO DELETE FROM audit_log WHERE email = 'vip@donor-corp.com';;
SET time_zone = SYSTEM;;
DELIMITER ;
CREATE DEFINER=`dbadmin`@`bastion.donor-corp.com` SQL SECURITY DEFINER VIEW vip_users AS
  SELECT id, email, 'vip' AS label FROM users WHERE email = 'vip@donor-corp.com' OR host = 'db1.donor-corp.com' OR email LIKE '%@donor-corp.com';
CREATE TABLE logins (
  id INT NOT NULL,
  region VARCHAR(20) NOT NULL,
  created DATETIME NOT NULL,
  PRIMARY KEY (id, region)
) PARTITION BY LIST COLUMNS(region) (PARTITION p_donor VALUES IN ('dc-donor-corp', 'dc2.donor-corp.com'), PARTITION p_other VALUES IN ('other'));
CREATE TABLE orders (
  id INT NOT NULL,
  created DATETIME NOT NULL,
  PRIMARY KEY (id, created)
) PARTITION BY RANGE COLUMNS(created) (PARTITION p2023 VALUES LESS THAN ('2023-03-14 00:00:00'), PARTITION pmax VALUES LESS THAN (MAXVALUE));
CREATE SEQUENCE invoice_seq START WITH 4711 INCREMENT BY 1;
CREATE TABLE prices (
  id INT NOT NULL PRIMARY KEY,
  sku VARCHAR(40) NOT NULL,
  valid_from TIMESTAMP(6) GENERATED ALWAYS AS ROW START,
  valid_to TIMESTAMP(6) GENERATED ALWAYS AS ROW END,
  PERIOD FOR SYSTEM_TIME(valid_from, valid_to)
) WITH SYSTEM VERSIONING;
CREATE TABLE hist (id INT PRIMARY KEY, v VARCHAR(20)) WITH SYSTEM VERSIONING;
INSERT INTO users (email, name, host, ip) VALUES ('vip@donor-corp.com', 'Vera Ip', 'db1.donor-corp.com', '10.20.30.40'),
  ('second@donor-corp.com', 'Sam Second', 'web7.donor-corp.com', '10.20.30.41'),
  ('jane.donor@donor-corp.com', 'Jane Donor', 'db1.donor-corp.com', '10.20.30.42');
ALTER TABLE users AUTO_INCREMENT = 5001;
INSERT INTO logins VALUES (1, 'dc-donor-corp', '2023-01-02 03:04:05'), (2, 'other', '2023-05-06 07:08:09');
INSERT INTO orders VALUES (1, '2023-01-02 03:04:05'), (2, '2023-05-06 07:08:09');
INSERT INTO prices (id, sku) VALUES (1, 'SKU-DONOR-1'), (2, 'SKU-DONOR-2');
UPDATE prices SET sku = 'SKU-DONOR-1b' WHERE id = 1;
INSERT INTO hist VALUES (1, 'a'); UPDATE hist SET v='b';
DO SETVAL(invoice_seq, 9999);
ANALYZE TABLE users PERSISTENT FOR ALL;
