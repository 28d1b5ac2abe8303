package attack

import (
	"bytes"
	"compress/bzip2"
	"compress/flate"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// Compressed forms other than gzip and zlib: raw deflate (ZIP members,
// HTTP deflate, PHP's gzdeflate), xz, the old .lzma
// format and zstd, in base64 or hex. (bzip2 has no Go writer: the
// scrubber's tests read blobs the real bzip2 wrote.)
var compressForms = []Form{
	{Name: "deflate-raw-b64", Render: func(v string) string {
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, flate.BestCompression)
		io.WriteString(fw, v)
		fw.Close()
		return "deflate=" + base64.StdEncoding.EncodeToString(b.Bytes())
	}},
	{Name: "xz-b64", Render: func(v string) string {
		var b bytes.Buffer
		xw, _ := xz.NewWriter(&b)
		io.WriteString(xw, v)
		xw.Close()
		return "blob: " + base64.StdEncoding.EncodeToString(b.Bytes())
	}},
	{Name: "lzma-hex", Render: func(v string) string {
		var b bytes.Buffer
		lw, _ := lzma.NewWriter(&b)
		io.WriteString(lw, v)
		lw.Close()
		return "data=" + hex.EncodeToString(b.Bytes())
	}},
	{Name: "zstd-b64", Render: func(v string) string {
		zw, _ := zstd.NewWriter(nil)
		defer zw.Close()
		return "z " + base64.StdEncoding.EncodeToString(zw.EncodeAll([]byte(v), nil))
	}},
}

func init() { Forms = append(Forms, compressForms...) }

func gz(b []byte) []byte {
	var o bytes.Buffer
	zw := gzip.NewWriter(&o)
	zw.Write(b)
	zw.Close()
	return o.Bytes()
}

// uncompressed is what b holds as any of the streams above (and bzip2),
// read as far as it goes, and inside that once more.
func uncompressed(b []byte) [][]byte {
	var out [][]byte
	for layer := 0; layer < 3; layer++ {
		d := uncompress1(b)
		if len(d) == 0 {
			break
		}
		out = append(out, d)
		b = d
	}
	return out
}

var flateReaders sync.Pool

func uncompress1(b []byte) []byte {
	var r io.Reader
	var err error
	switch {
	case len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b:
		r, err = gzip.NewReader(bytes.NewReader(b))
	case bytes.HasPrefix(b, []byte("BZh")):
		r = bzip2.NewReader(bytes.NewReader(b))
	case bytes.HasPrefix(b, []byte("\xfd7zXZ\x00")):
		r, err = xz.NewReader(bytes.NewReader(b))
	case bytes.HasPrefix(b, []byte("\x28\xb5\x2f\xfd")):
		var zr *zstd.Decoder
		zr, err = zstd.NewReader(bytes.NewReader(b), zstd.WithDecoderConcurrency(1))
		if err == nil {
			defer zr.Close()
			r = zr
		}
	case len(b) >= 13 && b[0] == 0x5d:
		r, err = lzma.ReaderConfig{DictCap: 1 << 24}.NewReader(bytes.NewReader(b))
	case len(b) >= 3 && b[0]&0x06 != 0x06 && !printable(b):
		// A flate reader is 40 KB to clear: reuse one.
		fr, _ := flateReaders.Get().(io.ReadCloser)
		if fr == nil {
			fr = flate.NewReader(bytes.NewReader(b))
		} else {
			fr.(flate.Resetter).Reset(bytes.NewReader(b), nil)
		}
		defer flateReaders.Put(fr)
		r = fr
	default:
		return nil
	}
	if err != nil {
		return nil
	}
	d, _ := io.ReadAll(io.LimitReader(r, 1<<20))
	return d
}

// printable: b is ASCII text (not a raw deflate stream).
func printable(b []byte) bool {
	for _, c := range b {
		if c >= 0x7f || c < 0x20 && c != '\t' && c != '\n' {
			return false
		}
	}
	return true
}
