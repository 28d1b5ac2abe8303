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

// CommonWords: text is words in lower case and separators only, each
// word a common or technical one (englishWord: a generated text is made
// of such words), such as "key summit"; a name written as one ("John
// Smith") is not.
func CommonWords(text []byte) bool {
	n := 0
	for _, w := range strings.FieldsFunc(string(text), func(r rune) bool {
		return r < 0x80 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		if strings.ToLower(w) != w || !englishWord(w) {
			return false
		}
		n++
	}
	return n > 0
}

// mailProviders: the domains of the public mail services (and the
// documentation's): an e-mail's domain is a word of it ("acme-corp.no"
// says whose address it is), but "gmail.com" is every other address's.
var mailProviders = map[string]bool{}

func init() {
	for _, d := range strings.Fields(`gmail.com googlemail.com outlook.com hotmail.com hotmail.co.uk live.com msn.com
yahoo.com yahoo.co.uk yahoo.fr yahoo.de ymail.com icloud.com me.com mac.com aol.com proton.me protonmail.com pm.me
gmx.de gmx.net gmx.com web.de t-online.de mail.ru yandex.ru yandex.com qq.com 163.com 126.com naver.com
fastmail.com zoho.com mail.com free.fr orange.fr laposte.net libero.it seznam.cz wp.pl o2.pl interia.pl
example.com example.org example.net example.edu localhost localdomain`) {
		mailProviders[d] = true
	}
}

func mailProvider(w string) bool { return mailProviders[strings.ToLower(w)] }
