// Package novadata fills Nova's main and API databases (as nova-manage
// creates them at Zed's first alembic revision) with a small cloud's
// worth of realistic, deterministic data: services and compute nodes,
// instances with their extra, info caches (network_info with MACs and
// IPs), metadata, faults, actions and events, block device mappings with
// iSCSI connection info and CHAP credentials, migrations, key pairs,
// security groups, quotas, aggregates, cell and instance mappings, and
// archived rows in the shadow tables.
package novadata

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Options size the cloud.
type Options struct {
	Instances int    // default 300
	Seed      uint64 // data seed
}

// Planted lists the confidential values the data holds (for leak
// checks): every value written into a column the Nova rules mark.
type Planted struct {
	Values []string
}

type gen struct {
	r       *rand.Rand
	planted map[string]bool
}

func (g *gen) plant(v string) string {
	if len(v) >= 6 {
		g.planted[v] = true
	}
	return v
}

func (g *gen) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.r.IntN(16)]
	}
	return string(b)
}

func (g *gen) uuid() string {
	h := g.hex(32)
	return g.plant(h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:])
}

func (g *gen) ip(prefix string) string {
	return g.plant(fmt.Sprintf("%s.%d.%d", prefix, g.r.IntN(250)+1, g.r.IntN(250)+2))
}

func (g *gen) mac() string {
	return g.plant(fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", g.r.IntN(256), g.r.IntN(256), g.r.IntN(256)))
}

var words = strings.Fields("billing payroll ledger zeus apollo hermes orion vega atlas nimbus falcon kestrel osprey harbor summit granite cedar maple willow ember quartz cobalt onyx")

func (g *gen) word() string { return words[g.r.IntN(len(words))] }

func (g *gen) sshKey(comment string) string {
	blob := make([]byte, 279)
	copy(blob, []byte("\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01\x00\x01\x00\x00\x01\x01"))
	for i := 22; i < len(blob); i++ {
		blob[i] = byte(g.r.IntN(256))
	}
	return g.plant("ssh-rsa " + base64.StdEncoding.EncodeToString(blob) + " " + comment)
}

func (g *gen) fingerprint() string {
	parts := make([]string, 16)
	for i := range parts {
		parts[i] = g.hex(2)
	}
	return g.plant(strings.Join(parts, ":"))
}

type execer struct {
	ctx context.Context
	db  *sql.DB
	err error
}

func (e *execer) exec(q string, args ...any) {
	if e.err != nil {
		return
	}
	if _, err := e.db.ExecContext(e.ctx, q, args...); err != nil {
		e.err = fmt.Errorf("%.120s: %w", q, err)
	}
}

func (e *execer) id(q string, args ...any) int64 {
	if e.err != nil {
		return 0
	}
	res, err := e.db.ExecContext(e.ctx, q, args...)
	if err != nil {
		e.err = fmt.Errorf("%.120s: %w", q, err)
		return 0
	}
	id, _ := res.LastInsertId()
	return id
}

// Fill writes the data. main and api are connections to the two
// databases.
func Fill(ctx context.Context, main, api *sql.DB, o Options) (*Planted, error) {
	if o.Instances <= 0 {
		o.Instances = 300
	}
	g := &gen{r: rand.New(rand.NewPCG(o.Seed, 0x6e6f7661)), planted: map[string]bool{}}
	m, a := &execer{ctx: ctx, db: main}, &execer{ctx: ctx, db: api}
	const site = "acme-cloud.net"
	nHosts := max(4, o.Instances/25)
	projects := make([]string, max(3, o.Instances/40))
	users := make([]string, len(projects)*2)
	for i := range projects {
		projects[i] = g.plant(g.hex(32))
	}
	for i := range users {
		users[i] = g.plant(g.hex(32))
	}
	hosts := make([]string, nHosts)
	nodes := make([]string, nHosts)
	hostIPs := make([]string, nHosts)
	nodeIDs := make([]int64, nHosts)

	// API database: cells, flavors, aggregates, projects.
	a.exec("INSERT INTO cell_mappings (created_at, uuid, name, transport_url, database_connection, disabled) VALUES (NOW(), '00000000-0000-0000-0000-000000000000', 'cell0', 'none:///', ?, 0)",
		g.plant("mysql+pymysql://nova:"+g.plant("Cell0-Db-Pass-"+g.hex(8))+"@db-01."+site+"/nova_cell0"))
	cell1 := a.id("INSERT INTO cell_mappings (created_at, uuid, name, transport_url, database_connection, disabled) VALUES (NOW(), ?, 'cell1', ?, ?, 0)",
		g.uuid(), g.plant("rabbit://nova:"+g.plant("Rabbit-Pass-"+g.hex(8))+"@rabbit-01."+site+":5672,nova:"+g.plant("Rabbit-Pass-"+g.hex(8))+"@rabbit-02."+site+":5672/"),
		g.plant("mysql+pymysql://nova:"+g.plant("Cell1-Db-Pass-"+g.hex(8))+"@db-01."+site+"/nova"))
	flavors := []struct {
		name       string
		mem, vcpus int
	}{{"m1.small", 2048, 1}, {"m1.medium", 4096, 2}, {"m1.large", 8192, 4}}
	for i, f := range flavors {
		a.exec("INSERT INTO flavors (created_at, name, id, memory_mb, vcpus, swap, flavorid, root_gb, ephemeral_gb, disabled, is_public) VALUES (NOW(), ?, ?, ?, ?, 0, ?, 20, 0, 0, 1)", f.name, i+1, f.mem, f.vcpus, fmt.Sprint(i+1))
	}
	aggID := a.id("INSERT INTO aggregates (created_at, uuid, name) VALUES (NOW(), ?, ?)", g.uuid(), g.plant("acme-rack-"+g.word()))
	a.exec("INSERT INTO aggregate_metadata (created_at, aggregate_id, `key`, value) VALUES (NOW(), ?, 'availability_zone', ?)", aggID, g.plant("az-north-"+g.word()))
	for _, p := range projects {
		a.exec("INSERT INTO quotas (created_at, project_id, resource, hard_limit) VALUES (NOW(), ?, 'instances', 100)", p)
		m.exec("INSERT INTO quotas (created_at, project_id, resource, hard_limit, deleted) VALUES (NOW(), ?, 'cores', 200, 0)", p)
	}

	// Services and compute nodes.
	for h := 0; h < nHosts; h++ {
		hosts[h] = g.plant(fmt.Sprintf("cmp-%s-%03d", g.word(), h))
		nodes[h] = g.plant(hosts[h] + ".dc1." + site)
		hostIPs[h] = g.ip("10.20")
		m.exec("INSERT INTO services (created_at, host, `binary`, topic, report_count, disabled, deleted, uuid, version, forced_down) VALUES (NOW(), ?, 'nova-compute', 'compute', ?, 0, 0, ?, 61, 0)", hosts[h], g.r.IntN(100000), g.uuid())
		nodeIDs[h] = m.id(`INSERT INTO compute_nodes (created_at, vcpus, memory_mb, local_gb, vcpus_used, memory_mb_used, local_gb_used, hypervisor_type, hypervisor_version, cpu_info, hypervisor_hostname, host_ip, host, uuid, deleted, stats, supported_instances)
			VALUES (NOW(), 64, 262144, 2000, ?, ?, ?, 'QEMU', 6002000, '{"arch": "x86_64", "model": "Cascadelake-Server", "vendor": "Intel", "topology": {"cells": 2, "sockets": 2, "cores": 16, "threads": 2}}', ?, ?, ?, ?, 0, ?, '[["x86_64", "qemu", "hvm"]]')`,
			g.r.IntN(64), g.r.IntN(262144), g.r.IntN(2000), nodes[h], hostIPs[h], hosts[h], g.uuid(),
			fmt.Sprintf(`{"num_instances": "%d", "num_proj_%s": "%d", "io_workload": "0"}`, g.r.IntN(40), projects[g.r.IntN(len(projects))], g.r.IntN(9)))
		a.exec("INSERT INTO host_mappings (created_at, cell_id, host) VALUES (NOW(), ?, ?)", cell1, hosts[h])
		a.exec("INSERT INTO aggregate_hosts (created_at, host, aggregate_id) VALUES (NOW(), ?, ?)", hosts[h], aggID)
		m.exec("INSERT INTO services (created_at, host, `binary`, topic, report_count, disabled, deleted, uuid, version, forced_down) VALUES (NOW(), ?, 'nova-conductor', 'conductor', 5, 0, ?, ?, 61, 0)", hosts[h]+"-ctl", h+1, g.uuid())
	}

	// Security groups and key pairs per project.
	secgroups := map[string]int64{}
	for i, p := range projects {
		u := users[2*i]
		secgroups[p] = m.id("INSERT INTO security_groups (created_at, name, description, user_id, project_id, deleted) VALUES (NOW(), ?, ?, ?, ?, 0)", g.plant("sg-"+g.word()+"-web"), g.plant("Allows the "+g.word()+" team's offices"), u, p)
		m.exec("INSERT INTO security_group_rules (created_at, parent_group_id, protocol, from_port, to_port, cidr, deleted) VALUES (NOW(), ?, 'tcp', 22, 22, ?, 0)", secgroups[p], g.plant(fmt.Sprintf("203.0.%d.0/24", 100+g.r.IntN(100))))
		key := g.sshKey(g.plant(g.word() + "." + g.word() + "@laptop-" + g.hex(4)))
		fp := g.fingerprint()
		a.exec("INSERT INTO key_pairs (created_at, name, user_id, fingerprint, public_key, type) VALUES (NOW(), ?, ?, ?, ?, 'ssh')", g.plant("key-"+g.word()+"-"+g.hex(3)), u, fp, key)
		m.exec("INSERT INTO key_pairs (created_at, name, user_id, fingerprint, public_key, deleted, type) VALUES (NOW(), ?, ?, ?, ?, 0, 'ssh')", g.plant("legacy-"+g.word()+"-"+g.hex(3)), u, g.fingerprint(), g.sshKey(g.plant("ops@"+site)))
	}

	// Instances and everything that hangs off them.
	for i := 0; i < o.Instances; i++ {
		h := g.r.IntN(nHosts)
		pi := g.r.IntN(len(projects))
		p, u := projects[pi], users[2*pi+g.r.IntN(2)]
		uuid := g.uuid()
		name := g.plant(fmt.Sprintf("%s-%s-%02d", g.word(), g.word(), i%97))
		display := g.plant(fmt.Sprintf("Acme %s %s server %d", g.word(), g.word(), i))
		v4 := g.ip("10.40")
		v6 := g.plant(fmt.Sprintf("2001:db8:%x::%x", g.r.IntN(65536), 1+g.r.IntN(65535)))
		userData := base64.StdEncoding.EncodeToString([]byte("#cloud-config\npassword: " + g.plant("Ud-Pass-"+g.hex(10)) + "\n"))
		g.plant(userData)
		deleted := 0
		m.exec(`INSERT INTO instances (created_at, updated_at, user_id, project_id, image_ref, key_name, key_data, power_state, vm_state, memory_mb, vcpus,
			hostname, host, node, launched_on, user_data, reservation_id, display_name, display_description, availability_zone, uuid, access_ip_v4, access_ip_v6,
			instance_type_id, root_gb, ephemeral_gb, locked, deleted, cleaned, hidden, launch_index, task_state)
			VALUES (NOW(), NOW(), ?, ?, ?, ?, ?, 1, 'active', 2048, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 20, 0, 0, ?, 0, 0, 0, NULL)`,
			u, p, g.uuid(), g.plant("key-"+g.word()), g.sshKey(g.plant("dev@"+g.word()+"."+site)), name, hosts[h], nodes[h], hosts[h], userData,
			g.plant("r-"+g.hex(8)), display, g.plant("Runs the "+g.word()+" "+g.word()+" stack for customer "+g.word()), "az-north-1", uuid, v4, v6, deleted)
		// numa_topology names its instance inside the JSON, as Nova's
		// InstanceNUMATopology does.
		m.exec(`INSERT INTO instance_extra (created_at, deleted, instance_uuid, numa_topology, flavor, keypairs, pci_requests, device_metadata)
			VALUES (NOW(), 0, ?, ?, ?, ?, '[]', NULL)`, uuid,
			fmt.Sprintf(`{"nova_object.name": "InstanceNUMATopology", "nova_object.namespace": "nova", "nova_object.version": "1.3", "nova_object.data": {"instance_uuid": "%s", "cells": [{"nova_object.name": "InstanceNUMACell", "nova_object.data": {"id": 0, "cpuset": [0, 1], "memory": 2048, "pagesize": null}}], "emulator_threads_policy": null}}`, uuid),
			`{"cur": {"nova_object.name": "Flavor", "nova_object.data": {"name": "m1.small", "memory_mb": 2048, "vcpus": 1, "flavorid": "1", "extra_specs": {}}}, "old": null, "new": null}`,
			fmt.Sprintf(`{"nova_object.name": "KeyPairList", "nova_object.data": {"objects": [{"nova_object.name": "KeyPair", "nova_object.data": {"name": "%s", "user_id": "%s", "fingerprint": "%s", "public_key": "%s", "type": "ssh"}}]}}`,
				g.plant("key-"+g.word()), u, g.fingerprint(), g.sshKey(g.plant("dev@"+site))))
		mac := g.mac()
		port := g.uuid()
		fip := g.ip("172.24")
		netinfo := fmt.Sprintf(`[{"id": "%s", "address": "%s", "network": {"id": "%s", "bridge": "br-int", "label": "%s", "subnets": [{"cidr": "10.40.0.0/16", "dns": [{"address": "%s", "type": "dns", "version": 4}], "gateway": {"address": "10.40.0.1", "type": "gateway", "version": 4}, "ips": [{"address": "%s", "type": "fixed", "version": 4, "floating_ips": [{"address": "%s", "type": "floating", "version": 4}]}], "version": 4}], "meta": {"injected": false, "tenant_id": "%s", "mtu": 1450}}, "type": "ovs", "details": {"port_filter": true}, "devname": "tap%s", "ovs_interfaceid": "%s", "active": true, "vnic_type": "normal"}]`,
			port, mac, g.uuid(), g.plant("net-"+g.word()+"-"+g.hex(4)), g.ip("10.40"), v4, fip, p, port[:11], port)
		m.exec("INSERT INTO instance_info_caches (created_at, network_info, instance_uuid, deleted) VALUES (NOW(), ?, ?, 0)", netinfo, uuid)
		m.exec("INSERT INTO virtual_interfaces (created_at, address, instance_uuid, uuid, deleted) VALUES (NOW(), ?, ?, ?, 0)", mac, uuid, port)
		for _, kv := range [][2]string{{"image_base_image_ref", g.uuid()}, {"image_os_distro", "ubuntu"}, {"image_image_name", g.plant("golden-" + g.word() + "-" + g.hex(4))}} {
			m.exec("INSERT INTO instance_system_metadata (created_at, instance_uuid, `key`, value, deleted) VALUES (NOW(), ?, ?, ?, 0)", uuid, kv[0], kv[1])
		}
		if g.r.IntN(3) == 0 {
			m.exec("INSERT INTO instance_metadata (created_at, `key`, value, instance_uuid, deleted) VALUES (NOW(), ?, ?, ?, 0)", g.plant("owner-"+g.word()), g.plant(g.word()+"."+g.word()+"@acme-corp.com"), uuid)
		}
		vols := 1 + g.r.IntN(2)
		for v := 0; v < vols; v++ {
			portal := g.ip("10.30")
			chap := g.plant("Chap-" + g.hex(12))
			m.exec(`INSERT INTO block_device_mapping (created_at, device_name, delete_on_termination, volume_id, volume_size, connection_info, instance_uuid, deleted, source_type, destination_type, boot_index, uuid, attachment_id)
				VALUES (NOW(), ?, 1, ?, 20, ?, ?, 0, 'volume', 'volume', ?, ?, ?)`,
				fmt.Sprintf("/dev/vd%c", 'a'+v), g.uuid(),
				fmt.Sprintf(`{"driver_volume_type": "iscsi", "data": {"target_discovered": false, "target_iqn": "iqn.2010-10.org.openstack:volume-%s", "target_portal": "%s:3260", "target_lun": 1, "volume_id": "%s", "auth_method": "CHAP", "auth_username": "%s", "auth_password": "%s", "encrypted": false}, "serial": "%s"}`,
					g.uuid(), portal, g.uuid(), g.plant("chapuser"+g.hex(6)), chap, g.uuid()),
				uuid, v, g.uuid(), g.uuid())
		}
		req := g.plant("req-" + g.uuid())
		act := m.id("INSERT INTO instance_actions (created_at, action, instance_uuid, request_id, user_id, project_id, start_time, finish_time, deleted) VALUES (NOW(), 'create', ?, ?, ?, ?, NOW(), NOW(), 0)", uuid, req, u, p)
		m.exec("INSERT INTO instance_actions_events (created_at, event, action_id, start_time, finish_time, result, deleted, host) VALUES (NOW(), 'compute__do_build_and_run_instance', ?, NOW(), NOW(), 'Success', 0, ?)", act, hosts[h])
		if g.r.IntN(10) == 0 {
			m.exec("INSERT INTO instance_faults (created_at, instance_uuid, code, message, details, host, deleted) VALUES (NOW(), ?, 500, ?, ?, ?, 0)", uuid,
				g.plant(fmt.Sprintf("Connection to %s:5672 refused", nodes[h])),
				g.plant(fmt.Sprintf("Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/nova/compute/manager.py\", line 2460\nnova.exception.InstanceNotFound: %s on %s (%s)", uuid, nodes[h], hostIPs[h])), hosts[h])
		}
		if g.r.IntN(8) == 0 {
			d := g.r.IntN(nHosts)
			m.exec(`INSERT INTO migrations (created_at, source_compute, dest_compute, dest_host, status, instance_uuid, source_node, dest_node, deleted, migration_type, hidden, uuid, user_id, project_id, cross_cell_move)
				VALUES (NOW(), ?, ?, ?, 'confirmed', ?, ?, ?, 0, 'live-migration', 0, ?, ?, ?, 0)`, hosts[h], hosts[d], hostIPs[d], uuid, nodes[h], nodes[d], g.uuid(), u, p)
		}
		m.exec("INSERT INTO security_group_instance_association (created_at, security_group_id, instance_uuid, deleted) VALUES (NOW(), ?, ?, 0)", secgroups[p], uuid)
		a.exec("INSERT INTO instance_mappings (created_at, instance_uuid, cell_id, project_id, user_id, queued_for_delete) VALUES (NOW(), ?, ?, ?, ?, 0)", uuid, cell1, p, u)
		a.exec("INSERT INTO request_specs (created_at, instance_uuid, spec) VALUES (NOW(), ?, ?)", uuid,
			fmt.Sprintf(`{"nova_object.name": "RequestSpec", "nova_object.data": {"instance_uuid": "%s", "project_id": "%s", "user_id": "%s", "availability_zone": "az-north-1", "num_instances": 1}}`, uuid, p, u))
		if m.err != nil || a.err != nil {
			break
		}
	}
	// Archived rows: deleted instances live on in the shadow tables.
	for i := 0; i < max(3, o.Instances/20); i++ {
		uuid := g.uuid()
		m.exec(`INSERT INTO shadow_instances (created_at, deleted_at, id, user_id, project_id, hostname, host, node, display_name, uuid, access_ip_v4, deleted, vm_state, key_name)
			VALUES (NOW(), NOW(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'deleted', ?)`, 100000+i, users[0], projects[0], g.plant("old-"+g.word()+"-"+g.hex(4)), hosts[0], nodes[0],
			g.plant("Deleted "+g.word()+" box "+g.hex(4)), uuid, g.ip("10.40"), 100000+i, g.plant("key-"+g.word()))
		m.exec("INSERT INTO shadow_instance_info_caches (created_at, id, network_info, instance_uuid, deleted) VALUES (NOW(), ?, ?, ?, ?)", 100000+i,
			fmt.Sprintf(`[{"address": "%s", "network": {"subnets": [{"ips": [{"address": "%s"}]}]}}]`, g.mac(), g.ip("10.40")), uuid, 100000+i)
	}
	if m.err != nil {
		return nil, m.err
	}
	if a.err != nil {
		return nil, a.err
	}
	pl := &Planted{}
	for v := range g.planted {
		pl.Values = append(pl.Values, v)
	}
	return pl, nil
}
