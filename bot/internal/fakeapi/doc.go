// Package fakeapi holds what the fake LINE and Slack APIs (linetest, slacktest) share: a queue
// of injected faults and a way to wait until what a fake recorded changes.
//
// Only the fakes import it, never production code. It may import the standard library only.
package fakeapi
