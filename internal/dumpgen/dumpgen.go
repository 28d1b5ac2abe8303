// Package dumpgen writes deterministic, Nova-like MariaDB dumps of any size
// for benchmarks: the same seed and size give the same bytes. The dump has
// the shape mariadb-dump prints (header, DROP/CREATE TABLE, LOCK, extended
// INSERTs of about 1 MB) and loads into MariaDB.
package dumpgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

// Options control the generated dump.
type Options struct {
	// Size is the approximate number of bytes to write.
	Size int64
	// Seed selects the data; the default 0 is a fine seed.
	Seed uint64
	// StatementSize is the target size of one extended INSERT (default
	// 1 MiB, like mariadb-dump's net_buffer_length).
	StatementSize int
}

const header = `/*M!999999\- enable the sandbox mode */ 
-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: nova
-- ------------------------------------------------------
-- Server version	10.11.19-MariaDB

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
`

const footer = `/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;

/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;

-- Dump completed
`

type table struct {
	name   string
	ddl    string
	share  float64 // fraction of the data bytes
	row    func(g *gen, id int64) string
	nextID int64
}

// Tables lists the generated tables with the columns that hold
// confidential data, for benchmarks that anonymize the dump.
var Tables = map[string][]string{
	"instances":            {"uuid", "hostname", "host", "node", "display_name", "access_ip_v4", "access_ip_v6", "user_id", "project_id", "key_name"},
	"instance_info_caches": {"instance_uuid", "network_info"},
	"block_device_mapping": {"instance_uuid", "connection_info"},
	"instance_metadata":    {"instance_uuid", "value"},
	"compute_nodes":        {"hypervisor_hostname", "host_ip", "host"},
}

func tables() []*table {
	return []*table{
		{name: "compute_nodes", share: 0.02, ddl: "CREATE TABLE `compute_nodes` (\n" +
			"  `created_at` datetime DEFAULT NULL,\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n" +
			"  `vcpus` int(11) NOT NULL,\n  `memory_mb` int(11) NOT NULL,\n  `hypervisor_hostname` varchar(255) DEFAULT NULL,\n" +
			"  `host_ip` varchar(39) DEFAULT NULL,\n  `host` varchar(255) DEFAULT NULL,\n  `uuid` varchar(36) DEFAULT NULL,\n" +
			"  `deleted` int(11) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `compute_nodes_uuid_idx` (`uuid`)\n" +
			") ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;\n",
			row: func(g *gen, id int64) string {
				host := g.hostname(id)
				return fmt.Sprintf("('%s',%d,%d,%d,'%s','%s','%s','%s',0)", g.date(), id, 8+g.r.IntN(120), 16384*(1+g.r.IntN(64)),
					host, g.ipv4(), strings.SplitN(host, ".", 2)[0], g.uuid())
			}},
		{name: "instances", share: 0.38, ddl: "CREATE TABLE `instances` (\n" +
			"  `created_at` datetime DEFAULT NULL,\n  `updated_at` datetime DEFAULT NULL,\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n" +
			"  `user_id` varchar(255) DEFAULT NULL,\n  `project_id` varchar(255) DEFAULT NULL,\n  `image_ref` varchar(255) DEFAULT NULL,\n" +
			"  `key_name` varchar(255) DEFAULT NULL,\n  `power_state` int(11) DEFAULT NULL,\n  `vm_state` varchar(255) DEFAULT NULL,\n" +
			"  `memory_mb` int(11) DEFAULT NULL,\n  `vcpus` int(11) DEFAULT NULL,\n  `hostname` varchar(255) DEFAULT NULL,\n" +
			"  `host` varchar(255) DEFAULT NULL,\n  `node` varchar(255) DEFAULT NULL,\n  `display_name` varchar(255) DEFAULT NULL,\n" +
			"  `display_description` text DEFAULT NULL,\n  `access_ip_v4` varchar(39) DEFAULT NULL,\n  `access_ip_v6` varchar(39) DEFAULT NULL,\n" +
			"  `uuid` varchar(36) NOT NULL,\n  `deleted` int(11) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  UNIQUE KEY `uniq_instances0uuid` (`uuid`),\n" +
			"  KEY `instances_host_deleted_idx` (`host`,`deleted`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;\n",
			row: func(g *gen, id int64) string {
				return fmt.Sprintf("('%s','%s',%d,'%s','%s','%s','%s',%d,'%s',%d,%d,'%s','%s','%s','%s','%s','%s','%s','%s',0)",
					g.date(), g.date(), id, g.hexid(), g.hexid(), g.uuid(), g.word()+"-key", g.r.IntN(5), []string{"active", "stopped", "error"}[g.r.IntN(3)],
					512*(1+g.r.IntN(32)), 1+g.r.IntN(16), g.word()+"-"+g.word(), g.computeHost(), g.computeHost()+".cloud.example.com",
					g.words(1+g.r.IntN(4)), g.text(g.r.IntN(120)), g.ipv4(), g.ipv6(), g.instanceUUID(id))
			}},
		{name: "instance_info_caches", share: 0.30, ddl: "CREATE TABLE `instance_info_caches` (\n" +
			"  `created_at` datetime DEFAULT NULL,\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `network_info` mediumtext DEFAULT NULL,\n" +
			"  `instance_uuid` varchar(36) NOT NULL,\n  `deleted` int(11) DEFAULT NULL,\n  PRIMARY KEY (`id`),\n" +
			"  UNIQUE KEY `uniq_instance_info_caches0instance_uuid` (`instance_uuid`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;\n",
			row: func(g *gen, id int64) string {
				return fmt.Sprintf("('%s',%d,'%s','%s',0)", g.date(), id, g.networkInfo(), g.instanceUUID(id))
			}},
		{name: "block_device_mapping", share: 0.20, ddl: "CREATE TABLE `block_device_mapping` (\n" +
			"  `created_at` datetime DEFAULT NULL,\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `device_name` varchar(255) DEFAULT NULL,\n" +
			"  `delete_on_termination` tinyint(1) DEFAULT NULL,\n  `connection_info` mediumtext DEFAULT NULL,\n" +
			"  `instance_uuid` varchar(36) DEFAULT NULL,\n  `volume_size` int(11) DEFAULT NULL,\n  `deleted` int(11) DEFAULT NULL,\n" +
			"  PRIMARY KEY (`id`),\n  KEY `block_device_mapping_instance_uuid_idx` (`instance_uuid`)\n" +
			") ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;\n",
			row: func(g *gen, id int64) string {
				return fmt.Sprintf("('%s',%d,'/dev/vd%c',%d,'%s','%s',%d,0)", g.date(), id, 'a'+rune(g.r.IntN(4)), g.r.IntN(2),
					g.connectionInfo(), g.someInstance(), 1+g.r.IntN(500))
			}},
		{name: "instance_metadata", share: 0.10, ddl: "CREATE TABLE `instance_metadata` (\n" +
			"  `created_at` datetime DEFAULT NULL,\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `key` varchar(255) DEFAULT NULL,\n" +
			"  `value` varchar(255) DEFAULT NULL,\n  `instance_uuid` varchar(36) DEFAULT NULL,\n  `deleted` int(11) DEFAULT NULL,\n" +
			"  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci;\n",
			row: func(g *gen, id int64) string {
				return fmt.Sprintf("('%s',%d,'%s','%s','%s',0)", g.date(), id, g.word(), g.text(10+g.r.IntN(60)), g.someInstance())
			}},
	}
}

type gen struct {
	r         *rand.Rand
	instances int64 // rows written to instances so far
}

// someInstance is the uuid of an existing instance.
func (g *gen) someInstance() string { return g.instanceUUID(1 + g.r.Int64N(max(g.instances, 1))) }

var wordList = strings.Fields(`alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike
november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu web db cache queue
worker api proxy build test prod staging backup mail ldap vpn monitor`)

func (g *gen) word() string { return wordList[g.r.IntN(len(wordList))] }

func (g *gen) words(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word()
	}
	return strings.Join(ws, " ")
}

// text returns about n bytes of words, with a few characters that need
// escaping, as real descriptions have.
func (g *gen) text(n int) string {
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.word())
		if g.r.IntN(20) == 0 {
			b.WriteString(`\'s`)
		}
	}
	return b.String()
}

func (g *gen) date() string {
	return fmt.Sprintf("20%02d-%02d-%02d %02d:%02d:%02d", 14+g.r.IntN(12), 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60))
}

func (g *gen) hexid() string { return fmt.Sprintf("%016x%016x", g.r.Uint64(), g.r.Uint64()) }

func (g *gen) uuid() string {
	a, b := g.r.Uint64(), g.r.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, a>>16&0xffff, a&0xfff, 0x8000|b>>48&0x3fff, b&0xffffffffffff)
}

// instanceUUID is the id-th instance's uuid, so that other tables refer to
// instances that exist.
func (g *gen) instanceUUID(id int64) string {
	x := uint64(id)*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
	y := x*0xbf58476d1ce4e5b9 ^ x>>31
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", x>>32, x>>16&0xffff, x&0xfff, 0x8000|y>>48&0x3fff, y&0xffffffffffff)
}

func (g *gen) hostname(id int64) string {
	return fmt.Sprintf("compute-%05d.cloud.example.com", id)
}

func (g *gen) computeHost() string { return fmt.Sprintf("compute-%05d", g.r.IntN(5000)) }

func (g *gen) ipv4() string {
	return fmt.Sprintf("10.%d.%d.%d", g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
}

func (g *gen) ipv6() string {
	return fmt.Sprintf("2001:db8:%x:%x::%x", g.r.IntN(65536), g.r.IntN(65536), 1+g.r.IntN(65535))
}

func (g *gen) mac() string {
	return fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", g.r.IntN(256), g.r.IntN(256), g.r.IntN(256))
}

// networkInfo is a Nova network_info cache entry: JSON, escaped for SQL the
// way mariadb-dump escapes it (every double quote as \").
func (g *gen) networkInfo() string {
	var b strings.Builder
	b.WriteString(`[`)
	for i, n := 0, 1+g.r.IntN(2); i < n; i++ {
		if i > 0 {
			b.WriteString(`, `)
		}
		fmt.Fprintf(&b, `{\"id\": \"%s\", \"address\": \"%s\", \"network\": {\"id\": \"%s\", \"bridge\": \"br-int\", \"label\": \"%s\", \"subnets\": [{\"cidr\": \"10.%d.0.0/16\", \"dns\": [{\"address\": \"%s\", \"type\": \"dns\", \"version\": 4}], \"gateway\": {\"address\": \"%s\", \"type\": \"gateway\", \"version\": 4}, \"ips\": [{\"address\": \"%s\", \"type\": \"fixed\", \"version\": 4, \"floating_ips\": [{\"address\": \"%s\", \"type\": \"floating\"}]}], \"version\": 4}]}, \"type\": \"ovs\", \"devname\": \"tap%s\", \"ovs_interfaceid\": \"%s\", \"active\": true, \"vnic_type\": \"normal\"}`,
			g.uuid(), g.mac(), g.uuid(), g.word()+"-net", g.r.IntN(256), g.ipv4(), g.ipv4(), g.ipv4(), g.ipv4(), g.uuid()[:11], g.uuid())
	}
	b.WriteString(`]`)
	return b.String()
}

func (g *gen) connectionInfo() string {
	return fmt.Sprintf(`{\"driver_volume_type\": \"iscsi\", \"data\": {\"target_discovered\": false, \"target_iqn\": \"iqn.2010-10.org.openstack:volume-%s\", \"target_portal\": \"%s:3260\", \"volume_id\": \"%s\", \"auth_method\": \"CHAP\", \"auth_username\": \"%s\", \"auth_password\": \"%s\", \"encrypted\": false}, \"serial\": \"%s\"}`,
		g.uuid(), g.ipv4(), g.uuid(), g.hexid()[:20], g.hexid()[:16], g.uuid())
}

// Write writes a dump of about opts.Size bytes to w.
func Write(w io.Writer, opts Options) error {
	if opts.StatementSize <= 0 {
		opts.StatementSize = 1 << 20
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	g := &gen{r: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed))}
	bw.WriteString(header)
	written := int64(len(header) + len(footer))
	for _, t := range tables() {
		budget := int64(float64(opts.Size) * t.share)
		fmt.Fprintf(bw, "\n--\n-- Table structure for table `%s`\n--\n\nDROP TABLE IF EXISTS `%s`;\n"+
			"/*!40101 SET @saved_cs_client     = @@character_set_client */;\n/*!40101 SET character_set_client = utf8mb4 */;\n%s"+
			"/*!40101 SET character_set_client = @saved_cs_client */;\n\n--\n-- Dumping data for table `%s`\n--\n\n"+
			"LOCK TABLES `%s` WRITE;\n/*!40000 ALTER TABLE `%s` DISABLE KEYS */;\n", t.name, t.name, t.ddl, t.name, t.name, t.name)
		var used int64
		for used < budget {
			stmt := fmt.Sprintf("INSERT INTO `%s` VALUES ", t.name)
			var sb strings.Builder
			sb.WriteString(stmt)
			for first := true; sb.Len() < opts.StatementSize && used+int64(sb.Len()) < budget; first = false {
				if !first {
					sb.WriteByte(',')
				}
				t.nextID++
				sb.WriteString(t.row(g, t.nextID))
			}
			sb.WriteString(";\n")
			used += int64(sb.Len())
			if _, err := bw.WriteString(sb.String()); err != nil {
				return fmt.Errorf("dumpgen: %w", err)
			}
		}
		written += used
		if t.name == "instances" {
			g.instances = t.nextID
		}
		fmt.Fprintf(bw, "/*!40000 ALTER TABLE `%s` ENABLE KEYS */;\nUNLOCK TABLES;\n", t.name)
	}
	bw.WriteString(footer)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("dumpgen: %w", err)
	}
	return nil
}
