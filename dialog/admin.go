package dialog

// Admin is what admins read and do, through the admin API and the admin commands: the figures
// and the unanswered queries (stats.go), the cases and their export (stats.go, export.go), a
// backup, erasure of one person's data and the retention sweep (retention.go). It holds nothing
// but the engine; the methods live beside the records they read.
type Admin struct{ e *Engine }

// Admin returns the engine's admin facet.
func (e *Engine) Admin() *Admin { return &Admin{e: e} }
