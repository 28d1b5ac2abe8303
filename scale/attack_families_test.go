package scale

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
)

// The attacker who reads families. A child table follows its parents'
// copies, so where the parent table is small (one aggregate, a few
// cells) its children per parent are the child table's original count:
// Nova's aggregate_hosts under one aggregate is the number of compute
// hosts, the deployment's size. The attacker holds several outputs of
// one donor, scaled with different options under one key (the operator
// publishes them), and reads the children of each parent in each: the
// largest family, the most common family size, the median per-parent
// mean over the outputs. Judged over many keys, so that one key's luck
// decides nothing.

// familyDonor: roots rows in `pools`, each holding per[i] `members`
// (unique (pool_id, host, deleted), as Nova's aggregate_hosts) and
// per[i]+1 `tags` (no unique key), and a big `jobs` table that makes up
// the dump's bytes.
func familyDonor(per []int) []byte {
	var b strings.Builder
	b.WriteString("CREATE TABLE `pools` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(255) DEFAULT NULL, `created_at` datetime DEFAULT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB AUTO_INCREMENT=9;\n")
	b.WriteString("CREATE TABLE `members` (`id` int NOT NULL AUTO_INCREMENT, `pool_id` int NOT NULL, `host` varchar(255) DEFAULT NULL, `deleted` int DEFAULT NULL, `created_at` datetime DEFAULT NULL, PRIMARY KEY (`id`), UNIQUE KEY `uniq_members0host0pool0deleted` (`host`,`pool_id`,`deleted`), CONSTRAINT `members_ibfk_1` FOREIGN KEY (`pool_id`) REFERENCES `pools` (`id`)) ENGINE=InnoDB;\n")
	b.WriteString("CREATE TABLE `tags` (`id` int NOT NULL AUTO_INCREMENT, `pool_id` int NOT NULL, `tag` varchar(64) DEFAULT NULL, PRIMARY KEY (`id`), CONSTRAINT `tags_ibfk_1` FOREIGN KEY (`pool_id`) REFERENCES `pools` (`id`)) ENGINE=InnoDB;\n")
	b.WriteString("CREATE TABLE `jobs` (`id` int NOT NULL AUTO_INCREMENT, `note` varchar(255) DEFAULT NULL, `size` int DEFAULT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;\n")
	words := []string{"amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "inlet", "juniper", "kelp", "larch"}
	b.WriteString("INSERT INTO `pools` VALUES ")
	for i := range per {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "(%d,'pool-%s','2024-0%d-11 10:00:00')", i+1, words[i%len(words)], 1+i%9)
	}
	b.WriteString(";\nINSERT INTO `members` VALUES ")
	id := 0
	for i, n := range per {
		for j := range n {
			if id > 0 {
				b.WriteByte(',')
			}
			id++
			fmt.Fprintf(&b, "(%d,%d,'cmp%02d-%s.example.net',0,'2024-03-%02d 08:%02d:00')", id, i+1, j, words[(i+j)%len(words)], 1+j%28, j%60)
		}
	}
	b.WriteString(";\nINSERT INTO `tags` VALUES ")
	id = 0
	for i, n := range per {
		for j := range n + 1 {
			if id > 0 {
				b.WriteByte(',')
			}
			id++
			fmt.Fprintf(&b, "(%d,%d,'%s')", id, i+1, words[(3*i+j)%len(words)])
		}
	}
	b.WriteString(";\nINSERT INTO `jobs` VALUES ")
	for i := range 400 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "(%d,'job %s %s run %d',%d)", i+1, words[i%len(words)], words[(i*7)%len(words)], i*37%1000, 100+i*53%9000)
	}
	b.WriteString(";\n")
	return []byte(b.String())
}

// familyView is what one output tells about a relation: the children
// of each parent present.
type familyView struct {
	parents, children, max int
	sizes                  []int
}

func viewFamilies(t *testing.T, d *parsedDump, table string) familyView {
	t.Helper()
	par := d.tables["pools"]
	ch := d.tables[table]
	if par == nil || ch == nil {
		t.Fatalf("the output lacks pools or %s", table)
	}
	pc := colIndex(ch.schema, "pool_id")
	n := map[string]int{}
	for _, row := range ch.rows {
		n[row[pc]]++
	}
	v := familyView{parents: len(par.rows), children: len(ch.rows)}
	for _, row := range par.rows {
		s := n[row[0]]
		v.sizes = append(v.sizes, s)
		v.max = max(v.max, s)
	}
	return v
}

func mode(xs []int) int {
	c := map[int]int{}
	best, bn := 0, 0
	for _, x := range xs {
		c[x]++
		if c[x] > bn || c[x] == bn && x < best {
			best, bn = x, c[x]
		}
	}
	return best
}

func medianF(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// TestAttackerReadsSmallFamilies: for a donor with one parent of 8
// children (and one with three parents of 5, 8 and 11), several outputs
// under one key (x3, x0.4, x1.5, --size) give the attacker the original
// per-parent count (the largest family, the most common size, the
// rounded median of per-parent means) under few keys, and the output's
// child count equals the original's rarely.
func TestAttackerReadsSmallFamilies(t *testing.T) {
	nKeys := 24
	if testing.Short() {
		nKeys = 8
	}
	keys := attackKeys(t, nKeys)
	for _, donor := range []struct {
		name string
		per  []int
	}{{"one parent of 8", []int{8}}, {"parents of 5, 8 and 11", []int{5, 8, 11}}} {
		dump := familyDonor(donor.per)
		size := int64(3 * len(dump))
		opts := []Options{{Factor: 3}, {Factor: 0.4}, {Factor: 1.5}, {Size: size}}
		outs := make([][]*parsedDump, len(keys))
		for ki, k := range keys {
			for _, o := range opts {
				o.Key = k
				outs[ki] = append(outs[ki], parseDump(t, scaleDump(t, dump, o)))
			}
		}
		for _, table := range []string{"members", "tags"} {
			extra := 0
			if table == "tags" {
				extra = 1
			}
			truthTotal, truthMean := 0, 0.0
			for _, n := range donor.per {
				truthTotal += n + extra
			}
			truthMean = float64(truthTotal) / float64(len(donor.per))
			truthMax := 0
			for _, n := range donor.per {
				truthMax = max(truthMax, n+extra)
			}
			var (
				b                                   strings.Builder
				runs, sameCount, sameMean, sameRoot int
				maxHits, modeHits, medHits, medNear int
				oneNear                             int
			)
			for ki := range keys {
				var means []float64
				var all []int
				biggest := 0
				for _, d := range outs[ki] {
					v := viewFamilies(t, d, table)
					runs++
					if v.children == truthTotal {
						sameCount++
					}
					if v.parents == len(donor.per) {
						sameRoot++
						if v.children == truthTotal {
							sameMean++
						}
					}
					mean := float64(v.children) / float64(max(v.parents, 1))
					if math.Abs(mean/truthMean-1) <= 0.25 {
						oneNear++
					}
					means = append(means, mean)
					all = append(all, v.sizes...)
					biggest = max(biggest, v.max)
				}
				med := medianF(means)
				if biggest == truthMax {
					maxHits++
				}
				if len(donor.per) == 1 && mode(all) == truthMax {
					modeHits++
				}
				if math.Round(med) == math.Round(truthMean) {
					medHits++
				}
				if math.Abs(med/truthMean-1) <= 0.25 {
					medNear++
				}
				if ki < 6 {
					fmt.Fprintf(&b, "  key %d: per-parent means %.1f, largest family %d, sizes %v\n", ki, means, biggest, all)
				}
			}
			t.Logf("%s, %s (truth: %d rows, %.1f per parent, largest %d), %d keys x %d outputs:\n%s  child count = the original's in %d of %d outputs (%d with the root count the original's too); one output's per-parent mean within ±25%% in %d; largest family over the outputs = the original's largest under %d keys; most common size = it under %d; median per-parent mean rounds to the original's under %d, within ±25%% under %d",
				donor.name, table, truthTotal, truthMean, truthMax, len(keys), len(opts), b.String(), sameCount, runs, sameMean, oneNear, maxHits, modeHits, medHits, medNear)
			// Exact recoveries: chance-level only (a spread of ×/÷3 over
			// sizes near 8 puts a given integer at about 1/8 of draws).
			limit := len(keys)/4 + 1
			for _, c := range []struct {
				what string
				hits int
			}{{"the largest family", maxHits}, {"the most common family size", modeHits}, {"the rounded median per-parent mean", medHits}} {
				if c.hits > limit {
					t.Errorf("%s, %s: %s gives the original's per-parent count under %d of %d keys (limit %d)", donor.name, table, c.what, c.hits, len(keys), limit)
				}
			}
			// One output alone: its per-parent mean is the original's
			// times a keyed ratio of draws, within ±25% no more often
			// than a guessed factor is (GuessChance).
			p := GuessChance(DefaultJitter)
			if limit := p + 3*math.Sqrt(p*(1-p)/float64(runs)) + 0.05; float64(oneNear)/float64(runs) > limit {
				t.Errorf("%s, %s: one output's per-parent mean is within ±25%% of the original's in %d of %d outputs (at most %.0f%% by chance)", donor.name, table, oneNear, runs, 100*limit)
			}
			if sameCount > runs/5 {
				t.Errorf("%s, %s: the child count is the original's in %d of %d outputs", donor.name, table, sameCount, runs)
			}
		}
	}
}
