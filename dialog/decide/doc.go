// Package decide decides one step of a triage conversation: a message and the conversation as
// it stands in; the conversation after it, the reply and the step's effects out (Decide, Step).
// It holds the conversation value (Conversation, its modes and history), the reading of free
// text and typed numbers (triage), the choices a reply offers and how their ids read (choice),
// the 問診票 (intake), the first screen of an urgent answer (screen), and the values a reply is
// made of (Message, Reply, Block), with their plain-text rendering.
//
// Deciding is pure: it reads the knowledge and the clock it is given and changes only the
// conversation it is handed. It may import package knowledge and the standard library (and
// golang.org/x/text, for Unicode normalization) and nothing else: no store, no database, no
// channel. Package dialog stores what a step decides, opens the cases it asks for and queues
// its reply; its tests here are tables run without a database.
package decide
