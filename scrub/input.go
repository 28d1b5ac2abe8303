package scrub

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// Inputs: a log may come gzipped (rotated logs, artifacts); it is read
// inflated, however many times it was gzipped. A format that gate scrub
// cannot read inside (another compressor, an archive whose members are
// compressed) is an error, never passed through: a value inside would
// survive whole. Anything else is read as bytes: text, or binary in
// which text may stand (NUL bytes and invalid UTF-8 are read as word
// breaks, see spans).

// maxGzipLayers bounds gzip inside gzip.
const maxGzipLayers = 4

// opaqueFormats are formats whose content cannot be read without a
// decoder gate scrub does not have, by their magic bytes.
var opaqueFormats = []struct {
	magic []byte
	name  string
}{
	{[]byte("BZh"), "bzip2"}, // and a level and a block's magic: isBzip2
	{[]byte{0xfd, '7', 'z', 'X', 'Z', 0}, "xz"},
	{[]byte{0x28, 0xb5, 0x2f, 0xfd}, "zstd"},
	{[]byte{0x04, 0x22, 0x4d, 0x18}, "lz4"},
	{[]byte("\x89LZO"), "lzop"},
	{[]byte{0x1f, 0x9d}, "compress (.Z)"},
	{[]byte("PK\x03\x04"), "zip"},
	{[]byte("PK\x05\x06"), "zip"},
	{[]byte("7z\xbc\xaf\x27\x1c"), "7-zip"},
	{[]byte("Rar!\x1a\x07"), "rar"},
}

// Input is a log being read: its content, inflated.
type Input struct {
	io.Reader
	// Gzipped: the log was gzip (--in-place writes it back gzipped).
	Gzipped bool
	closers []io.Closer
}

// Close releases the inflaters.
func (in *Input) Close() error {
	for _, c := range in.closers {
		c.Close()
	}
	return nil
}

// NewInput reads r, inflating gzip; an unreadable format is an error
// naming it (and nothing of the content).
func NewInput(r io.Reader) (*Input, error) {
	in := &Input{}
	br := bufio.NewReaderSize(r, 256<<10)
	for layer := 0; ; layer++ {
		magic, _ := br.Peek(10)
		if len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b {
			if layer == maxGzipLayers {
				in.Close()
				return nil, fmt.Errorf("gzip inside gzip more than %d times", maxGzipLayers)
			}
			zr, err := gzip.NewReader(br)
			if err != nil {
				in.Close()
				return nil, fmt.Errorf("gzip: %w", err)
			}
			in.Gzipped = true
			in.closers = append(in.closers, zr)
			br = bufio.NewReaderSize(gzipErrors{zr}, 256<<10)
			continue
		}
		// A tar archive scrubbed as text comes back corrupt (its headers
		// give each member's size and a checksum), so it is refused too.
		if h, _ := br.Peek(262); len(h) == 262 && string(h[257:262]) == "ustar" {
			in.Close()
			what := "a tar archive"
			if layer > 0 {
				what += " inside gzip"
			}
			return nil, fmt.Errorf("%s: gate scrub reads text and gzip only; unpack it first", what)
		}
		for _, f := range opaqueFormats {
			if bytes.HasPrefix(magic, f.magic) && (f.name != "bzip2" || isBzip2(magic)) {
				in.Close()
				what := "compressed with " + f.name
				if f.name == "zip" || f.name == "7-zip" || f.name == "rar" {
					what = "a " + f.name + " archive"
				}
				if layer > 0 {
					what += " inside gzip"
				}
				return nil, fmt.Errorf("%s: gate scrub reads text and gzip only; unpack it first", what)
			}
		}
		in.Reader = br
		return in, nil
	}
}

// isBzip2: "BZh", a level, and a block's or the end's magic (a log may
// begin with "BZh").
func isBzip2(b []byte) bool {
	return len(b) >= 10 && b[3] >= '1' && b[3] <= '9' &&
		(bytes.Equal(b[4:10], []byte("1AY&SY")) || bytes.Equal(b[4:10], []byte("\x17rE8P\x90")))
}

// gzipErrors says that a read error is gzip's (a stream cut short).
type gzipErrors struct{ r io.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("gzip: %w", err)
	}
	return n, err
}
