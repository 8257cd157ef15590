package pac

import (
	"context"
	"testing"
	"time"
)

// BenchmarkFindProxy measures a cache hit (the common case: a host seen in
// the last 30 s) and a miss (a full evaluation) with corp.pac and the
// 2000-line large.pac.
func BenchmarkFindProxy(b *testing.B) {
	opt := Options{Resolver: corpResolver, LocalIPs: localIPs("10.1.50.23"), Now: clock(testNow)}
	for _, file := range []string{"corp.pac", "large.pac"} {
		url := "https://www.google.com/"
		if file == "large.pac" {
			url = "http://cdn.vendor399.example/" // the last rule: the slowest path
		}
		b.Run(file+"/hit", func(b *testing.B) {
			s := loadTestPAC(b, file, opt)
			ctx := context.Background()
			if _, err := s.FindProxy(ctx, url, ""); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.FindProxy(ctx, url, ""); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
		b.Run(file+"/miss", func(b *testing.B) {
			o := opt
			o.CacheTTL = -1
			s := loadTestPAC(b, file, o)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.FindProxy(ctx, url, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("parse/large.pac", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			loadTestPAC(b, "large.pac", Options{Timeout: 5 * time.Second})
		}
	})
	b.Run("ParseResult", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := ParseResult("PROXY a:8080; PROXY b:8080; SOCKS5 c:1080; DIRECT"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
