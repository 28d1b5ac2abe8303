package scrub

import (
	"crypto/hmac"
	"crypto/sha256"
)

// Markers are [scrubbed:kind:tag], tag a keyed hash (HMAC-SHA256 with
// the marker key, 16 bits) of the secret's canonical form: the key it
// was found by (its letters and digits, folded), so the same value gets
// the same tag in every form it takes (escaped, encoded, a blob that
// holds it, cut over two lines); the tag is useless for guessing it.
// Text a pattern caught is tagged by its own letters and digits, decoded.

// Classes of canonical forms (a skeleton and a folded text never share
// a tag by accident).
const (
	classSkel = 'S'
	classFold = 'F'
)

// tagged marks a span's tag as set.
func tagged(t uint16) uint32 { return 1<<16 | uint32(t) }

// tagOf computes the tag of a canonical form.
func (s *worker) tagOf(class byte, canon []byte) uint32 {
	if s.markMAC == nil {
		s.markMAC = hmac.New(sha256.New, s.mac)
	}
	s.markMAC.Reset()
	s.classBuf[0] = class
	s.markMAC.Write(s.classBuf[:])
	s.markMAC.Write(canon)
	sum := s.markMAC.Sum(s.markSum[:0])
	return tagged(uint16(sum[0])<<8 | uint16(sum[1]))
}

// tagByFP is the tag of an index key found by fingerprint fp, cached by
// fingerprint (the same secrets come back).
func (s *worker) tagByFP(fp uint64, dom byte, key []byte) uint32 {
	c := &s.fpTags[fp&(fpTagSlots-1)]
	if c.fp != fp || c.tag == 0 {
		*c = fpTag{fp, s.tagOf(classOf(dom), key)}
	}
	return c.tag
}

// fpTagSlots: the size of a worker's tag cache for index keys.
const fpTagSlots = 4096

type fpTag struct {
	fp  uint64
	tag uint32
}

// tagText tags text a pattern caught: its letters and digits once
// escapes are undone (as a known value's would be), or its folded text
// when it has none.
func (s *worker) tagText(text []byte) uint32 {
	_, final := lineViews(text)
	s.tagRep.skeleton(final.text)
	if len(s.tagRep.b) > 0 {
		return s.tagOf(classSkel, s.tagRep.b)
	}
	s.tagRep.folded(final.text)
	return s.tagOf(classFold, s.tagRep.b)
}

const hexDigits = "0123456789abcdef"

// appendMarker appends [scrubbed:kind:tag].
func appendMarker(out []byte, kind string, tag uint32) []byte {
	out = append(out, "[scrubbed:"...)
	out = append(out, kind...)
	return append(out, ':', hexDigits[tag>>12&15], hexDigits[tag>>8&15], hexDigits[tag>>4&15], hexDigits[tag&15], ']')
}
