package anonymize

import (
	"fmt"
	"testing"
)

var numbersCases = []kindCase{
	{kind: "integer", in: "123456", col: colInfo{typ: "int"}, check: re(`[1-9]\d{5}`)},
	{kind: "integer", in: "-42", col: colInfo{typ: "tinyint"}, check: re(`-[1-9]\d`)},
	{kind: "integer", in: "2147483000", col: colInfo{typ: "int"}, check: func(s string) error {
		var v int64
		fmt.Sscan(s, &v)
		if v < 1000000000 || v > 2147483647 {
			return fmt.Errorf("%s out of INT range or digit count", s)
		}
		return nil
	}},
	{kind: "integer", in: "250", col: colInfo{typ: "tinyint", unsigned: true}, check: re(`1\d\d|2[0-4]\d|25[0-5]`)},
}

func TestKindsNumbers(t *testing.T) { runKindCases(t, numbersCases, "testdata/kinds_numbers.golden") }
