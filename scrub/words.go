package scrub

import (
	"strings"
	"sync"

	"github.com/brianvoe/gofakeit/v7/data"
)

// Tokens of a confidential value are indexed so that parts of it are
// found too ("Zeus" of "Project Zeus db server"); common words are not,
// or every "server" and "database" in a log would go.
var technical = strings.Fields(`server servers database databases instance instances migration migrations
compute network networks volume volumes project projects error errors warning warnings upgrade downgrade
running version update insert delete select table tables column columns index indexes primary foreign
unique constraint default public private internal external backup replica master slave primary secondary
production staging testing development cluster region availability service services python nova mysql
mariadb connection timeout refused request response failed success started finished complete billing
customer corporation company system systems admin administrator laptop desktop router switch storage
python python3 dist-packages site-packages traceback exception manager.py usr/lib`)

var commonWords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, w := range technical {
		m[w] = true
	}
	for _, list := range data.Word {
		for _, w := range list {
			m[strings.ToLower(w)] = true
		}
	}
	return m
})

func commonWord(t string) bool { return commonWords()[strings.ToLower(t)] }
