package scrub

import (
	"bytes"
	"compress/bzip2"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// Compressed blobs: what a base64 or hex run holds may be any of the
// streams a migration or its tools write (gzip, zlib, raw deflate as
// ZIP members and PHP's gzdeflate write it, bzip2, xz, the old .lzma
// format, zstd), or one inside another (gzip of gzip). Each is read up
// to the line's inflate budget; a stream that says it needs more memory
// than that budget can use is scrubbed whole as unread.

// maxLayers bounds streams inside streams (each layer is read within
// the same budget).
const maxLayers = 4

// dictCap is the largest dictionary an LZMA stream may ask for: what is
// read of a stream never reaches further back than the budget, so a
// larger dictionary is never used and is capped to it.
const dictCap = inflateBudget

// inflate returns what a compressed blob holds (as much as could be
// read, up to limit bytes), whether it was one, and whether it holds
// more than limit (or could not be read within it). A stream inside a
// stream is opened too. raw: the outermost stream was raw deflate,
// which has no magic (the bytes may be something else that happens to
// read as one).
func inflate(b []byte, limit int) (out []byte, ok, over bool) {
	out, ok, over, _ = inflateRaw(b, limit)
	return out, ok, over
}

func inflateRaw(b []byte, limit int) (out []byte, ok, over, raw bool) {
	for layer := 0; layer < maxLayers; layer++ {
		o, k, ov, r := decompress1(b, limit)
		if ov {
			return o, true, true, raw || layer == 0 && r
		}
		if !k {
			break
		}
		if layer == 0 {
			raw = r
		}
		out, ok, b = o, true, o
	}
	return out, ok, false, raw
}

// decompress1 opens one stream by its magic (raw deflate last).
func decompress1(b []byte, limit int) (out []byte, ok, over, raw bool) {
	var r io.Reader
	switch {
	case len(b) >= 10 && b[0] == 0x1f && b[1] == 0x8b:
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, false, false, false
		}
		r = zr
	case len(b) >= 6 && b[0]&0x0f == 8 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0:
		zr, err := zlib.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, false, false, false
		}
		r = zr
	case len(b) >= 14 && string(b[:3]) == "BZh" && isBzip2(b):
		r = bzip2.NewReader(bytes.NewReader(b))
	case len(b) >= 12 && string(b[:6]) == "\xfd7zXZ\x00":
		c, capped, whole := xzCapped(b)
		if !whole {
			return nil, false, false, false // cut short: not a stream
		}
		if !capped {
			return nil, true, true, false
		}
		xr, err := xz.ReaderConfig{DictCap: dictCap, SingleStream: true}.NewReader(bytes.NewReader(c))
		if err != nil {
			return nil, false, false, false
		}
		r = xr
	case len(b) >= 4 && string(b[:4]) == "\x28\xb5\x2f\xfd":
		zr, err := zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(dictCap), zstd.WithDecoderMaxMemory(uint64(limit)+1))
		if err != nil {
			return nil, false, false, false
		}
		defer zr.Close()
		r = zr
	case lzmaAlone(b):
		h := append([]byte(nil), b...)
		if binary.LittleEndian.Uint32(h[1:5]) > dictCap {
			binary.LittleEndian.PutUint32(h[1:5], dictCap)
		}
		lr, err := lzma.ReaderConfig{DictCap: dictCap}.NewReader(bytes.NewReader(h))
		if err != nil {
			return nil, false, false, false
		}
		r = lr
	default:
		if printableASCII(b) {
			return nil, false, false, false // text, not a stream
		}
		out, ok = rawDeflate(b, limit)
		if ok && len(out) <= limit && !textLike(out) {
			if _, u := utf16Like(out); !u {
				return nil, false, false, false // noise that happens to read as a stream
			}
		}
		if len(out) > limit {
			return out[:limit], true, true, true
		}
		return out, ok, false, true
	}
	out, _ = io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if len(out) > limit {
		return out[:limit], true, true, false
	}
	return out, len(out) > 0, false, false
}

// lzmaAlone: the 13-byte header of the .lzma format (Python's
// FORMAT_ALONE, lzma_alone): a properties byte, a dictionary size that
// is 2^n or 2^n+2^(n-1), and a size that is unknown (all ones) or below
// 2^32. (It has no magic: random bytes pass this once in millions.)
func lzmaAlone(b []byte) bool {
	if len(b) < 14 || b[0] >= 9*5*5 {
		return false
	}
	d := binary.LittleEndian.Uint32(b[1:5])
	if d < 1<<12 {
		return false
	}
	top := d & -d // lowest set bit
	if d != top && d != top*3 {
		return false
	}
	size := binary.LittleEndian.Uint64(b[5:13])
	return size == ^uint64(0) || size>>32 == 0
}

// xzCapped is an xz stream whose first block's LZMA2 dictionary is
// capped to dictCap (the block header's CRC mended); whole is false
// when the block header is cut short (a piece of a run), capped is
// false when the header could not be read that way (a filter chain, a
// reserved bit): such a stream is scrubbed whole.
func xzCapped(b []byte) (out []byte, capped, whole bool) {
	const hdr = 12
	if len(b) < hdr+8 {
		return nil, false, false
	}
	size := (int(b[hdr]) + 1) * 4
	if b[hdr] == 0 || hdr+size > len(b) {
		return nil, false, false
	}
	bh := b[hdr : hdr+size]
	if crc32.ChecksumIEEE(bh[:size-4]) != binary.LittleEndian.Uint32(bh[size-4:]) {
		return nil, false, false
	}
	flags := bh[1]
	if flags&0x03 != 0 || flags&0x3c != 0 { // one filter only, no reserved bits
		return nil, false, true
	}
	p := 2
	for _, has := range [2]bool{flags&0x40 != 0, flags&0x80 != 0} {
		if has {
			for p < len(bh)-4 && bh[p]&0x80 != 0 {
				p++
			}
			p++
		}
	}
	// filter id 0x21 (LZMA2), one byte of properties: the dictionary.
	if p+3 > len(bh)-4 || bh[p] != 0x21 || bh[p+1] != 1 {
		return nil, false, true
	}
	const maxCode = 16 // 2^(16/2+12) = 1 MiB = dictCap
	if bh[p+2] <= maxCode {
		return b, true, true
	}
	out = append([]byte(nil), b...)
	nh := out[hdr : hdr+size]
	nh[p+2] = maxCode
	binary.LittleEndian.PutUint32(nh[size-4:], crc32.ChecksumIEEE(nh[:size-4]))
	return out, true, true
}

// flateReaders are kept between blobs: a raw deflate reader is mostly
// tried on bytes that are not one, and a new one costs more than the
// try. Each comes with its source reader and, for compressedLike's
// tries (one on nearly every line of an ordinary log: a request id's
// decodings), a buffer for what it reads: those cost no allocation.
var flateReaders sync.Pool

type flateTry struct {
	br  bytes.Reader
	fr  io.ReadCloser
	buf [compressedLikeMax + 1]byte
}

// getFlate is a pooled reader set to read b (nil: it could not be).
func getFlate(b []byte) *flateTry {
	t, _ := flateReaders.Get().(*flateTry)
	if t == nil {
		t = &flateTry{}
	}
	t.br.Reset(b)
	if t.fr == nil {
		t.fr = flate.NewReader(&t.br)
	} else if t.fr.(flate.Resetter).Reset(&t.br, nil) != nil {
		return nil
	}
	return t
}

// rawDeflate reads b as a raw deflate stream (no header): it counts as
// one only if it reads to its final block without error and ends within
// a few bytes of b's end (a ZIP member's data descriptor may follow).
func rawDeflate(b []byte, limit int) ([]byte, bool) {
	if len(b) < 3 || b[0]&0x06 == 0x06 { // block type 3 does not exist
		return nil, false
	}
	if limit >= compressedLikeMax && fixedBreaks(b) {
		return nil, false // (flate would break too, within the limit)
	}
	t := getFlate(b)
	if t == nil {
		return nil, false
	}
	defer flateReaders.Put(t)
	out, err := io.ReadAll(io.LimitReader(t.fr, int64(limit)+1))
	if len(out) > limit {
		return out, true
	}
	if err != nil || len(out) == 0 || t.br.Len() > 8 {
		return nil, false
	}
	return out, true
}

// rawDeflateText: b reads as a raw deflate stream (as rawDeflate says,
// with compressedLikeMax for its limit) of text, read into the pooled
// reader's own buffer.
func rawDeflateText(b []byte) bool {
	if len(b) < 3 || b[0]&0x06 == 0x06 || fixedBreaks(b) {
		return false
	}
	t := getFlate(b)
	if t == nil {
		return false
	}
	defer flateReaders.Put(t)
	// (io.ReadAll's loop, into a fixed buffer: io.EOF ends it well)
	n := 0
	var err error
	for n < len(t.buf) {
		var k int
		k, err = t.fr.Read(t.buf[n:])
		n += k
		if err != nil {
			break
		}
	}
	if err == io.EOF {
		err = nil
	}
	out := t.buf[:n]
	if n > compressedLikeMax {
		return textLike(out)
	}
	if err != nil || n == 0 || t.br.Len() > 8 {
		return false
	}
	return textLike(out)
}

// compressed3: three bytes that may begin a compressed stream other
// than gzip and zlib (bzip2's "BZh" is text already): xz, zstd, or a
// short raw deflate stream (a final block of fixed codes or stored, as
// deflate writes for a few dozen bytes).
func compressed3(q [3]byte) bool {
	return q == [3]byte{0xfd, '7', 'z'} || q == [3]byte{0x28, 0xb5, 0x2f} || fixedText(q[:]) || q[0]&0xfe == 0 && q[2] == 0
}

// fixedText: b begins a final raw deflate block of fixed codes whose
// first two symbols are literals that may begin text (the first symbol
// of a stream is a literal: nothing is behind it to copy). Ordinary
// words decode to such bytes rarely, so few are read as deflate.
func fixedText(b []byte) bool {
	if len(b) < 3 || b[0]&0x06 != 0x02 { // fixed codes (final or not: Go's writer ends with an empty block)
		return false
	}
	bit := 3
	next := func() int { // the next bit of the stream (LSB first)
		v := int(b[bit/8]>>(bit%8)) & 1
		bit++
		return v
	}
	for sym := 0; sym < 2 && bit+9 <= len(b)*8; sym++ {
		code := 0
		for k := 0; k < 8; k++ {
			code = code<<1 | next()
		}
		switch {
		case code >= 0x30 && code <= 0xbf: // literals 0-143, 8 bits
			c := code - 0x30
			if !(c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' || c == '\r') {
				return false
			}
		case code >= 0xc8: // literals 144-255, 9 bits: a UTF-8 lead byte?
			c := 144 + (code<<1 | next()) - 0x190
			return c >= 0xc2 && c <= 0xf4
		default: // a length or the block's end: not where text begins
			return false
		}
	}
	return true
}

// compressedLike: short decoded bytes that are a whole compressed
// stream (read at once: what ordinary words decode to is not).
func compressedLike(b []byte) bool {
	if len(b) < 6 {
		return false
	}
	if len(b) >= 12 && string(b[:6]) == "\xfd7zXZ\x00" || string(b[:4]) == "\x28\xb5\x2f\xfd" || lzmaAlone(b) {
		return true
	}
	if !fixedText(b) && !(b[0]&0xfe == 0 && len(b) >= 5 && b[1] == ^b[3] && b[2] == ^b[4]) {
		return false
	}
	return rawDeflateText(b)
}

// compressedLikeMax: what compressedLike reads of a stream at most.
const compressedLikeMax = 256

// printableASCII: b is ASCII text; deflate's bytes of anything are not
// (one in 2.7 of random bytes is printable ASCII, per byte).
func printableASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x7f || c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}
