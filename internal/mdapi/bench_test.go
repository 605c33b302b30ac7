package mdapi

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// writeClasses writes n Apex classes, each with its -meta.xml, under dir/classes.
func writeClasses(tb testing.TB, dir string, n int) {
	tb.Helper()
	classes := filepath.Join(dir, "classes")
	if err := os.MkdirAll(classes, 0o755); err != nil {
		tb.Fatal(err)
	}
	meta := []byte(apexMeta())
	for i := range n {
		name := fmt.Sprintf("Class%05d", i)
		p := filepath.Join(classes, name+".cls")
		if err := os.WriteFile(p, []byte(apexClass(name)), 0o644); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p+"-meta.xml", meta, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func BenchmarkZipDir10000(b *testing.B) {
	dir := b.TempDir()
	writeTree(b, dir, map[string]string{
		"package.xml":                packageXML,
		"labels/CustomLabels.labels": "<CustomLabels/>\n",
	})
	writeClasses(b, dir, (MaxFiles-2)/2) // 10,000 files in all

	b.ReportAllocs()
	for b.Loop() {
		st, err := ZipDir(dir, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		if st.Files != MaxFiles {
			b.Fatalf("zipped %d files, want %d", st.Files, MaxFiles)
		}
		b.ReportMetric(float64(st.ZipBytes), "zip-bytes")
	}
}
