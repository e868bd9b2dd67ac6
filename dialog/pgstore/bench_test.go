package pgstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore/pgtest"
	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

// BenchmarkStep is dialog's BenchmarkStep on the PostgreSQL store of the test server: one full
// step (dedupe, load the conversation, decide, save it, queue the reply) in one transaction.
// The test server runs with fsync and synchronous_commit off, so a commit here never waits for
// a disk, unlike dialog's figure (bbolt with fsync): compare shapes, not the numbers.
func BenchmarkStep(b *testing.B) {
	srv := pgtest.Need(b)
	texts := []string{"ランサムウェアに感染したかも", "1", "フィッシングサイトにパスワードを入れてしまった", "戻る", "取引先から口座変更のメールが来た", "最初に戻る"}
	lib, err := knowledge.LibraryOf(seeds.FS)
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, parallel bool) {
		s := openStore(b, srv.NewDatabase(b, false))
		e := dialog.New(s, lib, slog.New(slog.DiscardHandler), dialog.Options{})
		b.Cleanup(func() { e.Close() })
		var n atomic.Int64
		step := func(i int64) {
			user := fmt.Sprintf("U%04d", i%1000)
			_, err := e.Respond(context.Background(), dialog.Message{Channel: "line", UserID: user,
				EventID: fmt.Sprint("e", i), Text: texts[i%int64(len(texts))], Address: "a"})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		if parallel {
			b.SetParallelism(16)
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
