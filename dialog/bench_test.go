package dialog_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// BenchmarkStep measures one full step on a real bbolt file: dedupe, load the conversation,
// decide, save it and queue the reply, committed durably (fsync). "serial" is one message at a
// time; "parallel" lets bbolt batch concurrent steps into shared commits, as under webhook load.
func BenchmarkStep(b *testing.B) {
	texts := []string{"ランサムウェアに感染したかも", "1", "フィッシングサイトにパスワードを入れてしまった", "戻る", "取引先から口座変更のメールが来た", "最初に戻る"}
	run := func(b *testing.B, parallel bool) {
		te := newBenchEngine(b)
		var n atomic.Int64
		step := func(i int64) {
			user := fmt.Sprintf("U%04d", i%1000)
			_, err := te.Respond(context.Background(), dialog.Message{Channel: "line", UserID: user,
				EventID: fmt.Sprint("e", i), Text: texts[i%int64(len(texts))], Address: "a"})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		if parallel {
			b.SetParallelism(16) // 16 × GOMAXPROCS concurrent webhooks
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					step(n.Add(1))
				}
			})
		} else {
			for i := 0; i < b.N; i++ {
				step(int64(i))
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
	}
	b.Run("serial", func(b *testing.B) { run(b, false) })
	b.Run("parallel", func(b *testing.B) { run(b, true) })
}

// BenchmarkConversationSize stores 10,000 conversations in the middle of a topic and reports
// the database bytes per conversation (the file grows in pages, so this is what disk costs).
func BenchmarkConversationSize(b *testing.B) {
	for i := 0; i < b.N; i++ {
		te := newBenchEngine(b)
		const users = 10000
		ctx := context.Background()
		for u := 0; u < users; u++ {
			te.Respond(ctx, dialog.Message{Channel: "line", UserID: fmt.Sprintf("U%05d", u), Text: "ランサムウェアに感染したかも"})
		}
		te.Close()
		st, err := os.Stat(te.path)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Size())/users, "bytes/conversation")
	}
}

type benchEngine struct {
	*dialog.Engine
	path string
}

func newBenchEngine(b *testing.B) benchEngine {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		b.Fatal(err)
	}
	e, err := dialog.Open(path, lib, discard, dialog.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	return benchEngine{e, path}
}
