// Package terminal is the chat channel on standard input and output: the way to try the bot with
// no Slack or LINE account, and the channel of the golden transcript tests. Choices are shown as
// numbered lines; typing a number picks one (the engine maps it).
//
// It imports dialog only.
package terminal
