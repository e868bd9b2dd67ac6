package dialog

// SetAfterEarly makes e call f between deciding a message from a snapshot and storing it, so a
// test can change the conversation in between.
func SetAfterEarly(e *Engine, f func()) { e.afterEarly = f }
