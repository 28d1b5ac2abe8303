package scrub

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFoldAfterExpansion: runes that fold to more bytes than they take
// ("㍿" is four letters), then ASCII, give the same skeleton and folded
// bytes as folding each rune alone (the reps' buffers grow apart).
func TestFoldAfterExpansion(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"㍿", "ﬃ", "ß", "Ø", "abc", "XYZ 12", " ", "-", "\x00", "王", "Straße", strings.Repeat("q", 40)}
	for n := 0; n < 2000; n++ {
		var b strings.Builder
		for k := r.IntN(30); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		text := []byte(b.String())
		var sk, fo rep
		sk.skeleton(text)
		fo.folded(text)
		var wantSk, wantFo []byte
		for _, c := range b.String() {
			var one rep
			one.skeleton([]byte(string(c)))
			wantSk = append(wantSk, one.b...)
			one.folded([]byte(string(c)))
			wantFo = append(wantFo, one.b...)
		}
		if string(sk.b) != string(wantSk) || string(fo.b) != string(wantFo) || len(sk.src) != len(sk.b) || len(fo.fl) != len(fo.b) {
			t.Fatalf("%q: skeleton %q, want %q; folded %q, want %q", text, sk.b, wantSk, fo.b, wantFo)
		}
	}
}
